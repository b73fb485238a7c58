import { sql } from 'drizzle-orm';
import type { TaskList } from 'graphile-worker';
import type { Database } from '../../lib/db.js';
import { safeTask, TaskName } from '../../lib/jobs.js';
import { katoPrefix, katoRange } from '../../lib/kato.js';
import { analyticsReads } from '../../lib/read-replicas.js';
import { isUuid } from '../../lib/uuid.js';
import { almatyDate } from '../../lib/working-calendar.js';
import { DataQualityRepository } from './data-quality-repository.js';
import { DutiesRepository } from './duties-repository.js';
import { ExportRepository, type ExportRow } from './export-repository.js';
import { type FeedScope, narrowedTo } from './feed-scope.js';
import { WebhookRepository } from './webhook-repository.js';

/**
 * Large exports for the ministry run as background jobs (issue 10, item 7): the job reads
 * its rows in batches of `EXPORT_BATCH_ROWS` by keyset, writes each batch as one CSV part
 * and moves the progress on in the same transaction, so a worker that dies resumes at the
 * next part. Before every batch the requester's scope is narrowed to the grants still in
 * force (an administrator's to its staff membership): a revoked right stops the export.
 */
const EXPORT_BATCH_ROWS = 5_000;

interface Batch {
  lines: string[];
  /** The keyset position after the batch's last row; null when the batch is the last. */
  next: string | null;
}

const header: Record<ExportRow['kind'], string> = {
  BUILDING_REGISTER: 'building_id,kato_code,condition,total_premises_count,barrier_free,registered_at',
  DUTIES: 'id,kind,rule_point,object_type,object_id,subject_id,kato_code,nominal_date,due_date,overdue',
  DATA_QUALITY: 'building_id,kato_code,manager_subject_id,score,failed_checks,premises_registered,total_premises_count',
};

/** A CSV field: quoted when it holds a separator, a quote or a line break. */
const field = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const line = (values: unknown[]) => values.map(field).join(',');

export async function runExport(db: Database, exportId: string, batchRows = EXPORT_BATCH_ROWS): Promise<void> {
  const exports = new ExportRepository(db);
  const row = await exports.byId(exportId);
  if (!row || row.status === 'DONE' || row.status === 'FAILED') return;
  const reader = analyticsReads(db);
  const today = almatyDate(new Date());
  let cursor = row.cursor;
  let part = row.parts;
  for (;;) {
    const scope = await scopeInForce(db, row);
    if (!scope) {
      await exports.finish(row.id, 'FAILED', 'The access right the export was requested under is no longer in force.');
      return;
    }
    if (row.rowsTotal === null && part === 0) {
      row.rowsTotal = await countRows(reader, row, scope, today);
      await exports.start(row.id, row.rowsTotal);
    }
    const batch = await readBatch(reader, row, scope, today, cursor, batchRows);
    if (batch.lines.length > 0 || part === 0) {
      const content = `${[...(part === 0 ? [header[row.kind]] : []), ...batch.lines].join('\r\n')}\r\n`;
      await db.transaction((tx) => new ExportRepository(tx).appendPart(row.id, { part, rows: batch.lines.length, content }, batch.next));
      part += 1;
    }
    if (batch.next === null) break;
    cursor = batch.next;
  }
  await exports.finish(row.id, 'DONE');
}

/** The job queue's export task; `batchRows` smaller in tests to see several parts. */
export function exportTasks(db: Database, batchRows = EXPORT_BATCH_ROWS): TaskList {
  return {
    [TaskName.Export]: safeTask(async (payload: { exportId?: unknown }) => {
      if (typeof payload?.exportId === 'string' && isUuid(payload.exportId)) await runExport(db, payload.exportId, batchRows);
    }),
  };
}

/** The requester's scope now, or null when nothing it rested on is in force. */
async function scopeInForce(db: Database, row: ExportRow): Promise<FeedScope | null> {
  if (row.everything) {
    const [, personId] = row.requestedBy.split(':');
    return personId && (await new ExportRepository(db).isAdministrator(personId)) ? { everything: true, grants: [] } : null;
  }
  const live = await new WebhookRepository(db).grantsInForce(row.scopeGrants.map((grant) => grant.grantId));
  const scope = narrowedTo(row.scopeGrants, live);
  return scope.grants.length > 0 ? scope : null;
}

async function countRows(reader: Database, row: ExportRow, scope: FeedScope, today: string): Promise<number> {
  if (row.kind === 'DUTIES') {
    const counts = await new DutiesRepository(reader, today).counts(scope, dutyFilter(row), false);
    return counts.reduce((sum, count) => sum + count.total, 0);
  }
  if (row.kind === 'DATA_QUALITY') {
    const groups = await new DataQualityRepository(reader).distribution(scope, qualityFilter(row), 'REGION');
    return groups.reduce((sum, group) => sum + group.buildings, 0);
  }
  const [counted] = await reader.execute<{ n: number }>(
    sql`select count(*)::int as n from buildings.published_register_facts f where ${registerCondition(row)}`,
  );
  return counted?.n ?? 0;
}

async function readBatch(
  reader: Database,
  row: ExportRow,
  scope: FeedScope,
  today: string,
  cursor: string | null,
  limit: number,
): Promise<Batch> {
  if (row.kind === 'DUTIES') {
    const after = cursor ? (JSON.parse(cursor) as { id: string; at: string }) : null;
    const duties = await new DutiesRepository(reader, today).page(scope, dutyFilter(row), after, limit);
    const last = duties.at(-1);
    return {
      lines: duties.map((d) =>
        line([d.id, d.kind, d.rulePoint, d.objectType, d.objectId, d.subjectId, d.katoCode, d.nominalDate, d.dueDate, d.overdue]),
      ),
      next: duties.length === limit && last ? JSON.stringify({ id: last.id, at: `${last.dueDate}T00:00:00Z` }) : null,
    };
  }
  if (row.kind === 'DATA_QUALITY') {
    const records = await new DataQualityRepository(reader).page(scope, qualityFilter(row), cursor, limit);
    const last = records.at(-1);
    return {
      lines: records.map((r) =>
        line([r.buildingId, r.katoCode, r.managerSubjectId, r.score, r.failedChecks.join(' '), r.premisesRegistered, r.totalPremisesCount]),
      ),
      next: records.length === limit && last ? last.buildingId : null,
    };
  }
  // The register's open facts: the open part, whatever the requester's scope.
  const facts = await reader.execute<{
    building_id: string;
    kato_code: string;
    condition: string;
    total_premises_count: number;
    barrier_free: boolean;
    registered_at: Date | string;
  }>(sql`
    select f.building_id, f.kato_code, f.condition, f.total_premises_count, f.barrier_free, f.registered_at
      from buildings.published_register_facts f
     where ${registerCondition(row)} ${cursor ? sql`and f.building_id > ${cursor}::uuid` : sql``}
     order by f.building_id limit ${limit}`);
  const last = facts.at(-1);
  return {
    lines: facts.map((f) =>
      line([f.building_id, f.kato_code, f.condition, f.total_premises_count, f.barrier_free, new Date(f.registered_at).toISOString()]),
    ),
    next: facts.length === limit && last ? last.building_id : null,
  };
}

function registerCondition(row: ExportRow) {
  const registered = sql`f.retired_at is null`;
  if (!row.katoCode) return registered;
  const { from, to } = katoRange(katoPrefix(row.katoCode));
  return sql`${registered} and f.kato_code ~>=~ ${from} and f.kato_code ~<~ ${to}`;
}

const dutyFilter = (row: ExportRow) => ({
  kinds: null,
  katoCode: row.katoCode,
  subjectId: null,
  dueFrom: null,
  dueTo: null,
  overdue: null,
});
const qualityFilter = (row: ExportRow) => ({ katoCode: row.katoCode, managerSubjectId: null });
