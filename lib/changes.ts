import { sql } from 'drizzle-orm';
import type { Executor } from './db.js';
import { jobSpec, TaskName } from './jobs.js';
import { textArray } from './pg-array.js';

/**
 * Entity types of the change feed (p.32), as the API names them (`ChangeType`). A type is
 * added here and in the integration subgraph's SDL in the same change as the feature that
 * first declares it.
 */
export const changeTypes = [
  'BUILDING',
  'PREMISE',
  'MANAGEMENT_ASSIGNMENT',
  'HOUSE_COUNCIL_MEMBER',
  'SUPPLIER',
  'PERSONAL_ACCOUNT',
  'TARIFF',
  'METER',
  'METER_READING',
  'METER_READINGS_BATCH',
  'DOCUMENT',
  'REPORT',
  'MEETING',
  'BALLOT',
  'PROTOCOL',
  'CAPITAL_REPAIR_ACCRUAL',
  'CAPITAL_REPAIR_PAYMENT',
  'CAPITAL_REPAIR_SPENDING',
  'PLANNED_WORK',
  'OWNER_REQUEST',
  'CONTRACT',
] as const;
export type ChangeType = (typeof changeTypes)[number];

export type ChangeOperation = 'CREATED' | 'UPDATED' | 'DELETED';

/**
 * One change a write declares (`Write.run`, `BulkCall.write`): what changed, and the scope
 * a reader must have to see it in the feed besides the open part.
 */
export interface ChangeDeclaration {
  type: ChangeType;
  id: string;
  operation: ChangeOperation;
  /** KATO code of where the record is (a building's, for buildings, premises and management): local executive bodies see their territory. */
  katoCode?: string | null;
  /** The subject that owns the record (a supplier's subject for accounts and tariffs): that subject sees it. */
  subjectId?: string | null;
}

/**
 * Taken by every transaction that records changes, from the moment it takes positions
 * until it commits: positions are handed out in commit order, so a reader that has seen
 * position N never later finds a smaller one appear (what a cursor over the feed needs).
 * Held only for the last statements of a write (the receipt is already written).
 */
const feedLockKey = 727_032;

/**
 * Records `changes` in `platform.changes` inside the write's own transaction, so the feed
 * holds a change exactly when the data does, and enqueues the webhook fan-out job in the
 * same transaction (coalesced: one pending fan-out job whatever the number of writes).
 * Call it last in the transaction: it serialises the commits of writers that record changes.
 */
export async function recordChanges(executor: Executor, receiptId: string | null, changes: readonly ChangeDeclaration[]): Promise<void> {
  if (changes.length === 0) return;
  const column = (pick: (change: ChangeDeclaration) => string | null | undefined) =>
    textArray(changes.map((change) => pick(change) ?? null));
  await executor.execute(sql`select pg_advisory_xact_lock(${feedLockKey})`);
  // The columns travel as typed arrays: a bulk call's 10,000 changes parsed from a JSON
  // recordset took about 40% longer (measured with psql).
  await executor.execute(sql`
    with recorded as (
      insert into platform.changes (entity_type, entity_id, operation, receipt_id, kato_code, subject_id)
      select r.entity_type, r.entity_id, r.operation, ${receiptId}::uuid, r.kato_code, r.subject_id
        from unnest(${column((c) => c.type)}::text[], ${column((c) => c.id)}::uuid[], ${column((c) => c.operation)}::text[],
                    ${column((c) => c.katoCode)}::text[], ${column((c) => c.subjectId)}::uuid[])
             as r(entity_type, entity_id, operation, kato_code, subject_id)
      returning position
    )
    select ${jobSpec(TaskName.FanOut, {}, { jobKey: TaskName.FanOut, preserveRunAt: true })}
     where exists (select 1 from recorded)`);
}
