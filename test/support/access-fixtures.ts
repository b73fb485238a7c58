import { randomInt } from 'node:crypto';
import type { Caller } from '../../lib/auth/caller.js';
import { generateToken } from '../../lib/auth/tokens.js';
import type { Database, Executor } from '../../lib/db.js';
import { checkDigit } from '../../lib/identification-number.js';
import type { Receipt } from '../../lib/receipts.js';
import { mutateAs } from '../../scripts/seed/mutate-as.js';
import type { ApplicationInput, Approval, IntegrationTerms } from '../../subgraphs/access/application-manager.js';
import type { ApplicationRow } from '../../subgraphs/access/application-repository.js';
import type { CalendarChange, HolidayInput } from '../../subgraphs/access/calendar-manager.js';
import { definition } from '../../subgraphs/access/definition.js';
import { DirectoryManager, type PersonInput, type SubjectInput } from '../../subgraphs/access/directory-manager.js';
import type { DigitalObjectRow, PersonRow, SubjectKindValue, SubjectRow } from '../../subgraphs/access/directory-repository.js';
import { loadEffectiveGrants } from '../../subgraphs/access/effective-grants-repository.js';
import type {
  AgreementInput,
  EndGrantInput,
  EndResult,
  GrantInput,
  SuspensionResult,
} from '../../subgraphs/access/grant-lifecycle-manager.js';
import type { AgreementRow, GrantRow } from '../../subgraphs/access/grant-repository.js';
import { TokenRepository } from '../../subgraphs/access/token-repository.js';

// Test data of the access subgraph: valid identification numbers, and subjects, persons,
// agreements and grant trees placed the way requests place them (rule, re-check, history,
// notifications, receipt), through `mutateAs`.

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
  return withCheckDigit(() => `850101${3}${String(serial++ % 10_000).padStart(4, '0')}`);
}

/** A valid BIN of a resident legal entity registered in January 2010. */
export function makeBin(): string {
  return withCheckDigit(() => `100140${String(serial++ % 100_000).padStart(5, '0')}`);
}

/** Who places a change: a caller with a token in force, and when the request arrived (the instant of the change). */
export interface Acting {
  caller: Caller;
  receivedAt: Date;
}

type WithReceipt<T> = T & { receipt: Receipt };

/**
 * The access subgraph's mutations, called as requests call them (`mutateAs`: the field's
 * rule, then its resolver and the write path) with the arguments the resolvers receive.
 * On a transaction (`new AccessWrites(tx)`), each write is a savepoint of it.
 */
export class AccessWrites {
  constructor(private readonly db: Executor) {}

  private run<T>(field: string, args: Record<string, unknown>, acting: Acting): Promise<T> {
    return mutateAs<T>(definition, this.db, acting.caller, field, args, acting.receivedAt);
  }

  createSubject(input: SubjectInput, acting: Acting) {
    return this.run<WithReceipt<{ subject: SubjectRow }>>('createSubject', { input }, acting);
  }

  createPerson(input: PersonInput, acting: Acting) {
    return this.run<WithReceipt<{ person: PersonRow }>>('createPerson', { input }, acting);
  }

  createAgreement(input: AgreementInput, acting: Acting) {
    return this.run<WithReceipt<{ agreement: AgreementRow }>>('createAgreement', { input }, acting);
  }

  grantAccess(input: GrantInput, acting: Acting) {
    return this.run<WithReceipt<{ grant: GrantRow }>>('grantAccess', { input }, acting);
  }

  activateGrant(grantId: string, comment: string | null, acting: Acting) {
    return this.run<WithReceipt<{ grant: GrantRow }>>('activateGrant', { grantId, comment }, acting);
  }

  suspendGrant(grantId: string, comment: string | null, acting: Acting) {
    return this.run<WithReceipt<SuspensionResult>>('suspendGrant', { grantId, comment }, acting);
  }

  reinstateGrant(grantId: string, comment: string | null, acting: Acting) {
    return this.run<WithReceipt<SuspensionResult>>('reinstateGrant', { grantId, comment }, acting);
  }

  endGrant(input: EndGrantInput, acting: Acting) {
    return this.run<WithReceipt<EndResult>>('endGrant', { input }, acting);
  }

  renounceGrant(grantId: string, comment: string | null, acting: Acting) {
    return this.run<WithReceipt<EndResult>>('renounceGrant', { grantId, comment }, acting);
  }

  submitApplication(input: ApplicationInput, acting: Acting) {
    return this.run<WithReceipt<{ application: ApplicationRow }>>('submitApplication', { input }, acting);
  }

  approveApplication(applicationId: string, terms: IntegrationTerms, acting: Acting) {
    return this.run<WithReceipt<Approval>>('approveApplication', { applicationId, terms }, acting);
  }

  refuseApplication(applicationId: string, reason: string, acting: Acting) {
    return this.run<WithReceipt<{ application: ApplicationRow }>>('refuseApplication', { applicationId, reason }, acting);
  }

  markDigitalObjectTested(digitalObjectId: string, acting: Acting) {
    return this.run<WithReceipt<{ digitalObject: DigitalObjectRow }>>('markDigitalObjectTested', { digitalObjectId }, acting);
  }

  addHoliday(input: HolidayInput, acting: Acting) {
    return this.run<WithReceipt<CalendarChange>>('addHoliday', { input }, acting);
  }

  removeHoliday(date: string, acting: Acting) {
    return this.run<WithReceipt<CalendarChange>>('removeHoliday', { date }, acting);
  }
}

/** A token in force for `personId` (no expiry, so tests may move the clock), stored as the system stores any. */
async function tokenFor(db: Executor, personId: string): Promise<string> {
  const { metadata } = await new TokenRepository(db).store(generateToken(), { personId }, { label: 'test fixture', expiresAt: null });
  return metadata.id;
}

/** Builds access data as an administrator of its own, and acts as other persons on demand. */
export class AccessFixture {
  readonly service: AccessWrites;
  private readonly tokens = new Map<string, string>();

  private constructor(
    readonly db: Database,
    readonly adminPersonId: string,
    private readonly adminTokenId: string,
  ) {
    this.service = new AccessWrites(db);
  }

  /** A new administrator, registered like the first administrator of a database: placed by no one, so without a receipt. */
  static async create(db: Database): Promise<AccessFixture> {
    const admin = await new DirectoryManager(db).registerPerson(
      { iin: makeIin(), fullName: 'Test Administrator', isAdministrator: true, email: 'admin@example.kz' },
      new Date(),
    );
    return new AccessFixture(db, admin.id, await tokenFor(db, admin.id));
  }

  /** The fixture's administrator, as of `now` (the instant of the change; now when omitted). */
  acting(now?: Date): Acting {
    return {
      caller: { kind: 'person', personId: this.adminPersonId, tokenId: this.adminTokenId, isAdministrator: true, grants: [] },
      receivedAt: now ?? new Date(),
    };
  }

  /** `personId` with a token in force and the grants in effect right now, as the gateway resolves them. */
  async as(personId: string, now?: Date): Promise<Acting> {
    let tokenId = this.tokens.get(personId);
    if (!tokenId) this.tokens.set(personId, (tokenId = await tokenFor(this.db, personId)));
    const grants = await loadEffectiveGrants(this.db, { personId });
    return { caller: { kind: 'person', personId, tokenId, isAdministrator: false, grants }, receivedAt: now ?? new Date() };
  }

  async subject(kind: SubjectKindValue = 'UTILITY_SUPPLIER', options: { email?: string; territoryKato?: string } = {}) {
    const { subject } = await this.service.createSubject(
      {
        kind,
        name: `Subject ${serial++}`,
        identificationNumber: makeBin(),
        email: options.email ?? null,
        territoryKato: options.territoryKato ?? null,
      },
      this.acting(),
    );
    return subject;
  }

  async person(options: { email?: string | null } = {}) {
    const { person } = await this.service.createPerson(
      { iin: makeIin(), fullName: `Person ${serial++}`, email: options.email === undefined ? `p${serial++}@example.kz` : options.email },
      this.acting(),
    );
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
  async grant(
    input: {
      personId?: string;
      digitalObjectId?: string;
      agreementId?: string;
      parentGrantId?: string;
      functions: string[];
      validFrom?: Date;
      validUntil?: Date;
    },
    now?: Date,
  ) {
    const { grant } = await this.service.grantAccess(input, this.acting(now));
    const { grant: active } = await this.service.activateGrant(grant.id, null, this.acting(now));
    return active;
  }
}
