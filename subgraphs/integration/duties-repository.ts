import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { katoPrefix, katoRange } from '../../lib/kato.js';
import type { PagePosition } from '../../lib/pagination.js';
import { addCalendarDays } from '../../lib/working-calendar.js';
import { type FeedScope, scopeCondition } from './feed-scope.js';

/**
 * The regulatory clock (issue 10, item 5): one list of the duties every subgraph publishes
 * in its `published_duties` view (its own records, its own rules), each due date moved off
 * days off onto the working calendar (`platform.holidays`): a term whose last day is a day
 * off ends on the next working day. A review deadline counted in working days (p.16) is one
 * already and stays.
 */
export const dutyKinds = [
  'BUILDING_CONFIRMATION',
  'APPLICATION_REVIEW',
  'GRANT_EXPIRY',
  'METER_VERIFICATION',
  'TARIFF_EXPIRY',
  'MONTHLY_REPORT',
  'ANNUAL_REPORT',
  'REQUEST_RESOLUTION',
  'CONSUMER_REQUEST_ANSWER',
] as const;
export type DutyKind = (typeof dutyKinds)[number];

/** The owners' views, unioned: what crosses subgraphs here is only these published views. */
const dutyViews = [
  sql`buildings.published_duties`,
  sql`access.published_duties`,
  sql`utilities.published_duties`,
  sql`condominium.published_duties`,
];

/** The longest run of days off a due date can be moved across (the nominal date is at most this much earlier). */
const LONGEST_SHIFT_DAYS = 31;

export interface DutyRow {
  /** Stable for a duty: derived from its kind, object and nominal date (a building owes several). */
  id: string;
  kind: DutyKind;
  rulePoint: string;
  objectType: string;
  objectId: string;
  subjectId: string | null;
  katoCode: string | null;
  nominalDate: string;
  dueDate: string;
  overdue: boolean;
}

export interface DutyFilter {
  kinds: readonly DutyKind[] | null;
  /** Under this KATO code (a duty without a place, such as an application, is never under one). */
  katoCode: string | null;
  subjectId: string | null;
  /** Due on or after / on or before these dates (after the working calendar). */
  dueFrom: string | null;
  dueTo: string | null;
  overdue: boolean | null;
}

export interface DutyCountRow {
  kind: DutyKind;
  /** The 2-digit KATO prefix of the region, when counted by region. */
  region: string | null;
  total: number;
  overdue: number;
  dueWithin30Days: number;
}

interface Raw extends Record<string, unknown> {
  id: string;
  kind: DutyKind;
  rule_point: string;
  object_type: string;
  object_id: string;
  subject_id: string | null;
  kato_code: string | null;
  nominal_date: string;
  due_date: string;
}

export class DutiesRepository {
  /** `today` is the Almaty date the clock runs on: overdue means due before it. */
  constructor(
    private readonly executor: Executor,
    private readonly today: string,
  ) {}

  /** A keyset page ordered by due date, then duty id. */
  async page(scope: FeedScope, filter: DutyFilter, after: PagePosition | null, limit: number): Promise<DutyRow[]> {
    if (limit === 0) return [];
    const conditions: SQL[] = [];
    if (after?.at) conditions.push(sql`(d.due_date, d.id) > (${after.at.slice(0, 10)}::date, ${after.id}::uuid)`);
    const rows = await this.executor.execute<Raw>(sql`
      ${this.dated(scope, filter)}
      select d.* from dated d
       ${conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``}
       order by d.due_date, d.id
       limit ${limit}`);
    return rows.map((raw) => ({
      id: raw.id,
      kind: raw.kind,
      rulePoint: raw.rule_point,
      objectType: raw.object_type,
      objectId: raw.object_id,
      subjectId: raw.subject_id,
      katoCode: raw.kato_code,
      nominalDate: String(raw.nominal_date),
      dueDate: String(raw.due_date),
      overdue: String(raw.due_date) < this.today,
    }));
  }

  /** Counts per kind (and per region when `byRegion`), in one statement whatever the number of regions. */
  async counts(scope: FeedScope, filter: DutyFilter, byRegion: boolean): Promise<DutyCountRow[]> {
    const soon = addCalendarDays(this.today, 30);
    const region = byRegion ? sql`left(d.kato_code, 2)` : sql`null::text`;
    const rows = await this.executor.execute<{ kind: DutyKind; region: string | null; total: string; overdue: string; soon: string }>(sql`
      ${this.dated(scope, filter)}
      select d.kind, ${region} as region, count(*)::text as total,
             count(*) filter (where d.due_date < ${this.today}::date)::text as overdue,
             count(*) filter (where d.due_date >= ${this.today}::date and d.due_date <= ${soon}::date)::text as soon
        from dated d
       ${byRegion ? sql`where d.kato_code is not null` : sql``}
       group by 1, 2
       order by 2, 1`);
    return rows.map((row) => ({
      kind: row.kind,
      region: row.region,
      total: Number(row.total),
      overdue: Number(row.overdue),
      dueWithin30Days: Number(row.soon),
    }));
  }

  /**
   * `with … dated`: the duties `scope` reaches and `filter` selects, with their due dates.
   * Filters on the nominal date are pushed into every view (it is at most LONGEST_SHIFT_DAYS
   * before the due date); the exact ones apply after the calendar.
   */
  private dated(scope: FeedScope, filter: DutyFilter): SQL {
    const nominal: SQL[] = [scopeCondition(scope)];
    const due: SQL[] = [];
    if (filter.kinds) nominal.push(sql`c.kind = any(${`{${filter.kinds.join(',')}}`}::text[])`);
    if (filter.subjectId) nominal.push(sql`c.subject_id = ${filter.subjectId}::uuid`);
    if (filter.katoCode) {
      const { from, to } = katoRange(katoPrefix(filter.katoCode));
      nominal.push(sql`c.kato_code ~>=~ ${from} and c.kato_code ~<~ ${to}`);
    }
    if (filter.dueTo) {
      nominal.push(sql`c.nominal_date <= ${filter.dueTo}::date`);
      due.push(sql`cal.due_date <= ${filter.dueTo}::date`);
    }
    if (filter.dueFrom) {
      nominal.push(sql`c.nominal_date >= ${addCalendarDays(filter.dueFrom, -LONGEST_SHIFT_DAYS)}::date`);
      due.push(sql`cal.due_date >= ${filter.dueFrom}::date`);
    }
    if (filter.overdue === true) {
      nominal.push(sql`c.nominal_date < ${this.today}::date`);
      due.push(sql`cal.due_date < ${this.today}::date`);
    }
    if (filter.overdue === false) {
      nominal.push(sql`c.nominal_date >= ${addCalendarDays(this.today, -LONGEST_SHIFT_DAYS)}::date`);
      due.push(sql`cal.due_date >= ${this.today}::date`);
    }
    const union = sql.join(
      dutyViews.map((view) => sql`select kind, rule_point, object_type, object_id, subject_id, kato_code, nominal_date from ${view}`),
      sql` union all `,
    );
    return sql`
      with nominal as (
        select c.* from (${union}) c where ${sql.join(nominal, sql` and `)}
      ),
      days as (
        select g::date as day,
               case when h.kind = 'WORKING_WEEKEND' then true
                    when extract(isodow from g) > 5 then false
                    else h.date is null end as working
          from generate_series((select min(nominal_date) from nominal)::timestamp,
                               ((select max(nominal_date) from nominal) + ${LONGEST_SHIFT_DAYS}::integer)::timestamp, interval '1 day') g
          left join platform.holidays h on h.date = g::date
      ),
      calendar as (
        select day, min(day) filter (where working) over (order by day desc) as due_date from days
      ),
      dated as (
        select md5(n.kind || ':' || n.object_id || ':' || n.nominal_date)::uuid as id, n.*, cal.due_date
          from nominal n join calendar cal on cal.day = n.nominal_date
         ${due.length > 0 ? sql`where ${sql.join(due, sql` and `)}` : sql``}
      )`;
  }
}
