import './environment.js';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { connectDatabase } from '../lib/db.js';
import { ensureDatabase, migrateDatabase } from '../lib/migrate.js';
import { startPostgres, withDatabase } from '../lib/postgres-server.js';
import { createAccessSeeder } from '../scripts/seed/access-seeder.js';
import { readDemoTokens } from '../scripts/seed/demo-tokens.js';
import { demoSeeders, seedDemoData } from '../scripts/seed/index.js';
import { startSystem } from '../scripts/system.js';
import { ReadingManager } from '../subgraphs/utilities/reading-manager.js';
import { ReadingRepository } from '../subgraphs/utilities/reading-repository.js';

// `npx tsx bench/readings.ts [--readings 1000000]` (or within `npm run bench`, its
// `--readings`): a supplier's system ingests meter readings
// through the gateway in calls of 10,000 (`submitReadings` with the water supplier's demo API
// token), and the same number of rows is written straight to Postgres by postgres.js (an
// `unnest` insert of typed arrays, 10,000 rows a statement) in the same run, interleaved call
// by call so both see the same machine and the same partitions. Reports readings per second
// both ways, their ratio, the peak RSS of the process running the gateway and the subgraphs,
// and where the time of one 10,000-reading call goes (check and write statements in-process).

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface ReadingsBenchResult {
  report: string;
  gatewayRate: number;
  rawRate: number;
  /** Raw insert over the rules' statements in-process: the most the gateway's ratio can reach. */
  rulesCeiling: number;
  peakRssMiB: number;
}

export interface ReadingsBenchOptions {
  /** How many readings in all (rounded to whole calls). */
  readings: number;
  /** Readings per call. */
  batch: number;
  /** A running server to create the bench's database on; without it the bench starts its own. */
  adminUrl?: string;
}

export async function runReadingsBench(options: ReadingsBenchOptions): Promise<ReadingsBenchResult> {
  const { batch } = options;
  const calls = Math.max(1, Math.round(options.readings / batch));
  const lines: string[] = [];
  const say = (line = '') => {
    console.log(line);
    lines.push(line);
  };
  const server = options.adminUrl
    ? null
    : await startPostgres({ databaseUrl: process.env.DATABASE_URL, dataDir: '.data/postgres-bench', disposable: true });
  let outcome: Omit<ReadingsBenchResult, 'report'> = { gatewayRate: 0, rawRate: 0, rulesCeiling: 0, peakRssMiB: 0 };
  try {
    const adminUrl = options.adminUrl ?? (server!.embedded ? server!.url : withDatabase(server!.url, 'postgres'));
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe('drop database if exists housing_bench_readings with (force)');
    await admin.end();
    const url = await ensureDatabase(adminUrl, 'housing_bench_readings');
    await migrateDatabase(url);
    const tokensFile = '.data/bench-readings-tokens.json';
    const seeding = connectDatabase(url, { max: 2 });
    const seeders = demoSeeders.map((seeder) => (seeder.name === 'access' ? createAccessSeeder({ tokensFile }) : seeder));
    await seedDemoData(seeding.db, { buildings: 200, seed: 1 }, seeders);
    await seeding.close();
    const token = (await readDemoTokens(tokensFile))?.supplierWater?.token;
    if (!token) throw new Error('The demo seed issued no token for the water supplier.');

    const raw = postgres(url, { max: 2, onnotice: () => {} });
    const [supplier] = await raw<Array<{ id: string }>>`
      select id from utilities.suppliers where 'WATER_SUPPLY' = any(services) order by created_at limit 1`;
    const buildings = await raw<Array<{ id: string }>>`select id from buildings.buildings order by id limit 200`;
    if (!supplier || buildings.length === 0) throw new Error('The demo seed placed no water supplier or no buildings.');

    const system = await startSystem({
      databaseUrl: url,
      host: '127.0.0.1',
      gatewayPort: 0,
      subgraphPorts: {},
      ide: false,
      backgroundWork: false,
    });
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    try {
      const gql = async (query: string, variables: Record<string, unknown>) => {
        const response = await fetch(system.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        const json = (await response.json()) as { data?: Record<string, { created: number; rejected: number }>; errors?: unknown[] };
        if (!response.ok || json.errors)
          throw new Error(`Benchmark call failed: ${response.status} ${JSON.stringify(json.errors).slice(0, 400)}`);
        return json.data!;
      };
      // One common-house meter per reading of a call: each call reads every meter once, a day later than the call before.
      const firstDay = Date.now() - (calls + 30) * DAY_MS;
      const meters = Array.from({ length: batch }, (_, i) => ({
        kind: 'COMMON_HOUSE',
        buildingId: buildings[i % buildings.length]!.id,
        service: 'WATER_SUPPLY',
        serialNumber: `BENCH-${i}`,
        capacityDigits: 8,
        tariffZones: 1,
        installedAt: isoDay(firstDay),
      }));
      const placed = await gql(`mutation($s: ID!, $m: [MeterInput!]!) { upsertMeters(supplierId: $s, meters: $m) { created rejected } }`, {
        s: supplier.id,
        m: meters,
      });
      if (placed.upsertMeters!.created !== batch) throw new Error('The meters were not all placed.');
      const rawMeterIds = Array.from({ length: batch }, () => crypto.randomUUID());
      const [kato] = await raw<Array<{ kato_code: string }>>`select kato_code from utilities.meters limit 1`;

      const submit = `mutation($s: ID!, $r: [MeterReadingInput!]!) { submitReadings(supplierId: $s, readings: $r) { created rejected } }`;
      const loadAtStart = loadavg();
      let gatewayMs = 0;
      // CPU of this process (gateway, subgraphs and the client) during the gateway calls: less
      // moved by other work on the machine than wall time, it shows what the Node side costs.
      let gatewayCpuMs = 0;
      let rawMs = 0;
      for (let call = 0; call < calls; call += 1) {
        const takenOn = isoDay(firstDay + (call + 1) * DAY_MS);
        const readings = meters.map((meter, i) => ({
          serialNumber: meter.serialNumber,
          takenOn,
          value: String((call + 1) * 10 + (i % 5)),
          source: 'AUTOMATIC',
        }));
        let start = performance.now();
        const cpu = process.cpuUsage();
        const answer = await gql(submit, { s: supplier.id, r: readings });
        gatewayMs += performance.now() - start;
        const used = process.cpuUsage(cpu);
        gatewayCpuMs += (used.user + used.system) / 1000;
        if (answer.submitReadings!.created !== batch) throw new Error(`Call ${call} did not record every reading.`);

        start = performance.now();
        await raw`
          insert into utilities.meter_readings (meter_id, supplier_id, kato_code, zone, taken_on, value, consumption, kind, source, anomaly)
          select u.meter_id, ${supplier.id}::uuid, ${kato!.kato_code}, 1, ${takenOn}::date, u.value, u.consumption, 'CURRENT', 'AUTOMATIC', false
            from unnest(${rawMeterIds}::uuid[], ${readings.map((r) => r.value)}::numeric[], ${readings.map(() => (call === 0 ? null : '10'))}::numeric[])
                 as u(meter_id, value, consumption)
          on conflict (meter_id, zone, taken_on) do nothing`;
        rawMs += performance.now() - start;
      }
      const total = calls * batch;

      // Where one 10,000-reading call's time goes: the check and the write, in-process, rolled back.
      const takenOn = isoDay(firstDay + (calls + 1) * DAY_MS);
      const items = meters.map((meter, i) => ({
        serialNumber: meter.serialNumber,
        takenOn,
        value: String((calls + 1) * 10 + (i % 5)),
        source: 'AUTOMATIC' as const,
      }));
      const parts = { check: 0, write: 0, serialize: 0, raw: 0 };
      // Median of several rolled-back samples of each: the rules' statements in-process (no
      // GraphQL, no HTTP) next to the raw insert of the same rows. Their ratio is the ceiling the
      // gateway's ratio cannot pass, whatever the Node side costs.
      const checks: number[] = [];
      const writes: number[] = [];
      const raws: number[] = [];
      const handle = connectDatabase(url, { max: 1 });
      for (let sample = 0; sample < 7; sample += 1) {
        await handle.db
          .transaction(async (tx) => {
            let start = performance.now();
            const { checked, heads } = await new ReadingManager(tx).check(supplier.id, items, new Date());
            checks.push(performance.now() - start);
            const values = checked.flatMap((c) => ('value' in c ? [c.value] : []));
            start = performance.now();
            await new ReadingRepository(tx).write(supplier.id, values, 'bench', heads);
            writes.push(performance.now() - start);
            throw new Error('rolled back');
          })
          .catch(() => {});
        await raw
          .begin(async (tx) => {
            const start = performance.now();
            await tx`
              insert into utilities.meter_readings (meter_id, supplier_id, kato_code, zone, taken_on, value, consumption, kind, source, anomaly)
              select u.meter_id, ${supplier.id}::uuid, ${kato!.kato_code}, 1, ${takenOn}::date, u.value, u.consumption, 'CURRENT', 'AUTOMATIC', false
                from unnest(${rawMeterIds}::uuid[], ${items.map((r) => r.value)}::numeric[], ${items.map(() => '10')}::numeric[])
                     as u(meter_id, value, consumption)
              on conflict (meter_id, zone, taken_on) do nothing`;
            raws.push(performance.now() - start);
            throw new Error('rolled back');
          })
          .catch(() => {});
      }
      const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN;
      parts.check = median(checks);
      parts.write = median(writes);
      parts.raw = median(raws);
      await handle.close();
      const body = JSON.stringify({ query: submit, variables: { s: supplier.id, r: items } });
      let start = performance.now();
      JSON.parse(body);
      parts.serialize = performance.now() - start;
      start = performance.now();
      JSON.stringify(JSON.parse(body));
      const roundTrip = performance.now() - start;

      const gatewayRate = total / (gatewayMs / 1000);
      const rawRate = total / (rawMs / 1000);
      outcome = { gatewayRate, rawRate, rulesCeiling: parts.raw / (parts.check + parts.write), peakRssMiB: Math.round(peakRss / 2 ** 20) };
      say(`## Meter readings: ${total.toLocaleString('en')} readings in calls of ${batch.toLocaleString('en')}`);
      say();
      say(
        `Load average (1, 5, 15 min) at the start: ${loadAtStart.map((n) => n.toFixed(2)).join(', ')}; at the end: ${loadavg()
          .map((n) => n.toFixed(2))
          .join(', ')} (2 cores shared with other work).`,
      );
      say();
      say('| path | seconds | readings/s |');
      say('|---|---:|---:|');
      say(
        `| \`submitReadings\` through the gateway (API token of a supplier) | ${round(gatewayMs / 1000, 1)} | ${Math.round(gatewayRate)} |`,
      );
      say(`| postgres.js straight, \`unnest\` typed arrays | ${round(rawMs / 1000, 1)} | ${Math.round(rawRate)} |`);
      say();
      say(
        `Gateway / raw: **${round(gatewayRate / rawRate)}** (target ≥ 0.6). Peak RSS of the process running the gateway and the subgraphs: ${Math.round(peakRss / 2 ** 20)} MiB.`,
      );
      say();
      const ceiling = parts.raw / (parts.check + parts.write);
      say(
        `The rules' own statements, in-process without GraphQL or HTTP (median of 7 rolled-back samples of one call of ${batch.toLocaleString('en')}): check ${round(parts.check)} ms + write ${round(parts.write)} ms against the raw insert's ${round(parts.raw)} ms, a ratio of **${round(ceiling)}**: the ceiling of the gateway's ratio on this machine, since a reading cannot be judged without its meter and its zone's last reading, nor judged again by the next call without the head it leaves.`,
      );
      say();
      say(
        `One call of ${batch.toLocaleString('en')} (${round(body.length / 2 ** 20, 2)} MiB body), average ${round(gatewayMs / calls)} ms through the gateway (${round(gatewayCpuMs / calls)} ms of it CPU time of the Node process running the gateway, the subgraphs and this client): the check ${round(parts.check)} ms (the supplier; its meters under the supplier's readings lock; and the heads of their zones), the write ${round(parts.write)} ms (one unnest upsert of the readings, one of the heads), parsing the body ${round(parts.serialize)} ms (×2 with the gateway re-sending it: ${round(roundTrip)} ms for one parse and serialize); the rest is GraphQL input coercion, the bulk path's receipt, feed changes and idempotency, and the HTTP hops.`,
      );
      say();
    } finally {
      clearInterval(sampler);
      await system.close();
      await raw.end();
    }
  } finally {
    await server?.stop();
  }
  return { report: lines.join('\n'), ...outcome };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.LOG_LEVEL ??= 'warn';
  const { values } = parseArgs({
    options: { readings: { type: 'string', default: '100000' }, batch: { type: 'string', default: '10000' } },
  });
  await runReadingsBench({ readings: Number(values.readings), batch: Number(values.batch) });
}
