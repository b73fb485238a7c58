import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { katoRange } from '../../lib/kato.js';
import { type FeedScope, scopeCondition } from './feed-scope.js';

/** A change of the feed as it is read. */
export interface ChangeRow {
  position: number;
  type: string;
  entityId: string;
  operation: string;
  receiptId: string | null;
  recordedAt: Date;
  katoCode: string | null;
  subjectId: string | null;
}

interface Raw extends Record<string, unknown> {
  position: string | number;
  entity_type: string;
  entity_id: string;
  operation: string;
  receipt_id: string | null;
  recorded_at: string | Date;
  kato_code: string | null;
  subject_id: string | null;
}

function toRow(raw: Raw): ChangeRow {
  return {
    position: Number(raw.position),
    type: raw.entity_type,
    entityId: raw.entity_id,
    operation: raw.operation,
    receiptId: raw.receipt_id,
    recordedAt: raw.recorded_at instanceof Date ? raw.recorded_at : new Date(raw.recorded_at),
    katoCode: raw.kato_code,
    subjectId: raw.subject_id,
  };
}

/** What to read of the feed besides the reader's scope. */
export interface ChangeFilter {
  /** Only these types; all when null. */
  types: readonly string[] | null;
  /** Only changes located under this KATO prefix, when set. */
  katoPrefix?: string | null;
}

/**
 * The SQL of the change feed (`platform.changes`, written by every subgraph through
 * `lib/changes.ts`): keyset pages by position, always oldest first.
 */
export class ChangesRepository {
  constructor(private readonly executor: Executor) {}

  /** Up to `limit` changes after `after` that `scope` reaches and `filter` selects. */
  async page(scope: FeedScope, filter: ChangeFilter, after: number | null, limit: number): Promise<ChangeRow[]> {
    if (limit === 0 || filter.types?.length === 0) return [];
    const conditions: SQL[] = [sql`c.position > ${after ?? 0}`, scopeCondition(scope)];
    if (filter.types) conditions.push(sql`c.entity_type = any(${`{${filter.types.join(',')}}`}::text[])`);
    if (filter.katoPrefix) {
      const { from, to } = katoRange(filter.katoPrefix);
      conditions.push(sql`c.kato_code ~>=~ ${from} and c.kato_code ~<~ ${to}`);
    }
    const rows = await this.executor.execute<Raw>(sql`
      select c.position, c.entity_type, c.entity_id, c.operation, c.receipt_id, c.recorded_at, c.kato_code, c.subject_id
        from platform.changes c
       where ${sql.join(conditions, sql` and `)}
       order by c.position
       limit ${limit}`);
    return rows.map(toRow);
  }

  /** Every change after `after`, whatever its scope, up to `limit`: for the webhook fan-out. */
  async after(after: number, limit: number): Promise<ChangeRow[]> {
    const rows = await this.executor.execute<Raw>(sql`
      select c.position, c.entity_type, c.entity_id, c.operation, c.receipt_id, c.recorded_at, c.kato_code, c.subject_id
        from platform.changes c
       where c.position > ${after}
       order by c.position
       limit ${limit}`);
    return rows.map(toRow);
  }

  /** The change at `position`, or null. */
  async at(position: number): Promise<ChangeRow | null> {
    const [row] = await this.executor.execute<Raw>(sql`
      select c.position, c.entity_type, c.entity_id, c.operation, c.receipt_id, c.recorded_at, c.kato_code, c.subject_id
        from platform.changes c where c.position = ${position}`);
    return row ? toRow(row) : null;
  }

  /** The last position recorded so far (0 for an empty feed). */
  async head(): Promise<number> {
    const [row] = await this.executor.execute<{ head: string | number }>(
      sql`select coalesce(max(position), 0) as head from platform.changes`,
    );
    return Number(row?.head ?? 0);
  }
}
