import { randomBytes } from 'node:crypto';
import { checkDigit } from '../../lib/identification-number.js';
import { type SubgraphName, subgraphNames } from '../../lib/subgraph-names.js';
import { type RunningSystem, startSystem } from '../../scripts/system.js';
import { postGraphQL } from './system.js';

/** The whole system (every subgraph and the gateway, on free ports) on a database of the test's own server. */
export function startSystemOn(databaseUrl: string): Promise<RunningSystem> {
  return startSystem({
    databaseUrl,
    host: '127.0.0.1',
    gatewayPort: 0,
    subgraphPorts: Object.fromEntries(subgraphNames.map((name) => [name, 0])) as Record<SubgraphName, number>,
    ide: false,
    poolSize: 10,
  });
}

/** One acknowledged placement: the receipt the API returned and what it placed. */
export interface Acknowledged {
  receiptId: string;
  subjectId: string;
  name: string;
  identificationNumber: string;
}

export interface WriteLoadReport {
  acknowledged: Acknowledged[];
  /** Refusals and failures by `<extensions.code> (HTTP <status>)`, or the fetch error. */
  failures: Map<string, number>;
}

export interface WriteLoad {
  /** Acknowledged so far. */
  readonly acknowledged: Acknowledged[];
  /** Stops starting new requests and waits for those in flight. */
  stop(): Promise<WriteLoadReport>;
}

/**
 * A valid random BIN of a resident legal entity: any year, month and kind of unit and a
 * random serial (some 5·10^8 values), so loads of thousands almost never repeat one.
 */
export function randomBin(): string {
  for (;;) {
    const random = randomBytes(8);
    const year = String(random.readUInt8(0) % 100).padStart(2, '0');
    const month = String((random.readUInt8(1) % 12) + 1).padStart(2, '0');
    const unit = random.readUInt8(6) % 4; // head office, branch, representative office, farm
    const body = `${year}${month}4${unit}${String(random.readUInt32BE(2) % 100_000).padStart(5, '0')}`;
    const digit = checkDigit(body);
    if (digit !== null) return `${body}${digit}`;
  }
}

const createSubject = `mutation($input: CreateSubjectInput!) {
  createSubject(input: $input) { subject { id name identificationNumber } receipt { id recordedAt } }
}`;

function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * `workers` concurrent loops of real `createSubject` mutations through the gateway, as an
 * administrator would send them. A placement counts as acknowledged only when the answer
 * carries its receipt and no error: exactly what a client may rely on (p.30).
 */
export function startWriteLoad(gatewayUrl: string, token: string, options: { workers?: number; label?: string } = {}): WriteLoad {
  const acknowledged: Acknowledged[] = [];
  const failures = new Map<string, number>();
  const label = options.label ?? 'Load';
  let running = true;
  let serial = 0;

  async function worker(): Promise<void> {
    while (running) {
      const name = `${label} ${process.pid}-${(serial += 1)}`;
      const identificationNumber = randomBin();
      try {
        const response = await postGraphQL<{ createSubject: { subject: { id: string }; receipt: { id: string } } }>(
          gatewayUrl,
          createSubject,
          { input: { kind: 'UTILITY_SUPPLIER', name, identificationNumber } },
          { authorization: `Bearer ${token}` },
        );
        const payload = response.data?.createSubject;
        if (!response.errors?.length && payload?.receipt?.id) {
          acknowledged.push({ receiptId: payload.receipt.id, subjectId: payload.subject.id, name, identificationNumber });
          continue;
        }
        const codes = new Set((response.errors ?? []).map((error) => String(error.extensions?.code ?? 'NO_CODE')));
        if (codes.size === 0) codes.add(`HTTP ${response.status}`);
        for (const code of codes) count(failures, `${code} (HTTP ${response.status})`);
        // A random BIN may repeat one already placed: that is the client's mistake, not an outage.
        if (codes.has('BAD_USER_INPUT') || codes.has('CONFLICT')) continue;
      } catch (error) {
        count(failures, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
      // Refused or failed: back off a little, as a client would, instead of spinning.
      await new Promise((done) => setTimeout(done, 20));
    }
  }

  const workers = Array.from({ length: options.workers ?? 8 }, () => worker());
  return {
    acknowledged,
    async stop() {
      running = false;
      await Promise.all(workers);
      return { acknowledged, failures };
    },
  };
}
