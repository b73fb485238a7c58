import { sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import type { SubscriptionScopeGrant } from '../../schema/integration.js';

/** What an export holds. */
export type ExportKind = 'BUILDING_REGISTER' | 'DUTIES' | 'DATA_QUALITY';
export type ExportStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';

export interface ExportRow {
  id: string;
  kind: ExportKind;
  katoCode: string | null;
  requestedBy: string;
  /** The requester's scope when asked: administrators' everything, or the grants it rests on (re-checked at every batch). */
  everything: boolean;
  scopeGrants: SubscriptionScopeGrant[];
  status: ExportStatus;
  rowsTotal: number | null;
  rowsDone: number;
  parts: number;
  /** Where the next batch starts (the last row's keyset position), as the runner wrote it. */
  cursor: string | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ExportPartRow {
  part: number;
  rows: number;
  content: string;
}

interface Raw extends Record<string, unknown> {
  id: string;
  kind: ExportKind;
  kato_code: string | null;
  requested_by: string;
  everything: boolean;
  scope_grants: SubscriptionScopeGrant[];
  status: ExportStatus;
  rows_total: number | null;
  rows_done: number;
  parts: number;
  cursor: string | null;
  error: string | null;
  created_at: Date | string;
  finished_at: Date | string | null;
}

const toRow = (raw: Raw): ExportRow => ({
  id: raw.id,
  kind: raw.kind,
  katoCode: raw.kato_code,
  requestedBy: raw.requested_by,
  everything: raw.everything,
  scopeGrants: raw.scope_grants,
  status: raw.status,
  rowsTotal: raw.rows_total === null ? null : Number(raw.rows_total),
  rowsDone: Number(raw.rows_done),
  parts: Number(raw.parts),
  cursor: raw.cursor,
  error: raw.error,
  createdAt: new Date(raw.created_at),
  finishedAt: raw.finished_at === null ? null : new Date(raw.finished_at),
});

/** The SQL of exports (`integration.exports`) and their parts. */
export class ExportRepository {
  constructor(private readonly executor: Executor) {}

  async create(values: {
    kind: ExportKind;
    katoCode: string | null;
    requestedBy: string;
    everything: boolean;
    scopeGrants: SubscriptionScopeGrant[];
  }): Promise<ExportRow> {
    const [raw] = await this.executor.execute<Raw>(sql`
      insert into integration.exports (kind, kato_code, requested_by, everything, scope_grants)
      values (${values.kind}, ${values.katoCode}, ${values.requestedBy}, ${values.everything}, ${JSON.stringify(values.scopeGrants)}::jsonb)
      returning *`);
    return toRow(raw as Raw);
  }

  async byId(id: string): Promise<ExportRow | null> {
    const [raw] = await this.executor.execute<Raw>(sql`select * from integration.exports where id = ${id}::uuid`);
    return raw ? toRow(raw) : null;
  }

  async start(id: string, rowsTotal: number): Promise<void> {
    await this.executor.execute(sql`
      update integration.exports set status = 'RUNNING', rows_total = coalesce(rows_total, ${rowsTotal}) where id = ${id}::uuid`);
  }

  /** Stores one part and moves the progress and the cursor on, in one statement. */
  async appendPart(id: string, part: ExportPartRow, cursor: string | null): Promise<void> {
    // One statement: the part and the progress it makes.
    await this.executor.execute(sql`
      with stored as (
        insert into integration.export_parts (export_id, part, rows, content)
        values (${id}::uuid, ${part.part}, ${part.rows}, ${part.content})
        returning export_id, rows
      )
      update integration.exports e set rows_done = e.rows_done + stored.rows, parts = e.parts + 1, cursor = ${cursor}
        from stored where e.id = stored.export_id`);
  }

  async finish(id: string, status: 'DONE' | 'FAILED', error: string | null = null): Promise<void> {
    await this.executor.execute(sql`
      update integration.exports set status = ${status}, error = ${error}, finished_at = now() where id = ${id}::uuid`);
  }

  async parts(id: string, from: number, limit: number): Promise<ExportPartRow[]> {
    const rows = await this.executor.execute<{ part: number; rows: number; content: string }>(sql`
      select part, rows, content from integration.export_parts where export_id = ${id}::uuid and part >= ${from} order by part limit ${limit}`);
    return rows.map((row) => ({ part: Number(row.part), rows: Number(row.rows), content: row.content }));
  }

  /** Whether the person is still on the Administrator's staff (an export with everything in scope). */
  async isAdministrator(personId: string): Promise<boolean> {
    const rows = await this.executor.execute(sql`select 1 from access.published_administrators where id = ${personId}::uuid`);
    return rows.length > 0;
  }
}
