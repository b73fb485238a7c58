import { and, asc, desc, eq, inArray, max, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { katoRange } from '../../lib/kato.js';
import { textArray } from '../../lib/pg-array.js';
import { uuidArray } from '../../lib/uuid.js';
import { publishedSubjectIdentificationNumbers } from '../../schema/access.js';
import { type ReportChannel, type ReportKind, type ReportStatus, reportLines, reports, reportWorks } from '../../schema/condominium.js';
import type { ComplianceStatus } from './report-deadlines.js';

export type ReportRow = typeof reports.$inferSelect;
export type ReportLineRow = typeof reportLines.$inferSelect;
export type ReportWorkRow = typeof reportWorks.$inferSelect;
export type NewReport = typeof reports.$inferInsert;

export interface NewReportContent {
  report: NewReport;
  lines: Omit<ReportLineRow, 'reportId'>[];
  works: Omit<ReportWorkRow, 'reportId'>[];
}

/** A building expected to report for a period, and when its report was first published. */
export interface ComplianceRow {
  buildingId: string;
  katoCode: string;
  managerSubjectId: string;
  firstPublishedAt: Date | null;
  /** The newest published version, when there is one. */
  reportId: string | null;
  status: ComplianceStatus;
}

/** The SQL of reports, their lines and works. Takes an `Executor`: the same code inside a write's transaction. */
export class ReportRepository {
  constructor(private readonly executor: Executor) {}

  async insert(content: NewReportContent): Promise<ReportRow> {
    const [row] = await this.executor.insert(reports).values(content.report).returning();
    if (!row) throw new Error('The report was not recorded.');
    if (content.lines.length > 0)
      await this.executor.insert(reportLines).values(content.lines.map((line) => ({ ...line, reportId: row.id })));
    if (content.works.length > 0)
      await this.executor.insert(reportWorks).values(content.works.map((work) => ({ ...work, reportId: row.id })));
    return row;
  }

  byIds(ids: readonly string[]): Promise<ReportRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(reports)
      .where(inArray(reports.id, [...ids]));
  }

  /** The report, locked until the transaction ends. */
  async lock(id: string): Promise<ReportRow | null> {
    const [row] = await this.executor.select().from(reports).where(eq(reports.id, id)).for('update');
    return row ?? null;
  }

  async setStatus(id: string, status: ReportStatus, published: { at: Date; channels: ReportChannel[] } | null = null): Promise<ReportRow> {
    const [row] = await this.executor
      .update(reports)
      .set({ status, publishedAt: published?.at ?? null, channels: published?.channels ?? [] })
      .where(eq(reports.id, id))
      .returning();
    if (!row) throw new Error('The report was not updated.');
    return row;
  }

  /** Deletes a report not yet published (its lines and works go with it). */
  async deleteUnpublished(id: string): Promise<void> {
    await this.executor.delete(reports).where(and(eq(reports.id, id), ne(reports.status, 'PUBLISHED')));
  }

  linesOf(reportIds: readonly string[]): Promise<ReportLineRow[]> {
    if (reportIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(reportLines)
      .where(inArray(reportLines.reportId, [...reportIds]))
      .orderBy(asc(reportLines.reportId), asc(reportLines.direction), asc(reportLines.position));
  }

  worksOf(reportIds: readonly string[]): Promise<ReportWorkRow[]> {
    if (reportIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(reportWorks)
      .where(inArray(reportWorks.reportId, [...reportIds]))
      .orderBy(asc(reportWorks.reportId), asc(reportWorks.position));
  }

  /** Every version of a building's report for a period, newest first, locked (a new version is numbered from them). */
  versionsForUpdate(buildingId: string, kind: ReportKind, periodStart: string): Promise<ReportRow[]> {
    return this.executor
      .select()
      .from(reports)
      .where(and(eq(reports.buildingId, buildingId), eq(reports.kind, kind), eq(reports.periodStart, periodStart)))
      .orderBy(desc(reports.version))
      .for('update');
  }

  /** Published reports of these buildings, newest period first, then newest version. */
  publishedOf(buildingIds: readonly string[], kind: ReportKind | null, year: number | null): Promise<ReportRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(reports)
      .where(
        and(
          inArray(reports.buildingId, [...buildingIds]),
          eq(reports.status, 'PUBLISHED'),
          kind ? eq(reports.kind, kind) : undefined,
          year === null ? undefined : sql`extract(year from ${reports.periodStart}) = ${year}`,
        ),
      )
      .orderBy(desc(reports.periodStart), asc(reports.kind), desc(reports.version));
  }

  /** Reports in the making (DRAFT or SIGNED) of these buildings. */
  unpublishedOf(buildingIds: readonly string[]): Promise<ReportRow[]> {
    if (buildingIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(reports)
      .where(and(inArray(reports.buildingId, [...buildingIds]), ne(reports.status, 'PUBLISHED')))
      .orderBy(desc(reports.periodStart), asc(reports.kind));
  }

  /** The published versions that replace these reports. */
  replacementsOf(reportIds: readonly string[]): Promise<ReportRow[]> {
    if (reportIds.length === 0) return Promise.resolve([]);
    return this.executor
      .select()
      .from(reports)
      .where(and(inArray(reports.replacesId, [...reportIds]), eq(reports.status, 'PUBLISHED')));
  }

  /** The identification number and kind of a managing subject (access subgraph's published view). */
  async subjectIdentification(subjectId: string): Promise<{ kind: string; identificationNumber: string } | null> {
    const [row] = await this.executor
      .select({
        kind: publishedSubjectIdentificationNumbers.kind,
        identificationNumber: publishedSubjectIdentificationNumbers.identificationNumber,
      })
      .from(publishedSubjectIdentificationNumbers)
      .where(eq(publishedSubjectIdentificationNumbers.id, subjectId));
    return row ?? null;
  }

  /**
   * The buildings expected to report for a period (those with a manager on its last day),
   * of these buildings or under a KATO prefix, each with its compliance status as of `now`
   * (see report-deadlines.ts: ON_TIME or LATE by when the first version was published
   * against `lateFrom`, DUE or MISSING while none is), optionally only some statuses:
   * one statement, ordered by building id for keyset paging. The one place the status is decided.
   */
  async compliance(options: {
    kind: ReportKind;
    periodStart: string;
    periodEnd: string;
    lateFrom: Date;
    now: Date;
    buildingIds?: readonly string[];
    katoPrefix?: string;
    /** Under any of these prefixes (a territory's figures for several small territories at once). */
    katoPrefixes?: readonly string[];
    statuses?: readonly ComplianceStatus[];
    afterBuildingId?: string | null;
    limit?: number;
  }): Promise<ComplianceRow[]> {
    const range = options.katoPrefix ? katoRange(options.katoPrefix) : null;
    const lateFrom = options.lateFrom.toISOString();
    const ids = options.buildingIds ? sql`and b.id = any(${uuidArray(options.buildingIds)}::uuid[])` : sql``;
    const ranges = options.katoPrefixes?.map(katoRange) ?? [];
    const territory = range
      ? sql`and b.kato_code ~>=~ ${range.from} and b.kato_code ~<~ ${range.to}`
      : options.katoPrefixes
        ? sql`and exists (select 1 from unnest(${textArray(ranges.map((r) => r.from))}::text[], ${textArray(ranges.map((r) => r.to))}::text[]) t(lower_bound, upper_bound)
                          where b.kato_code ~>=~ t.lower_bound and b.kato_code ~<~ t.upper_bound)`
        : sql``;
    const after = options.afterBuildingId ? sql`and b.id > ${options.afterBuildingId}::uuid` : sql``;
    const statuses = options.statuses ? sql`and c.status = any(${textArray(options.statuses)}::text[])` : sql``;
    const limit = options.limit === undefined ? sql`` : sql`limit ${options.limit}`;
    const rows = await this.executor.execute<{
      building_id: string;
      kato_code: string;
      manager_subject_id: string;
      first_published_at: string | Date | null;
      report_id: string | null;
      status: ComplianceStatus;
    }>(sql`
      select c.* from (
        select b.id as building_id, b.kato_code, a.management_subject_id as manager_subject_id,
               p.first_published_at, p.report_id,
               case when p.first_published_at is null
                    then case when ${options.now.toISOString()}::timestamptz < ${lateFrom}::timestamptz then 'DUE' else 'MISSING' end
                    when p.first_published_at < ${lateFrom}::timestamptz then 'ON_TIME'
                    else 'LATE' end as status
          from buildings.published_buildings b
          join condominium.management_assignments a
            on a.building_id = b.id and a.valid_from <= ${options.periodEnd}::date
           and (a.valid_to is null or a.valid_to > ${options.periodEnd}::date)
          left join lateral (
            select min(r.published_at) as first_published_at,
                   (array_agg(r.id order by r.version desc))[1] as report_id
              from condominium.reports r
             where r.building_id = b.id and r.kind = ${options.kind} and r.period_start = ${options.periodStart}::date
               and r.status = 'PUBLISHED'
          ) p on true
         where b.status = 'REGISTERED' ${ids} ${territory} ${after}
      ) c
      where true ${statuses}
      order by c.building_id
      ${limit}`);
    return rows.map((row) => ({
      buildingId: row.building_id,
      katoCode: row.kato_code,
      managerSubjectId: row.manager_subject_id,
      firstPublishedAt: row.first_published_at === null ? null : new Date(row.first_published_at),
      reportId: row.report_id,
      status: row.status,
    }));
  }

  /** The newest version number of a period, or 0. */
  async latestVersion(buildingId: string, kind: ReportKind, periodStart: string): Promise<number> {
    const [row] = await this.executor
      .select({ version: max(reports.version) })
      .from(reports)
      .where(and(eq(reports.buildingId, buildingId), eq(reports.kind, kind), eq(reports.periodStart, periodStart)));
    return row?.version ?? 0;
  }
}
