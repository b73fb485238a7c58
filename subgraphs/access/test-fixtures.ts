import { randomInt } from 'node:crypto';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import { checkDigit } from '../../lib/identification-number.js';
import { AccessService, type Acting } from './access-service.js';
import type { SubjectKindValue } from './directory-repository.js';

// Test data for the access subgraph's tests (repository, property and end-to-end): valid
// identification numbers and a compact way to build subjects, persons and grant trees.

let serial = randomInt(0, 60_000);

function withCheckDigit(first11: () => string): string {
  for (;;) {
    const body = first11();
    const digit = checkDigit(body);
    if (digit !== null) return `${body}${digit}`;
  }
}

/** A valid IIN of someone born on 1 January 1985 (never the same twice in a process). */
export function makeIin(): string {
  return withCheckDigit(() => `850101${3}${String((serial++ % 10_000)).padStart(4, '0')}`);
}

/** A valid BIN of a resident legal entity registered in January 2010. */
export function makeBin(): string {
  return withCheckDigit(() => `100140${String((serial++ % 100_000)).padStart(5, '0')}`);
}

export function administrator(personId: string): Caller {
  return { kind: 'person', personId, tokenId: 'test-token', isAdministrator: true, grants: [] };
}

export function personCaller(personId: string): Caller {
  return { kind: 'person', personId, tokenId: 'test-token', isAdministrator: false, grants: [] };
}

/** Builds access data through the real service (validation, history, receipts included). */
export class AccessFixture {
  readonly service: AccessService;
  constructor(readonly db: Database, readonly adminPersonId: string) {
    this.service = new AccessService(db);
  }

  static async create(db: Database): Promise<AccessFixture> {
    const bootstrap = new AccessService(db);
    const system: Caller = { kind: 'person', personId: '00000000-0000-0000-0000-000000000000', tokenId: 'bootstrap', isAdministrator: true, grants: [] };
    const { person } = await bootstrap.createPerson({ iin: makeIin(), fullName: 'Test Administrator', isAdministrator: true, email: 'admin@example.kz' }, { caller: system, receivedAt: new Date() });
    return new AccessFixture(db, person.id);
  }

  acting(now?: Date): Acting {
    return { caller: administrator(this.adminPersonId), receivedAt: now ?? new Date(), ...(now ? { now } : {}) };
  }

  async subject(kind: SubjectKindValue = 'UTILITY_SUPPLIER', options: { email?: string; territoryKato?: string } = {}) {
    const { subject } = await this.service.createSubject(
      { kind, name: `Subject ${serial++}`, identificationNumber: makeBin(), email: options.email ?? null, territoryKato: options.territoryKato ?? null },
      this.acting(),
    );
    return subject;
  }

  async person(options: { email?: string | null } = {}) {
    const { person } = await this.service.createPerson({ iin: makeIin(), fullName: `Person ${serial++}`, email: options.email === undefined ? `p${serial++}@example.kz` : options.email }, this.acting());
    return person;
  }

  async agreement(subjectId: string, functions: string[], options: { validFrom?: Date; validUntil?: Date | null; now?: Date } = {}) {
    const { agreement } = await this.service.createAgreement(
      { subjectId, functions, validFrom: options.validFrom ?? null, validUntil: options.validUntil ?? null },
      this.acting(options.now),
    );
    return agreement;
  }

  /** A grant created and activated by the administrator. */
  async grant(input: { personId?: string; digitalObjectId?: string; agreementId?: string; parentGrantId?: string; functions: string[]; validFrom?: Date; validUntil?: Date }, now?: Date) {
    const { grant } = await this.service.grantAccess(input, this.acting(now));
    const { grant: active } = await this.service.activateGrant(grant.id, null, this.acting(now));
    return active;
  }
}
