import type { Caller } from '../../lib/auth/caller.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { hasNationalFunction, subjectsFor } from '../../lib/auth/scope.js';
import type { BulkCall, BulkMode, Checked } from '../../lib/bulk.js';
import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { iinProblem } from '../../lib/identification-number.js';
import { isUuid } from '../../lib/uuid.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { UtilityService } from '../../schema/utilities.js';
import { AccountHistoryRepository, upsertEntry } from './account-history-repository.js';
import { type AccountInput, type AccountScope, PersonalAccountRepository } from './personal-account-repository.js';
import { premiseKey, ReferencesRepository } from './references-repository.js';
import { SupplierManager } from './supplier-manager.js';

/** `PersonalAccountInput` as the client sends it. */
export interface PersonalAccountItem {
  /** The client's own key of the item, echoed back in its result. */
  key?: string | null;
  buildingId: string;
  premiseNumber?: string | null;
  accountNumber: string;
  holderName: string;
  holderIin: string;
  service: UtilityService;
  openedAt: string;
  closedAt?: string | null;
}

/** Longest client key of an item. */
const MAX_KEY_LENGTH = 200;

/**
 * Which personal accounts a caller reaches, decided once per request from its grants. A
 * supplier reaches the accounts it keeps; a national body with ANALYTICS_READ reaches all
 * of them (p.6, p.31: each function only as far as the right allows). Local executive
 * bodies' territorial analytics waits for the buildings' KATO codes here.
 */
export function accountScopeOf(caller: Caller): AccountScope {
  const maintained = subjectsFor(caller, AccessFunction.PersonalAccountsMaintain);
  const readSubjects = hasNationalFunction(caller, AccessFunction.AnalyticsRead) ? null : new Set(maintained);
  // The supplier that keeps an account entered its holder and needs them to bill; anyone
  // else needs PERSONAL_DATA_READ, nationally or for that supplier.
  const holderDataSubjects = hasNationalFunction(caller, AccessFunction.PersonalDataRead)
    ? null
    : new Set([...maintained, ...subjectsFor(caller, AccessFunction.PersonalDataRead)]);
  return { readSubjects, holderDataSubjects };
}

/** Whether the caller may list or look up personal accounts at all. */
export function readsAnyAccount(scope: AccountScope): boolean {
  return scope.readSubjects === null || scope.readSubjects.size > 0;
}

/** Whether the caller reads the holder's name and IIN of an account kept by the supplier of this subject. */
export function readsHolderDataOf(scope: AccountScope, supplierSubjectId: string): boolean {
  return scope.holderDataSubjects === null || scope.holderDataSubjects.has(supplierSubjectId);
}

/**
 * Checks one account in memory against the supplier's services and the Kazakhstan calendar
 * (`today`); problems name the field within the item (`holderIin`) and never repeat names
 * or IINs. Building and premise existence are checked for the whole call by `check`.
 */
export function checkAccount(item: PersonalAccountItem, offered: readonly UtilityService[], now: Date): Checked<AccountInput> {
  const today = almatyDate(now);
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const accountNumber = item.accountNumber.trim();
  const holderName = item.holderName.trim();
  const premiseNumber = item.premiseNumber === null || item.premiseNumber === undefined ? null : item.premiseNumber.trim();
  if (item.key !== null && item.key !== undefined && item.key.length > MAX_KEY_LENGTH)
    add('key', `must be at most ${MAX_KEY_LENGTH} characters.`);
  if (!isUuid(item.buildingId)) add('buildingId', 'must be an id (a UUID) of a building of the register.');
  if (premiseNumber !== null && (premiseNumber.length === 0 || premiseNumber.length > 20))
    add('premiseNumber', 'must be 1 to 20 characters, or absent.');
  if (accountNumber.length === 0 || accountNumber.length > 50) add('accountNumber', 'must be 1 to 50 characters.');
  if (holderName.length === 0 || holderName.length > 300) add('holderName', 'must be 1 to 300 characters.');
  const iin = iinProblem(item.holderIin, now);
  if (iin) add('holderIin', iin);
  if (!offered.includes(item.service)) add('service', `${item.service} is not a service this supplier offers (${offered.join(', ')}).`);
  if (item.openedAt > today) add('openedAt', 'must not be in the future.');
  const closedAt = item.closedAt ?? null;
  if (closedAt !== null && closedAt < item.openedAt) add('closedAt', 'must not be before openedAt.');
  else if (closedAt !== null && closedAt > today) add('closedAt', 'must not be in the future.');
  if (problems.length > 0) return { problems };
  return {
    value: {
      buildingId: item.buildingId.toLowerCase(),
      premiseNumber,
      accountNumber,
      holderName,
      holderIin: item.holderIin,
      service: item.service,
      openedAt: item.openedAt,
      closedAt,
    },
  };
}

/** Consumers' personal accounts (category 11). */
export class PersonalAccountManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Checks every account of one call to `supplierId`, in input order: in memory, account
   * numbers not repeated within the call, then against the register in two set-wise
   * statements whatever the number of accounts (buildings through `published_buildings`,
   * premises of those buildings through `published_premises`; an account without a premise
   * number is for the whole building). A supplier that does not exist is NOT_FOUND.
   */
  async check(supplierId: string, items: readonly PersonalAccountItem[], now: Date): Promise<Array<Checked<AccountInput>>> {
    if (items.length === 0) throw badUserInput({ field: 'accounts', message: 'accounts must contain at least one account.' });
    const supplier = await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    const problems: FieldProblem[][] = items.map(() => []);
    const values: Array<AccountInput | null> = items.map((item, index) => {
      const checked = checkAccount(item, supplier.services, now);
      if ('problems' in checked) problems[index]!.push(...checked.problems);
      return 'value' in checked ? checked.value : null;
    });

    const firstWithNumber = new Map<string, number>();
    items.forEach((item, index) => {
      const number = item.accountNumber.trim();
      if (number.length === 0) return;
      const first = firstWithNumber.get(number);
      if (first === undefined) firstWithNumber.set(number, index);
      else problems[index]!.push({ field: 'accountNumber', message: `repeats the account number of accounts[${first}].` });
    });

    // Every item that names a well-formed building is checked against the register, also
    // when it has other problems, so that each item lists all of its problems at once.
    const named = items.map((item) => ({
      buildingId: isUuid(item.buildingId) ? item.buildingId.toLowerCase() : null,
      // An empty or overlong number is already reported by `checkAccount`.
      premiseNumber: item.premiseNumber && item.premiseNumber.trim().length <= 20 ? item.premiseNumber.trim() || null : null,
    }));
    const references = new ReferencesRepository(this.executor);
    const buildings = await references.existingBuildings(named.flatMap(({ buildingId }) => (buildingId ? [buildingId] : [])));
    const premises = await references.existingPremises(
      named.flatMap(({ buildingId, premiseNumber }) =>
        buildingId && premiseNumber && buildings.has(buildingId) ? [{ buildingId, number: premiseNumber }] : [],
      ),
    );
    named.forEach(({ buildingId, premiseNumber }, index) => {
      if (buildingId === null) return;
      if (!buildings.has(buildingId))
        problems[index]!.push({ field: 'buildingId', message: 'is not the id of a building of the register.' });
      else if (premiseNumber && !premises.has(premiseKey({ buildingId, number: premiseNumber }))) {
        problems[index]!.push({ field: 'premiseNumber', message: 'is not the number of a premise of this building in the register.' });
      }
    });

    return values.map((value, index) => (value && problems[index]!.length === 0 ? { value } : { problems: problems[index]! }));
  }

  /**
   * Writes checked accounts of one supplier in one statement, and their history (p.4.11) in
   * one more, compared with the accounts as they were (one statement before); ids and whether
   * each was created, in order.
   */
  async write(supplierId: string, accounts: readonly AccountInput[], actor: string): Promise<Array<{ id: string; created: boolean }>> {
    const repository = new PersonalAccountRepository(this.executor);
    const before = await repository.currentOf(
      supplierId,
      accounts.map((account) => account.accountNumber),
    );
    const written = await repository.upsert(supplierId, accounts);
    await new AccountHistoryRepository(this.executor).record(
      accounts.flatMap((account, index) => {
        const entry = upsertEntry(written[index]!.id, before.get(account.accountNumber), account);
        return entry ? [entry] : [];
      }),
      actor,
    );
    return written;
  }

  /** The written accounts' changes for the feed (p.32): owned by the supplier's subject, whatever the number of accounts one statement. */
  async changesOf(supplierId: string, written: ReadonlyArray<{ id: string; created: boolean }>): Promise<ChangeDeclaration[]> {
    const { subjectId } = await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    return written.map(({ id, created }) => ({ type: 'PERSONAL_ACCOUNT', id, operation: created ? 'CREATED' : 'UPDATED', subjectId }));
  }
}

export interface UpsertPersonalAccountsArgs {
  /** Parsed with `parseId`. */
  supplierId: string;
  accounts: readonly PersonalAccountItem[];
  mode: BulkMode;
  idempotencyKey: string | null | undefined;
  /** When the request arrived: "not in the future" is judged against it. */
  now: Date;
  /** Who writes, for the accounts' history. */
  actor: string;
}

/** `upsertPersonalAccounts` as a call of the bulk path (`placeBulk`): the check, the write, the item keys. */
export function upsertPersonalAccountsCall(args: UpsertPersonalAccountsArgs): BulkCall<PersonalAccountItem, AccountInput> {
  return {
    operation: 'utilities.upsertPersonalAccounts',
    argument: 'accounts',
    items: args.accounts,
    keyOf: (item) => item.key,
    mode: args.mode,
    idempotencyKey: args.idempotencyKey,
    scope: { supplierId: args.supplierId },
    check: (tx, items) => new PersonalAccountManager(tx).check(args.supplierId, items, args.now),
    write: async (tx, values) => {
      const manager = new PersonalAccountManager(tx);
      const written = await manager.write(args.supplierId, values, args.actor);
      return { written, changes: await manager.changesOf(args.supplierId, written) };
    },
  };
}
