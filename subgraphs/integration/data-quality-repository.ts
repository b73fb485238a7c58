import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { katoPrefix, katoRange } from '../../lib/kato.js';
import { textArray } from '../../lib/pg-array.js';
import { type FeedScope, scopeCondition } from './feed-scope.js';

/**
 * Data quality of each building's record across the subgraphs (issue 10, item 6), read from
 * the owners' published views only: the register's own checks (`published_record_quality`),
 * what utilities hold for the building (`published_building_supply`) and who manages it
 * (`published_building_management`). A building's score is the share of its applicable
 * checks it passes, 0–100; `reports filed` applies only when a manager is assigned.
 */
const dataQualityChecks = [
  'ANNEX_COMPLETE',
  'ANNEX_CONSISTENT',
  'PREMISES_MATCH_REGISTER',
  'CONFIRMED_WITHIN_YEAR',
  'MANAGER_ASSIGNED',
  'REPORTS_FILED',
  'ACCOUNTS_FOR_SERVICES',
  'METERS_FOR_SERVICES',
] as const;
export type DataQualityCheck = (typeof dataQualityChecks)[number];

export type DataQualityGrouping = 'REGION' | 'DISTRICT' | 'MANAGER';

export interface DataQualityFilter {
  katoCode: string | null;
  managerSubjectId: string | null;
}

export interface BuildingQualityRow {
  buildingId: string;
  katoCode: string;
  managerSubjectId: string | null;
  score: number;
  failedChecks: DataQualityCheck[];
  premisesRegistered: number;
  totalPremisesCount: number;
}

export interface QualityGroupRow {
  /** The KATO prefix (REGION, DISTRICT) or the manager's subject id (MANAGER; null: no manager). */
  key: string | null;
  buildings: number;
  averageScore: number;
  perfect: number;
  below50: number;
}

interface RawQuality extends Record<string, unknown> {
  building_id: string;
  kato_code: string;
  manager_subject_id: string | null;
  score: number;
  failed: string[];
  premises_registered: number;
  total_premises_count: number;
}

const toQualityRow = (row: RawQuality): BuildingQualityRow => ({
  buildingId: row.building_id,
  katoCode: row.kato_code,
  managerSubjectId: row.manager_subject_id,
  score: Number(row.score),
  failedChecks: row.failed as DataQualityCheck[],
  premisesRegistered: Number(row.premises_registered),
  totalPremisesCount: Number(row.total_premises_count),
});

export class DataQualityRepository {
  constructor(private readonly executor: Executor) {}

  /** The lowest scores first (then by building id), at most `limit`; or the one building asked for. */
  worst(scope: FeedScope, filter: DataQualityFilter, limit: number, buildingId: string | null = null): Promise<BuildingQualityRow[]> {
    return this.buildings(scope, filter, buildingId, sql`order by score, building_id limit ${limit}`);
  }

  /** Records by building id after `after`, for exports (keyset, whatever the scores). */
  page(scope: FeedScope, filter: DataQualityFilter, after: string | null, limit: number): Promise<BuildingQualityRow[]> {
    return this.buildings(
      scope,
      filter,
      null,
      sql`${after ? sql`where building_id > ${after}::uuid` : sql``} order by building_id limit ${limit}`,
    );
  }

  /** The scored buildings of `scored`, narrowed and ordered by `tail` (where, order, limit). */
  private async buildings(
    scope: FeedScope,
    filter: DataQualityFilter,
    buildingId: string | null,
    tail: SQL,
  ): Promise<BuildingQualityRow[]> {
    const rows = await this.executor.execute<RawQuality>(sql`
      ${this.scored(scope, filter, buildingId)}
      select building_id, kato_code, manager_subject_id, score, failed, premises_registered, total_premises_count
        from scored ${tail}`);
    return rows.map(toQualityRow);
  }

  /** Score distribution per region, district or manager: one statement whatever the number of groups. */
  async distribution(scope: FeedScope, filter: DataQualityFilter, grouping: DataQualityGrouping): Promise<QualityGroupRow[]> {
    const key =
      grouping === 'MANAGER' ? sql`manager_subject_id::text` : grouping === 'REGION' ? sql`left(kato_code, 2)` : sql`left(kato_code, 4)`;
    const rows = await this.executor.execute<{
      key: string | null;
      buildings: number;
      average: string;
      perfect: number;
      below50: number;
    }>(sql`
      ${this.scored(scope, filter, null)}
      select ${key} as key, count(*)::int as buildings, round(avg(score), 1)::text as average,
             count(*) filter (where score = 100)::int as perfect, count(*) filter (where score < 50)::int as below50
        from scored group by 1 order by 1 nulls last`);
    return rows.map((row) => ({
      key: row.key,
      buildings: Number(row.buildings),
      averageScore: Number(row.average),
      perfect: Number(row.perfect),
      below50: Number(row.below50),
    }));
  }

  private scored(scope: FeedScope, filter: DataQualityFilter, buildingId: string | null): SQL {
    const conditions: SQL[] = [scopeCondition(scope)];
    if (filter.katoCode) {
      const { from, to } = katoRange(katoPrefix(filter.katoCode));
      conditions.push(sql`c.kato_code ~>=~ ${from} and c.kato_code ~<~ ${to}`);
    }
    if (filter.managerSubjectId) conditions.push(sql`c.subject_id = ${filter.managerSubjectId}::uuid`);
    if (buildingId) conditions.push(sql`c.building_id = ${buildingId}::uuid`);
    // Each check: true (passed), false (failed) or null (does not apply).
    const checks: Record<DataQualityCheck, SQL> = {
      ANNEX_COMPLETE: sql`c.annex_complete`,
      ANNEX_CONSISTENT: sql`c.annex_consistent`,
      PREMISES_MATCH_REGISTER: sql`c.premises_registered = c.total_premises_count`,
      CONFIRMED_WITHIN_YEAR: sql`c.confirmed_within_year`,
      MANAGER_ASSIGNED: sql`c.subject_id is not null`,
      REPORTS_FILED: sql`case when c.subject_id is not null then c.reports_filed end`,
      ACCOUNTS_FOR_SERVICES: sql`coalesce(c.services > 0 and c.services = c.services_with_accounts, false)`,
      METERS_FOR_SERVICES: sql`coalesce(c.services > 0 and c.services = c.services_with_meters, false)`,
    };
    const names = Object.keys(checks) as DataQualityCheck[];
    const values = sql.join(
      names.map((name) => sql`(${checks[name]})`),
      sql`, `,
    );
    return sql`
      with c as (
        select q.building_id, q.kato_code, q.total_premises_count, q.premises_registered, q.annex_complete, q.annex_consistent,
               q.confirmed_within_year, m.manager_subject_id as subject_id, m.reports_filed,
               s.services, s.services_with_accounts, s.services_with_meters
          from buildings.published_record_quality q
          left join condominium.published_building_management m on m.building_id = q.building_id
          left join (
            select building_id, count(*)::int as services,
                   count(*) filter (where open_accounts > 0)::int as services_with_accounts,
                   count(*) filter (where meters_in_service > 0)::int as services_with_meters
              from utilities.published_building_supply group by building_id
          ) s on s.building_id = q.building_id
      ),
      checked as (
        select c.building_id, c.kato_code, c.subject_id as manager_subject_id, c.total_premises_count, c.premises_registered,
               array[${values}] as results
          from c where ${sql.join(conditions, sql` and `)}
      ),
      scored as (
        select checked.*,
               (100 * (select count(*) from unnest(results) r where r) / (select count(*) from unnest(results) r where r is not null))::int as score,
               array(select (${textArray(names)}::text[])[i] from generate_subscripts(results, 1) i where results[i] = false) as failed
          from checked
      )`;
  }
}
