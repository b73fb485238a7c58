import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { byGrain, inTerritoryRange, territoryRanges } from '../../lib/kato.js';
import type { BuildingRow } from './buildings-repository.js';
import { overdueConfirmation } from './buildings-repository.js';

/** Counts of one territory (its KATO prefix) along one dimension; the others summed over. */
export interface CountCell {
  prefix: string;
  status: BuildingRow['status'];
  condition: BuildingRow['condition'] | null;
  heatingSupplyType: BuildingRow['heatingSupplyType'] | null;
  decadeBuilt: number | null;
  barrierFree: boolean | null;
  buildings: number;
  premises: number;
  annexFieldsApplicable: number;
  annexFieldsFilled: number;
}

/**
 * One row per territory and value of each dimension (and one per territory and status),
 * from `source`, which yields the columns of `building_counts` for `p`'s territory.
 */
function cube(prefixes: readonly string[], source: SQL): SQL {
  return sql`
    select p.prefix, c.status, c.condition, c.heating_supply_type, c.decade_built, c.barrier_free,
           sum(c.buildings)::int as buildings, sum(c.premises)::bigint as premises,
           sum(c.annex_fields_applicable)::bigint as annex_fields_applicable,
           sum(c.annex_fields_filled)::bigint as annex_fields_filled
      from ${territoryRanges(prefixes)} join lateral (${source}) c on true
     group by grouping sets ((p.prefix, c.status), (p.prefix, c.status, c.condition), (p.prefix, c.status, c.heating_supply_type),
                             (p.prefix, c.status, c.decade_built), (p.prefix, c.status, c.barrier_free))`;
}

const fromSummary = sql`
  select status, condition, heating_supply_type, decade_built, barrier_free, buildings, premises,
         annex_fields_applicable, annex_fields_filled
    from buildings.building_counts
   where ${inTerritoryRange(sql`district`)}`;

// The expressions of buildings.add_building_counts (the buildings_counts migration), row by row.
const fromRegister = sql`
  select b.status, b.condition, b.heating_supply_type, (b.year_built / 10 * 10)::smallint as decade_built, b.barrier_free,
         1 as buildings, b.total_premises_count as premises,
         buildings.annex_fields_applicable(b) as annex_fields_applicable, buildings.annex_fields_filled(b) as annex_fields_filled
    from buildings.buildings b
   where ${inTerritoryRange(sql`b.kato_code`)}`;

type CubeRow = Record<
  | 'prefix'
  | 'status'
  | 'condition'
  | 'heating_supply_type'
  | 'decade_built'
  | 'barrier_free'
  | 'buildings'
  | 'premises'
  | 'annex_fields_applicable'
  | 'annex_fields_filled',
  unknown
>;

/** SQL of the register's analytics: one statement per kind of figure, whatever the number of territories. */
export class BuildingAnalyticsRepository {
  constructor(private readonly db: Executor) {}

  /** The count cells of every territory: the summary for coarse prefixes, the register for fine ones (one statement each). */
  async cells(prefixes: readonly string[]): Promise<CountCell[]> {
    const { coarse, fine } = byGrain(prefixes);
    const cells: CountCell[] = [];
    for (const [group, source] of [
      [coarse, fromSummary],
      [fine, fromRegister],
    ] as const) {
      if (group.length === 0) continue;
      const rows = await this.db.execute<CubeRow>(cube(group, source));
      for (const row of rows) cells.push(toCell(row));
    }
    return cells;
  }

  /**
   * Registered buildings per territory whose yearly confirmation is overdue (p.13), from
   * the register: it depends on today's date, so no summary could keep it.
   */
  async overdueConfirmations(prefixes: readonly string[]): Promise<Map<string, number>> {
    if (prefixes.length === 0) return new Map();
    const rows = await this.db.execute<{ prefix: string; n: number }>(sql`
      select p.prefix, (select count(*) from buildings.buildings
                         where ${inTerritoryRange(sql`kato_code`)} and ${overdueConfirmation})::int as n
        from ${territoryRanges(prefixes)}`);
    return new Map(rows.map((row) => [row.prefix, Number(row.n)]));
  }
}

function toCell(row: CubeRow): CountCell {
  return {
    prefix: row.prefix as string,
    status: row.status as CountCell['status'],
    condition: row.condition as CountCell['condition'],
    heatingSupplyType: row.heating_supply_type as CountCell['heatingSupplyType'],
    decadeBuilt: row.decade_built === null ? null : Number(row.decade_built),
    barrierFree: row.barrier_free as boolean | null,
    buildings: Number(row.buildings),
    premises: Number(row.premises),
    annexFieldsApplicable: Number(row.annex_fields_applicable),
    annexFieldsFilled: Number(row.annex_fields_filled),
  };
}
