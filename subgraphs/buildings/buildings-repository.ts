import { and, asc, eq, getTableColumns, gt, gte, inArray, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { buildingHistory, buildings, premiseOwners, premises, territories } from '../../schema/buildings.js';
import type { AnnexFields, PremiseInput } from './building-validation.js';

export type BuildingRow = typeof buildings.$inferSelect;
export type TerritoryRow = typeof territories.$inferSelect;
export type PremiseRow = typeof premises.$inferSelect;
export type HistoryRow = typeof buildingHistory.$inferSelect;
export type BuildingChange = HistoryRow['change'];
/** An owner with the KATO code of its building, which the personal-data rule needs. */
export type OwnerRow = typeof premiseOwners.$inferSelect & { katoCode: string };
export type FieldChanges = Record<string, { old: unknown; new: unknown }>;

/** Conditions of a building list, apart from the territory. */
export interface BuildingListFilter {
  conditions?: BuildingRow['condition'][] | null;
  heatingSupplyTypes?: BuildingRow['heatingSupplyType'][] | null;
  yearBuiltFrom?: number | null;
  yearBuiltTo?: number | null;
  emergency?: boolean | null;
  confirmationOverdue?: boolean | null;
  status?: BuildingRow['status'] | null;
}

export interface PageRequest {
  /** Rows to return; the repository reads one more to tell whether a next page exists. */
  first: number;
  /** Keyset: only ids greater than this. */
  afterId: string | null;
}

/** A registered building whose last confirmation is older than a year (p.13) or missing. */
const overdue = sql`(${buildings.status} = 'REGISTERED' and (${buildings.confirmedAt} is null or ${buildings.confirmedAt} < now() - interval '1 year'))`;

function filterConditions(filter: BuildingListFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.conditions?.length) conditions.push(inArray(buildings.condition, filter.conditions));
  if (filter.heatingSupplyTypes?.length) conditions.push(inArray(buildings.heatingSupplyType, filter.heatingSupplyTypes));
  if (filter.yearBuiltFrom != null) conditions.push(gte(buildings.yearBuilt, filter.yearBuiltFrom));
  if (filter.yearBuiltTo != null) conditions.push(lte(buildings.yearBuilt, filter.yearBuiltTo));
  if (filter.emergency === true) conditions.push(eq(buildings.condition, 'EMERGENCY'));
  if (filter.emergency === false) conditions.push(ne(buildings.condition, 'EMERGENCY'));
  if (filter.confirmationOverdue === true) conditions.push(overdue);
  if (filter.confirmationOverdue === false) conditions.push(sql`not ${overdue}`);
  if (filter.status) conditions.push(eq(buildings.status, filter.status));
  return conditions;
}

/** `array[$1, $2, …]::text[]`: drizzle would otherwise expand a JS array into a parenthesised list. */
function textArray(values: string[]): SQL {
  return sql`array[${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )}]::text[]`;
}

/** SQL of one aggregate: the building register, its premises, owners and history. Works inside a transaction. */
export class BuildingsRepository {
  constructor(private readonly db: Executor) {}

  // Territories.

  async territoriesByCodes(codes: readonly string[]): Promise<TerritoryRow[]> {
    if (codes.length === 0) return [];
    return this.db.select().from(territories).where(inArray(territories.katoCode, [...codes]));
  }

  /** For each 9-digit code, the most specific territory whose prefix it starts with (longest prefix). */
  async territoriesContaining(katoCodes: readonly string[]): Promise<Map<string, TerritoryRow>> {
    const found = new Map<string, TerritoryRow>();
    if (katoCodes.length === 0) return found;
    const rows = await this.db
      .selectDistinctOn([sql`k.code`], { code: sql<string>`k.code`, territory: territories })
      .from(sql`unnest(${textArray([...katoCodes])}) as k(code)`)
      .innerJoin(territories, sql`k.code like ${territories.katoPrefix} || '%'`)
      .orderBy(sql`k.code`, sql`length(${territories.katoPrefix}) desc`);
    for (const row of rows) found.set(row.code, row.territory);
    return found;
  }

  async territoriesByParents(parentCodes: readonly string[]): Promise<TerritoryRow[]> {
    if (parentCodes.length === 0) return [];
    return this.db
      .select()
      .from(territories)
      .where(inArray(territories.parentKatoCode, [...parentCodes]))
      .orderBy(asc(territories.katoCode));
  }

  async territoriesOfLevel(level: number | null): Promise<TerritoryRow[]> {
    return this.db
      .select()
      .from(territories)
      .where(level === null ? undefined : eq(territories.level, level))
      .orderBy(asc(territories.katoCode));
  }

  // Buildings.

  async buildingsByIds(ids: readonly string[]): Promise<BuildingRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(buildings).where(inArray(buildings.id, [...ids]));
  }

  async buildingsByCadastralNumbers(numbers: readonly string[]): Promise<BuildingRow[]> {
    if (numbers.length === 0) return [];
    return this.db.select().from(buildings).where(inArray(buildings.cadastralNumber, [...numbers]));
  }

  async buildingByAddressRegistrationCode(code: string): Promise<BuildingRow | null> {
    const [row] = await this.db.select().from(buildings).where(eq(buildings.addressRegistrationCode, code));
    return row ?? null;
  }

  /**
   * One page per KATO prefix (`null`: the whole country) in one statement: a lateral
   * join runs the keyset query once per prefix, each stopping at its limit.
   */
  async pagesByPrefixes(prefixes: readonly (string | null)[], filter: BuildingListFilter, page: PageRequest): Promise<Map<string | null, BuildingRow[]>> {
    const result = new Map<string | null, BuildingRow[]>(prefixes.map((prefix) => [prefix, []]));
    const common = filterConditions(filter);
    if (page.afterId) common.push(gt(buildings.id, page.afterId));
    const limit = page.first + 1;

    if (prefixes.includes(null)) {
      result.set(null, await this.db.select().from(buildings).where(and(...common)).orderBy(asc(buildings.id)).limit(limit));
    }
    const territorial = prefixes.filter((prefix): prefix is string => prefix !== null);
    if (territorial.length === 1) {
      const [prefix] = territorial as [string];
      const rows = await this.db
        .select()
        .from(buildings)
        .where(and(sql`${buildings.katoCode} like ${`${prefix}%`}`, ...common))
        .orderBy(asc(buildings.id))
        .limit(limit);
      result.set(prefix, rows);
    } else if (territorial.length > 1) {
      const pageOfPrefix = this.db
        .select()
        .from(buildings)
        .where(and(sql`${buildings.katoCode} like p.prefix || '%'`, ...common))
        .orderBy(asc(buildings.id))
        .limit(limit)
        .as('page');
      // Each column of the lateral page, by the name the row type uses.
      const pageColumns = Object.fromEntries(
        Object.keys(getTableColumns(buildings)).map((name) => [name, pageOfPrefix[name as keyof typeof pageOfPrefix]]),
      ) as unknown as typeof buildings._.columns;
      const rows = await this.db
        .select({ prefix: sql<string>`p.prefix`, building: pageColumns })
        .from(sql`unnest(${textArray(territorial)}) as p(prefix)`)
        .crossJoinLateral(pageOfPrefix)
        .orderBy(sql`p.prefix`, pageOfPrefix.id);
      for (const row of rows) result.get(row.prefix)?.push(row.building as BuildingRow);
    }
    return result;
  }

  /** Number of matching buildings per prefix (`null`: the whole country), in one statement. */
  async countsByPrefixes(prefixes: readonly (string | null)[], filter: BuildingListFilter): Promise<Map<string | null, number>> {
    const common = filterConditions(filter);
    const result = new Map<string | null, number>();
    if (prefixes.includes(null)) {
      const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(buildings).where(and(...common));
      result.set(null, row?.n ?? 0);
    }
    const territorial = prefixes.filter((prefix): prefix is string => prefix !== null);
    if (territorial.length > 0) {
      const counted = this.db
        .select({ n: sql<number>`count(*)::int`.as('n') })
        .from(buildings)
        .where(and(sql`${buildings.katoCode} like p.prefix || '%'`, ...common))
        .as('counted');
      const rows = await this.db
        .select({ prefix: sql<string>`p.prefix`, n: counted.n })
        .from(sql`unnest(${textArray(territorial)}) as p(prefix)`)
        .crossJoinLateral(counted);
      for (const row of rows) result.set(row.prefix, Number(row.n));
    }
    return result;
  }

  /** The building, locked until the transaction ends, so concurrent changes queue up. */
  async lockBuilding(id: string): Promise<BuildingRow | null> {
    const [row] = await this.db.select().from(buildings).where(eq(buildings.id, id)).for('update');
    return row ?? null;
  }

  /** Which of the unique fields 1 and 3 another building already uses. */
  async takenUniqueFields(
    fields: Pick<AnnexFields, 'cadastralNumber' | 'addressRegistrationCode'>,
    exceptId: string | null,
  ): Promise<{ cadastralNumber: boolean; addressRegistrationCode: boolean }> {
    const rows = await this.db
      .select({ cadastralNumber: buildings.cadastralNumber, addressRegistrationCode: buildings.addressRegistrationCode })
      .from(buildings)
      .where(
        and(
          or(eq(buildings.cadastralNumber, fields.cadastralNumber), eq(buildings.addressRegistrationCode, fields.addressRegistrationCode)),
          exceptId ? ne(buildings.id, exceptId) : undefined,
        ),
      );
    return {
      cadastralNumber: rows.some((row) => row.cadastralNumber === fields.cadastralNumber),
      addressRegistrationCode: rows.some((row) => row.addressRegistrationCode === fields.addressRegistrationCode),
    };
  }

  /** Registers a building (confirmed as of now: registration is its first confirmation) and logs it. */
  async insertBuilding(fields: AnnexFields, changedBy: string): Promise<BuildingRow> {
    const [row] = await this.db
      .insert(buildings)
      .values({ ...fields, confirmedAt: sql`now()` })
      .returning();
    if (!row) throw new Error('The building was not inserted.');
    const changes: FieldChanges = {};
    for (const [field, value] of Object.entries(fields)) changes[field] = { old: null, new: value };
    await this.appendHistory(row.id, 'REGISTERED', changedBy, changes);
    return row;
  }

  /**
   * Applies `patch` to the locked `before`, bumps the version and logs old and new values
   * of the fields that changed. Returns `before` untouched when nothing changes.
   */
  async updateBuilding(
    before: BuildingRow,
    patch: Partial<BuildingRow>,
    change: BuildingChange,
    changedBy: string,
  ): Promise<BuildingRow> {
    const changes = diff(before, patch);
    if (Object.keys(changes).length === 0) return before;
    return this.touchBuilding(before.id, patch, change, changedBy, changes);
  }

  /** Sets `set` as it is, bumps the version and logs `changes` as given (confirmation and premises log what the columns do not show). */
  async touchBuilding(id: string, set: Partial<BuildingRow>, change: BuildingChange, changedBy: string, changes: FieldChanges): Promise<BuildingRow> {
    const [row] = await this.db
      .update(buildings)
      .set({ ...set, version: sql`${buildings.version} + 1`, updatedAt: sql`now()` })
      .where(eq(buildings.id, id))
      .returning();
    if (!row) throw new Error('The building was not updated.');
    await this.appendHistory(id, change, changedBy, changes);
    return row;
  }

  private async appendHistory(buildingId: string, change: BuildingChange, changedBy: string, changes: FieldChanges): Promise<void> {
    await this.db.insert(buildingHistory).values({ buildingId, change, changedBy, changes });
  }

  async historyByBuildingIds(ids: readonly string[]): Promise<HistoryRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(buildingHistory)
      .where(inArray(buildingHistory.buildingId, [...ids]))
      .orderBy(asc(buildingHistory.changedAt), asc(buildingHistory.id));
  }

  // Premises and owners.

  async premisesByBuildingIds(ids: readonly string[]): Promise<PremiseRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(premises)
      .where(inArray(premises.buildingId, [...ids]))
      // Numbers in their natural order ("2" before "10", "12А" after "12"), lettered ones last.
      .orderBy(asc(premises.kind), sql`nullif(substring(${premises.number} from '^[0-9]{1,9}'), '')::int nulls last`, asc(premises.number));
  }

  async premisesByIds(ids: readonly string[]): Promise<PremiseRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(premises).where(inArray(premises.id, [...ids]));
  }

  async premiseKeys(buildingId: string): Promise<Pick<PremiseRow, 'kind' | 'number'>[]> {
    return this.db.select({ kind: premises.kind, number: premises.number }).from(premises).where(eq(premises.buildingId, buildingId));
  }

  async ownersByPremiseIds(ids: readonly string[]): Promise<OwnerRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select({ owner: premiseOwners, katoCode: buildings.katoCode })
      .from(premiseOwners)
      .innerJoin(premises, eq(premises.id, premiseOwners.premiseId))
      .innerJoin(buildings, eq(buildings.id, premises.buildingId))
      .where(inArray(premiseOwners.premiseId, [...ids]))
      .orderBy(asc(premiseOwners.premiseId), asc(premiseOwners.kind), asc(premiseOwners.identificationNumber));
    return rows.map((row) => ({ ...row.owner, katoCode: row.katoCode }));
  }

  /** All premises in one multi-row insert, then all their owners in another. Returns premises in input order. */
  async insertPremises(buildingId: string, input: PremiseInput[]): Promise<PremiseRow[]> {
    if (input.length === 0) return [];
    const inserted = await this.db
      .insert(premises)
      .values(input.map((premise) => ({ buildingId, kind: premise.kind, number: premise.number, floor: premise.floor, area: premise.area })))
      .returning();
    const byKey = new Map(inserted.map((row) => [`${row.kind}\u0000${row.number}`, row]));
    const ordered = input.map((premise) => {
      const row = byKey.get(`${premise.kind}\u0000${premise.number}`);
      if (!row) throw new Error('An inserted premise was not returned.');
      return row;
    });
    const owners = input.flatMap((premise, index) =>
      premise.owners.map((owner) => ({
        premiseId: ordered[index]!.id,
        kind: owner.kind,
        identificationNumber: owner.identificationNumber,
        name: owner.name,
        share: owner.share,
      })),
    );
    if (owners.length > 0) await this.db.insert(premiseOwners).values(owners);
    return ordered;
  }
}

function comparable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** Old and new values of the fields `patch` really changes. */
function diff(before: BuildingRow, patch: Partial<BuildingRow>): FieldChanges {
  const changes: FieldChanges = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const old = before[field as keyof BuildingRow];
    if (comparable(old) !== comparable(value)) changes[field] = { old: comparable(old), new: comparable(value) };
  }
  return changes;
}
