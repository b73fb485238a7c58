import { and, asc, eq, gt, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { textArray } from '../../lib/pg-array.js';
import { publishedPremises } from '../../schema/buildings.js';
import { personalAccounts, suppliers, type UtilityService } from '../../schema/utilities.js';

/**
 * Which personal accounts a caller reaches (decided by `accountScopeOf` in
 * personal-account-manager.ts, once per request), as every read applies it in SQL.
 */
export interface AccountScope {
  /** Subjects of the suppliers whose accounts the caller reads; null means every supplier. */
  readSubjects: ReadonlySet<string> | null;
  /** Suppliers' subjects whose holders' personal data the caller reads; null means all. */
  holderDataSubjects: ReadonlySet<string> | null;
}

/** One account as a supplier places it. */
export interface AccountInput {
  buildingId: string;
  premiseNumber: string | null;
  accountNumber: string;
  holderName: string;
  holderIin: string;
  service: UtilityService;
  openedAt: string;
  closedAt: string | null;
}

/** A stored account with its supplier's subject, which every scope and personal-data decision needs. */
export interface AccountRow extends AccountInput {
  id: string;
  supplierId: string;
  supplierSubjectId: string;
}

export interface AccountFilter {
  supplierId?: string | null;
  buildingId?: string | null;
  service?: UtilityService | null;
  accountNumber?: string | null;
}

const columns = {
  id: personalAccounts.id,
  supplierId: personalAccounts.supplierId,
  supplierSubjectId: suppliers.subjectId,
  buildingId: personalAccounts.buildingId,
  premiseNumber: personalAccounts.premiseNumber,
  accountNumber: personalAccounts.accountNumber,
  holderName: personalAccounts.holderName,
  holderIin: personalAccounts.holderIin,
  service: personalAccounts.service,
  openedAt: personalAccounts.openedAt,
  closedAt: personalAccounts.closedAt,
};

/**
 * Personal accounts. Every read takes the caller's scope and applies it in SQL, so an
 * account outside it never reaches a resolver.
 */
export class PersonalAccountRepository {
  constructor(private readonly executor: Executor) {}

  /** The scope as a condition; `false` when the caller reaches no account at all. */
  private scopeCondition(scope: AccountScope): SQL | undefined | false {
    if (scope.readSubjects === null) return undefined;
    if (scope.readSubjects.size === 0) return false;
    return inArray(suppliers.subjectId, [...scope.readSubjects]);
  }

  async byIds(ids: readonly string[], scope: AccountScope): Promise<AccountRow[]> {
    const inScope = this.scopeCondition(scope);
    if (ids.length === 0 || inScope === false) return [];
    return this.executor
      .select(columns)
      .from(personalAccounts)
      .innerJoin(suppliers, eq(suppliers.id, personalAccounts.supplierId))
      .where(and(inArray(personalAccounts.id, [...ids]), inScope));
  }

  /** `limit` accounts after the id `after`, in id order. */
  async page(options: { limit: number; after: string | null; filter: AccountFilter; scope: AccountScope }): Promise<AccountRow[]> {
    const inScope = this.scopeCondition(options.scope);
    if (inScope === false) return [];
    const { filter } = options;
    const conditions: Array<SQL | undefined> = [inScope];
    if (options.after) conditions.push(gt(personalAccounts.id, options.after));
    if (filter.supplierId) conditions.push(eq(personalAccounts.supplierId, filter.supplierId));
    if (filter.buildingId) conditions.push(eq(personalAccounts.buildingId, filter.buildingId));
    if (filter.service) conditions.push(eq(personalAccounts.service, filter.service));
    if (filter.accountNumber) conditions.push(eq(personalAccounts.accountNumber, filter.accountNumber));
    return this.executor
      .select(columns)
      .from(personalAccounts)
      .innerJoin(suppliers, eq(suppliers.id, personalAccounts.supplierId))
      .where(and(...conditions))
      .orderBy(asc(personalAccounts.id))
      .limit(options.limit);
  }

  /** The first `perBuilding` accounts of each building in id order, for a page of buildings in one statement. */
  async firstOfBuildings(buildingIds: readonly string[], perBuilding: number, scope: AccountScope): Promise<AccountRow[]> {
    const inScope = this.scopeCondition(scope);
    if (buildingIds.length === 0 || inScope === false) return [];
    const ranked = this.executor
      .select({
        ...columns,
        rank: sql<number>`row_number() over (partition by ${personalAccounts.buildingId} order by ${personalAccounts.id})`.as('rank'),
      })
      .from(personalAccounts)
      .innerJoin(suppliers, eq(suppliers.id, personalAccounts.supplierId))
      .where(and(inArray(personalAccounts.buildingId, [...buildingIds]), inScope))
      .as('ranked');
    const rows = await this.executor.select().from(ranked).where(lte(ranked.rank, perBuilding)).orderBy(asc(ranked.id));
    return rows.map(({ rank: _rank, ...row }) => row);
  }

  /** The supplier's accounts with these numbers as they are now, by number: one statement (what the history compares against). */
  async currentOf(supplierId: string, accountNumbers: readonly string[]): Promise<Map<string, AccountInput & { id: string }>> {
    if (accountNumbers.length === 0) return new Map();
    const { supplierId: _supplier, supplierSubjectId: _subject, ...fields } = columns;
    const rows = await this.executor
      .select(fields)
      .from(personalAccounts)
      // The numbers travel as one array parameter (lib/pg-array.ts): a 10,000-item call would otherwise bind 10,000.
      .where(
        and(
          eq(personalAccounts.supplierId, supplierId),
          sql`${personalAccounts.accountNumber} = any(${textArray(accountNumbers)}::text[])`,
        ),
      );
    return new Map(rows.map((row) => [row.accountNumber, row]));
  }

  /** The accounts of each of these premises (of the register, by id) within the scope, with the premise's id, in one statement. */
  async ofPremises(premiseIds: readonly string[], scope: AccountScope): Promise<Array<AccountRow & { premiseId: string }>> {
    const inScope = this.scopeCondition(scope);
    if (premiseIds.length === 0 || inScope === false) return [];
    return this.executor
      .select({ ...columns, premiseId: publishedPremises.id })
      .from(personalAccounts)
      .innerJoin(suppliers, eq(suppliers.id, personalAccounts.supplierId))
      .innerJoin(
        publishedPremises,
        and(eq(publishedPremises.buildingId, personalAccounts.buildingId), eq(publishedPremises.number, personalAccounts.premiseNumber)),
      )
      .where(and(inArray(publishedPremises.id, [...premiseIds]), inScope))
      .orderBy(asc(personalAccounts.id));
  }

  /**
   * Creates or updates `accounts` of one supplier in ONE statement (matched by account
   * number within the supplier, so another supplier's accounts are out of reach).
   * The rows travel as one JSON parameter: a VALUES list would hit the protocol's
   * 65,535-parameter limit at about 7,000 accounts. Account numbers must not repeat within
   * the call. Returns each account's id and whether it was created, in the order given.
   */
  async upsert(supplierId: string, accounts: readonly AccountInput[]): Promise<Array<{ id: string; created: boolean }>> {
    if (accounts.length === 0) return [];
    const records = accounts.map((account) => ({
      building_id: account.buildingId,
      premise_number: account.premiseNumber,
      account_number: account.accountNumber,
      holder_name: account.holderName,
      holder_iin: account.holderIin,
      service: account.service,
      opened_at: account.openedAt,
      closed_at: account.closedAt,
    }));
    const rows = await this.executor.execute<{ id: string; account_number: string; created: boolean }>(sql`
      insert into utilities.personal_accounts
             (supplier_id, building_id, premise_number, account_number, holder_name, holder_iin, service, opened_at, closed_at)
      select ${supplierId}::uuid, r.building_id, r.premise_number, r.account_number, r.holder_name, r.holder_iin, r.service, r.opened_at, r.closed_at
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(
             building_id uuid, premise_number varchar(20), account_number varchar(50), holder_name text, holder_iin char(12),
             service utilities.utility_service, opened_at date, closed_at date)
      on conflict (supplier_id, account_number) do update set
             building_id = excluded.building_id,
             premise_number = excluded.premise_number,
             holder_name = excluded.holder_name,
             holder_iin = excluded.holder_iin,
             service = excluded.service,
             opened_at = excluded.opened_at,
             closed_at = excluded.closed_at,
             updated_at = now(),
             version = utilities.personal_accounts.version + 1
      returning id, account_number, (xmax = 0) as created`);
    // RETURNING promises no order: match the rows to the accounts by their number.
    const byNumber = new Map(rows.map((row) => [row.account_number, { id: row.id, created: row.created }]));
    return accounts.map((account) => {
      const written = byNumber.get(account.accountNumber);
      if (!written) throw new Error('An account of the batch was not written.');
      return written;
    });
  }
}
