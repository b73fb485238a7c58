import { and, asc, eq, gt, gte, inArray, lte, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { katoRange, territoryRanges } from '../../lib/kato.js';
import type { PageRequest } from '../../lib/pagination.js';
import { firstRowsPerTerritory } from '../../lib/territory-pages.js';
import { buildingHistory, buildings } from '../../schema/buildings.js';
import type { AnnexFields } from './building-validation.js';

export type BuildingRow = typeof buildings.$inferSelect;
export type HistoryRow = typeof buildingHistory.$inferSelect;
export type BuildingChange = HistoryRow['change'];
export type FieldChanges = Record<string, { old: unknown; new: unknown }>;

/** Conditions of a building list, apart from the territory. */
export interface BuildingListFilter {
  conditions: BuildingRow['condition'][] | null;
  heatingSupplyTypes: BuildingRow['heatingSupplyType'][] | null;
  yearBuiltFrom: number | null;
  yearBuiltTo: number | null;
  emergency: boolean | null;
  confirmationOverdue: boolean | null;
  status: BuildingRow['status'] | null;
}

/** A registered building whose last confirmation is older than a year (p.13) or missing. */
export const overdueConfirmation = sql`(${buildings.status} = 'REGISTERED' and (${buildings.confirmedAt} is null or ${buildings.confirmedAt} < now() - interval '1 year'))`;

function filterConditions(filter: BuildingListFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.conditions?.length) conditions.push(inArray(buildings.condition, filter.conditions));
  if (filter.heatingSupplyTypes?.length) conditions.push(inArray(buildings.heatingSupplyType, filter.heatingSupplyTypes));
  if (filter.yearBuiltFrom != null) conditions.push(gte(buildings.yearBuilt, filter.yearBuiltFrom));
  if (filter.yearBuiltTo != null) conditions.push(lte(buildings.yearBuilt, filter.yearBuiltTo));
  if (filter.emergency === true) conditions.push(eq(buildings.condition, 'EMERGENCY'));
  if (filter.emergency === false) conditions.push(ne(buildings.condition, 'EMERGENCY'));
  if (filter.confirmationOverdue === true) conditions.push(overdueConfirmation);
  if (filter.confirmationOverdue === false) conditions.push(sql`not ${overdueConfirmation}`);
  if (filter.status) conditions.push(eq(buildings.status, filter.status));
  return conditions;
}

/**
 * Field 2 under a territory prefix, as an index range scan (`katoRange`): the operators
 * compare byte by byte, as the `text_pattern_ops` index on `kato_code` orders.
 */
function underPrefix(from: SQL | string, to: SQL | string): SQL {
  return sql`${buildings.katoCode} ~>=~ ${from} and ${buildings.katoCode} ~<~ ${to}`;
}

/** A cadastral number as compared for uniqueness: near-duplicates ("X", " X", "x") are the same number. */
const comparable = (cadastralNumber: SQL | string): SQL => sql`lower(btrim(${cadastralNumber}))`;
const comparableCadastralNumber = comparable(sql`${buildings.cadastralNumber}`);

/** SQL of the building register: the records and their history. Works inside a transaction. */
export class BuildingsRepository {
  constructor(private readonly db: Executor) {}

  async byIds(ids: readonly string[]): Promise<BuildingRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(buildings)
      .where(inArray(buildings.id, [...ids]));
  }

  async byCadastralNumbers(numbers: readonly string[]): Promise<BuildingRow[]> {
    if (numbers.length === 0) return [];
    return this.db
      .select()
      .from(buildings)
      .where(inArray(buildings.cadastralNumber, [...numbers]));
  }

  async byAddressRegistrationCodes(codes: readonly string[]): Promise<BuildingRow[]> {
    if (codes.length === 0) return [];
    return this.db
      .select()
      .from(buildings)
      .where(inArray(buildings.addressRegistrationCode, [...codes]));
  }

  /**
   * One page per KATO prefix (`null`: the whole country) in one statement: a lateral
   * join runs the keyset query once per prefix, each stopping at its limit.
   */
  async pagesByPrefixes(
    prefixes: readonly (string | null)[],
    filter: BuildingListFilter,
    page: PageRequest,
  ): Promise<Map<string | null, BuildingRow[]>> {
    const result = new Map<string | null, BuildingRow[]>(prefixes.map((prefix) => [prefix, []]));
    const common = filterConditions(filter);
    if (page.after) common.push(gt(buildings.id, page.after.id));
    const limit = page.first + 1;

    if (prefixes.includes(null)) {
      result.set(
        null,
        await this.db
          .select()
          .from(buildings)
          .where(and(...common))
          .orderBy(asc(buildings.id))
          .limit(limit),
      );
    }
    const territorial = prefixes.filter((prefix): prefix is string => prefix !== null);
    if (territorial.length === 1) {
      const [prefix] = territorial as [string];
      const range = katoRange(prefix);
      const rows = await this.db
        .select()
        .from(buildings)
        .where(and(underPrefix(range.from, range.to), ...common))
        .orderBy(asc(buildings.id))
        .limit(limit);
      result.set(prefix, rows);
    } else if (territorial.length > 1) {
      const rows = await firstRowsPerTerritory(
        this.db,
        buildings,
        territorial,
        and(underPrefix(sql`p.prefix`, sql`p.upto`), ...common),
        limit,
      );
      for (const { prefix, row } of rows) result.get(prefix)?.push(row);
    }
    return result;
  }

  /** Number of matching buildings per prefix (`null`: the whole country), in one statement. */
  async countsByPrefixes(prefixes: readonly (string | null)[], filter: BuildingListFilter): Promise<Map<string | null, number>> {
    const common = filterConditions(filter);
    const result = new Map<string | null, number>();
    if (prefixes.includes(null)) {
      const [row] = await this.db
        .select({ n: sql<number>`count(*)::int` })
        .from(buildings)
        .where(and(...common));
      result.set(null, row?.n ?? 0);
    }
    const territorial = prefixes.filter((prefix): prefix is string => prefix !== null);
    if (territorial.length > 0) {
      const counted = this.db
        .select({ n: sql<number>`count(*)::int`.as('n') })
        .from(buildings)
        .where(and(underPrefix(sql`p.prefix`, sql`p.upto`), ...common))
        .as('counted');
      const rows = await this.db
        .select({ prefix: sql<string>`p.prefix`, n: counted.n })
        .from(territoryRanges(territorial))
        .crossJoinLateral(counted);
      for (const row of rows) result.set(row.prefix, Number(row.n));
    }
    return result;
  }

  /** The building, locked until the transaction ends, so concurrent changes queue up. */
  async lock(id: string): Promise<BuildingRow | null> {
    const [row] = await this.db.select().from(buildings).where(eq(buildings.id, id)).for('update');
    return row ?? null;
  }

  /**
   * Serialises, until the transaction ends, every placement of this cadastral number and
   * its near-duplicates (case and surrounding spaces aside): the unique index compares
   * exact values, so without this two concurrent registrations of "X" and "x" would both pass.
   */
  async lockCadastralNumber(cadastralNumber: string): Promise<void> {
    await this.db.execute(
      sql`select pg_advisory_xact_lock(hashtextextended('buildings.cadastral_number:' || ${comparable(cadastralNumber)}, 0))`,
    );
  }

  /**
   * Which of the unique fields 1 and 3 another building already uses; field 1 compared
   * without regard to case or surrounding spaces.
   */
  async takenUniqueFields(
    fields: Pick<AnnexFields, 'cadastralNumber' | 'addressRegistrationCode'>,
    exceptId: string | null,
  ): Promise<{ cadastralNumber: boolean; addressRegistrationCode: boolean }> {
    const sameCadastralNumber = sql<boolean>`${comparableCadastralNumber} = ${comparable(fields.cadastralNumber)}`;
    const sameAddressCode = sql<boolean>`${buildings.addressRegistrationCode} = ${fields.addressRegistrationCode}`;
    const rows = await this.db
      .select({ cadastralNumber: sameCadastralNumber, addressRegistrationCode: sameAddressCode })
      .from(buildings)
      .where(and(or(sameCadastralNumber, sameAddressCode), exceptId ? ne(buildings.id, exceptId) : undefined));
    return {
      cadastralNumber: rows.some((row) => row.cadastralNumber),
      addressRegistrationCode: rows.some((row) => row.addressRegistrationCode),
    };
  }

  /** Registers a building (confirmed as of now: registration is its first confirmation) and logs it. */
  async insert(fields: AnnexFields, changedBy: string): Promise<BuildingRow> {
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
  async update(before: BuildingRow, patch: Partial<BuildingRow>, change: BuildingChange, changedBy: string): Promise<BuildingRow> {
    const changes = diff(before, patch);
    if (Object.keys(changes).length === 0) return before;
    return this.touch(before.id, patch, change, changedBy, changes);
  }

  /** Sets `set` as it is, bumps the version and logs `changes` as given (confirmation and premises log what the columns do not show). */
  async touch(
    id: string,
    set: Partial<BuildingRow>,
    change: BuildingChange,
    changedBy: string,
    changes: FieldChanges,
  ): Promise<BuildingRow> {
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
}

function asLogged(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** Old and new values of the fields `patch` really changes. */
function diff(before: BuildingRow, patch: Partial<BuildingRow>): FieldChanges {
  const changes: FieldChanges = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const old = before[field as keyof BuildingRow];
    if (asLogged(old) !== asLogged(value)) changes[field] = { old: asLogged(old), new: asLogged(value) };
  }
  return changes;
}
