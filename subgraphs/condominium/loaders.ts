import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import { byKey, groupBy } from '../../lib/batch-results.js';
import type { Database } from '../../lib/db.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { AttachedRecordKind, ReportKind } from '../../schema/condominium.js';
import { type AnalyticsLoaders, createAnalyticsLoaders } from './analytics-loaders.js';
import { DocumentRepository, type DocumentRow } from './document-repository.js';
import { type HouseCouncilMemberRow, HouseCouncilRepository } from './house-council-repository.js';
import { type AssignmentRow, ManagementRepository } from './management-repository.js';
import { createMeetingLoaders, type MeetingLoaders } from './meeting-loaders.js';
import { reportPeriod } from './report-deadlines.js';
import { type ComplianceRow, type ReportLineRow, ReportRepository, type ReportRow, type ReportWorkRow } from './report-repository.js';
import { type PublishedBuilding, RightsRepository } from './rights-repository.js';
import { createServiceLoaders, type ServiceLoaders } from './service-loaders.js';
import { type PublicationRow, SignedPublications } from './signed-publication.js';

/**
 * One request's DataLoaders: one statement per relation, whatever the number of buildings
 * asked for. Keys are building ids as `parseId` returns them (lower case, as PostgreSQL
 * prints them), so the rows are matched to their keys by plain comparison.
 *
 * They live for one request: the rights derived from them (`building-rights.ts`) are
 * computed afresh by every request, so an assignment that ended yesterday grants nothing today.
 */
export interface Loaders {
  /** The assignment in force today (in Almaty) of each building; null when none is. */
  currentManagement: DataLoader<string, AssignmentRow | null>;
  /** Every assignment of each building, newest first; empty when it never had one. */
  managementHistory: DataLoader<string, AssignmentRow[]>;
  /** Documents by id; null when there is none. */
  documentById: DataLoader<string, DocumentRow | null>;
  /** The documents attached to a record, keyed `KIND:id` (`attachmentKey`), in the record's order. */
  attachedDocuments: DataLoader<string, DocumentRow[]>;
  /** The signature of a record (report or protocol) by the record's id, published or not; null when unsigned. */
  publicationByRecord: DataLoader<string, PublicationRow | null>;
  /** Published records by their normalized verification code. */
  publishedByCode: DataLoader<string, PublicationRow | null>;
  /** Reports by id, in any status (resolvers decide what to show). */
  reportById: DataLoader<string, ReportRow | null>;
  /** Each report's lines, income then expenses, in order. */
  reportLines: DataLoader<string, ReportLineRow[]>;
  /** Each report's works, in order. */
  reportWorks: DataLoader<string, ReportWorkRow[]>;
  /** The published correction replacing each report; null when none does. */
  reportReplacedBy: DataLoader<string, ReportRow | null>;
  /** Published reports of a building, newest period first (`Query.reports`), keyed by building and filter. */
  publishedReports: DataLoader<PublishedReportsKey, ReportRow[], string>;
  /** Each building's drafts and signed, unpublished reports (`Query.reportDrafts`). */
  reportDrafts: DataLoader<string, ReportRow[]>;
  /** One page of a territory's compliance (`Query.reportCompliance`): one statement per page asked for. */
  compliancePage: DataLoader<CompliancePage, ComplianceRow[], string>;
  /** A building's compliance for a period, keyed `complianceKey`; null when the building had no manager then. */
  compliance: DataLoader<string, ComplianceRow | null>;
  /** The register's building (buildings subgraph, published view); null when no building has the id. */
  buildingById: DataLoader<string, PublishedBuilding | null>;
  /** Ids of the premises the caller owns in each building (by the IIN of the signed-in person); empty for anyone else. */
  callerPremisesIn: DataLoader<string, string[]>;
  /** Ids of every premises each person owns (by their IIN), ordered by building and premises id. */
  premisesOwnedByPerson: DataLoader<string, string[]>;
  /** The name of each managing organisation (OSI or company); null for anyone else. */
  organisationName: DataLoader<string, string | null>;
  /** The current house council of each building, the chair first. */
  houseCouncil: DataLoader<string, HouseCouncilMemberRow[]>;
  /** Every house council membership of each building, current and ended, newest first. */
  houseCouncilHistory: DataLoader<string, HouseCouncilMemberRow[]>;
  /** A house council membership by id; null when there is none. */
  houseCouncilMemberById: DataLoader<string, HouseCouncilMemberRow | null>;
  /** The ministry's figures of territories (analytics-loaders.ts). */
  analytics: AnalyticsLoaders;
  /** Meetings, ballots, protocols and the capital repair fund (meeting-loaders.ts). */
  meetings: MeetingLoaders;
  /** Planned works, owners' requests and contracts (service-loaders.ts). */
  services: ServiceLoaders;
}

/** The key of `publishedReports`: a building and the list's filter. */
export interface PublishedReportsKey {
  buildingId: string;
  kind: ReportKind | null;
  year: number | null;
}

/** The key of `compliancePage`: what `ReportRepository.compliance` takes for a territory's page. */
export type CompliancePage = Parameters<ReportRepository['compliance']>[0];

/** The key of `compliance`: a building and a period (kind, year, month or 0). */
export function complianceKey(buildingId: string, kind: 'MONTHLY' | 'ANNUAL', year: number, month: number | null): string {
  return `${buildingId}|${kind}|${year}|${month ?? 0}`;
}

/** The key of `attachedDocuments`. */
export function attachmentKey(kind: AttachedRecordKind, recordId: string): string {
  return `${kind}:${recordId}`;
}

export function createLoaders(db: Database, caller: Caller): Loaders {
  const repository = new ManagementRepository(db);
  const documents = new DocumentRepository(db);
  const publications = new SignedPublications(db);
  const reports = new ReportRepository(db);
  const now = new Date();
  const rights = new RightsRepository(db);
  const councils = new HouseCouncilRepository(db);
  const today = almatyDate(new Date());
  const reportById = new DataLoader<string, ReportRow | null>(async (ids) => byKey(await reports.byIds(ids), (row) => row.id, ids));
  return {
    services: createServiceLoaders(db),
    currentManagement: new DataLoader(async (buildingIds) => {
      const current = new Map((await repository.currentOf(buildingIds, today)).map((row) => [row.buildingId, row]));
      return buildingIds.map((id) => current.get(id) ?? null);
    }),
    managementHistory: new DataLoader(async (buildingIds) => {
      const history = new Map<string, AssignmentRow[]>(buildingIds.map((id) => [id, []]));
      for (const row of await repository.historyOf(buildingIds)) history.get(row.buildingId)?.push(row);
      return buildingIds.map((id) => history.get(id) ?? []);
    }),
    documentById: new DataLoader(async (ids) => byKey(await documents.byIds(ids), (row) => row.id, ids)),
    attachedDocuments: new DataLoader(async (keys) => {
      const lists = new Map<string, DocumentRow[]>(keys.map((key) => [key, []]));
      const byKind = new Map<AttachedRecordKind, string[]>();
      for (const key of keys) {
        const [kind, id] = key.split(':') as [AttachedRecordKind, string];
        byKind.set(kind, [...(byKind.get(kind) ?? []), id]);
      }
      for (const [kind, ids] of byKind)
        for (const row of await documents.attachedTo(kind, ids)) lists.get(attachmentKey(kind, row.recordId))?.push(row.document);
      return keys.map((key) => lists.get(key) ?? []);
    }),
    publicationByRecord: new DataLoader(async (ids) => byKey(await publications.byRecords(ids), (row) => row.recordId, ids)),
    reportById,
    reportLines: new DataLoader(async (ids) => groupBy(await reports.linesOf(ids), (row) => row.reportId, ids)),
    reportWorks: new DataLoader(async (ids) => groupBy(await reports.worksOf(ids), (row) => row.reportId, ids)),
    reportReplacedBy: new DataLoader(async (ids) => byKey(await reports.replacementsOf(ids), (row) => row.replacesId as string, ids)),
    // One statement per filter asked for (almost always one), whatever the number of buildings.
    publishedReports: new DataLoader(
      async (keys) => {
        const byFilter = new Map<string, { kind: ReportKind | null; year: number | null; buildingIds: string[] }>();
        for (const key of keys) {
          const filter = `${key.kind ?? ''}|${key.year ?? ''}`;
          const group = byFilter.get(filter) ?? { kind: key.kind, year: key.year, buildingIds: [] };
          group.buildingIds.push(key.buildingId);
          byFilter.set(filter, group);
        }
        const found = new Map<string, ReportRow[]>();
        for (const [filter, group] of byFilter) {
          const rows = await reports.publishedOf(group.buildingIds, group.kind, group.year);
          for (const row of rows) {
            reportById.prime(row.id, row);
            const key = `${row.buildingId}|${filter}`;
            found.set(key, [...(found.get(key) ?? []), row]);
          }
        }
        return keys.map((key) => found.get(`${key.buildingId}|${key.kind ?? ''}|${key.year ?? ''}`) ?? []);
      },
      { cacheKeyFn: (key) => `${key.buildingId}|${key.kind ?? ''}|${key.year ?? ''}` },
    ),
    reportDrafts: new DataLoader(async (ids) => groupBy(await reports.unpublishedOf(ids), (row) => row.buildingId, ids)),
    compliancePage: new DataLoader((pages) => Promise.all(pages.map((page) => reports.compliance(page))), {
      cacheKeyFn: (page) => JSON.stringify(page),
    }),
    // One statement per period asked for, whatever the number of buildings.
    compliance: new DataLoader(async (keys) => {
      const byPeriod = new Map<string, string[]>();
      for (const key of keys) {
        const [buildingId, period] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)];
        byPeriod.set(period, [...(byPeriod.get(period) ?? []), buildingId]);
      }
      const found = new Map<string, ComplianceRow>();
      for (const [key, buildingIds] of byPeriod) {
        const [kind, year, month] = key.split('|') as ['MONTHLY' | 'ANNUAL', string, string];
        const period = reportPeriod(kind, Number(year), kind === 'MONTHLY' ? Number(month) : null);
        const rows = await reports.compliance({
          kind,
          periodStart: period.start,
          periodEnd: period.end,
          lateFrom: period.lateFrom,
          now,
          buildingIds,
        });
        for (const row of rows) found.set(`${row.buildingId}|${key}`, row);
      }
      return keys.map((key) => found.get(key) ?? null);
    }),
    publishedByCode: new DataLoader(async (codes) => byKey(await publications.publishedByCodes(codes), (row) => row.code, codes)),
    buildingById: new DataLoader(async (ids) => {
      const found = new Map((await rights.buildings(ids)).map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    callerPremisesIn: new DataLoader(async (buildingIds) => {
      const owned = new Map<string, string[]>(buildingIds.map((id) => [id, []]));
      if (caller.kind === 'person') {
        for (const row of await rights.premisesOwnedBy(caller.personId, buildingIds)) owned.get(row.buildingId)?.push(row.premiseId);
      }
      return buildingIds.map((id) => owned.get(id) ?? []);
    }),
    premisesOwnedByPerson: new DataLoader(async (personIds) =>
      Promise.all(personIds.map(async (id) => (await rights.allPremisesOwnedBy(id)).map((row) => row.premiseId))),
    ),
    organisationName: new DataLoader(async (subjectIds) => {
      const names = new Map((await repository.organisationNames(subjectIds)).map((row) => [row.id, row.name]));
      return subjectIds.map((id) => names.get(id) ?? null);
    }),
    houseCouncil: new DataLoader(async (buildingIds) => {
      const members = new Map<string, HouseCouncilMemberRow[]>(buildingIds.map((id) => [id, []]));
      for (const row of await councils.currentOf(buildingIds)) members.get(row.buildingId)?.push(row);
      return buildingIds.map((id) => members.get(id) ?? []);
    }),
    houseCouncilHistory: new DataLoader(async (buildingIds) => {
      const members = new Map<string, HouseCouncilMemberRow[]>(buildingIds.map((id) => [id, []]));
      for (const row of await councils.historyOf(buildingIds)) members.get(row.buildingId)?.push(row);
      return buildingIds.map((id) => members.get(id) ?? []);
    }),
    houseCouncilMemberById: new DataLoader(async (ids) => {
      const found = new Map((await councils.byIds(ids)).map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    analytics: createAnalyticsLoaders(db, today, now),
    meetings: createMeetingLoaders(db),
  };
}
