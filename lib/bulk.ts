import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotencyKeys } from '../schema/platform.js';
import { recheckReliances } from './auth/recheck.js';
import { reliancesFor } from './auth/reliance.js';
import { actorOf } from './auth/scope.js';
import { type ChangeDeclaration, recordChanges } from './changes.js';
import type { Transaction } from './db.js';
import { badUserInput, conflict, type FieldProblem } from './errors.js';
import { receiptFor } from './receipts.js';
import type { SubgraphContext } from './subgraph-context.js';
import { type AnsweredReceipt, asConflict, type ConflictMessages, isTestingStand, transactionOf } from './write.js';

/** The most items one bulk call may carry. */
export const MAX_BULK_ITEMS = 10_000;

/** How a call with invalid items is treated (the GraphQL enum `BulkMode`). */
export type BulkMode = 'ALL_OR_NOTHING' | 'PER_ITEM';

/** What became of one item (the GraphQL enum `BulkItemStatus`). */
export type BulkItemStatus = 'CREATED' | 'UPDATED' | 'REJECTED';

/** One item's result, in input order. */
export interface BulkItemResult {
  index: number;
  /** The client's own key of the item, echoed back. */
  key: string | null;
  /** The stored record's id; null when the item was rejected. */
  id: string | null;
  status: BulkItemStatus;
  /** The item's problems, each naming the field as `<argument>[<index>].<field>`. */
  errors: FieldProblem[];
}

export interface BulkResult {
  items: BulkItemResult[];
  created: number;
  updated: number;
  rejected: number;
  /** The receipt of what was written (p.30); null when nothing was. `testRun` on the testing stand. */
  receipt: AnsweredReceipt | null;
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
  /** True on the testing stand (p.17): the call ran in full and was rolled back. */
  testRun: boolean;
}

/** A validated item, or the problems that reject it (fields relative to the item: `holderIin`). */
export type Checked<T> = { value: T } | { problems: FieldProblem[] };

export interface BulkCall<TItem, TValue> {
  /** `<subgraph>.<mutation>`: names the receipt and the idempotency key's namespace. */
  operation: string;
  /** The argument holding the items, for problem paths (`accounts[3].holderIin`). */
  argument: string;
  items: readonly TItem[];
  /** The client's own key of an item, if it gave one. */
  keyOf(item: TItem): string | null | undefined;
  mode: BulkMode;
  idempotencyKey: string | null | undefined;
  /** Everything else that makes the call what it is (e.g. the supplier id), hashed with the items. */
  scope: Readonly<Record<string, unknown>>;
  /**
   * Checks every item, in memory and against the database in a few set-wise statements
   * (never one per item), inside the transaction; one result per item, in input order.
   */
  check(tx: Transaction, items: readonly TItem[]): Promise<Array<Checked<TValue>>>;
  /**
   * Writes the valid values in one statement (or a few); returns per value, in order, its id
   * and whether it was created, and the changes the feed records (p.32) for them.
   */
  write(tx: Transaction, values: readonly TValue[]): Promise<BulkWrite>;
  conflicts?: ConflictMessages;
}

/** What a bulk write did: per value, in order, its id and whether it was created; and the changes for the feed. */
export interface BulkWrite {
  written: Array<{ id: string; created: boolean }>;
  /** One change per written record. */
  changes: readonly ChangeDeclaration[];
  /**
   * Instead of `changes`: one change for the whole call, its id the call's receipt (whose
   * object ids list what it wrote). For high-volume records (readings) one change per row
   * roughly doubled the write.
   */
  batch?: Omit<ChangeDeclaration, 'id' | 'operation'>;
}

/** A stable hash of a call's content: the same key with other content is a CONFLICT. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const idempotencyKeyPattern = /^[\x21-\x7e]{1,200}$/;

function at(argument: string, index: number, problem: FieldProblem): FieldProblem {
  const field = `${argument}[${index}]${problem.field ? `.${problem.field}` : ''}`;
  return { field, message: `${field}: ${problem.message}` };
}

/**
 * The one bulk path: up to 10,000 items per call through the write path's guarantees (one
 * transaction, the rule's reliances re-checked and locked inside it, a receipt, CONFLICT
 * for unique violations, fresh loaders after commit), plus:
 * - a result per item in input order: its id and whether it was created or updated, or its
 *   problems by field with its index and the client's own key;
 * - `ALL_OR_NOTHING` refuses the whole call with BAD_USER_INPUT naming every problem;
 *   `PER_ITEM` writes the valid items and reports the others;
 * - a client-chosen idempotency key: the same key with the same content returns the first
 *   result and writes nothing, with other content it is CONFLICT; concurrent calls with one
 *   key run once (the second waits on the key's primary key, then replays);
 * - the written records' changes in the feed (p.32), and the testing stand (p.17): a
 *   digital object in TESTING gets the full answer, `testRun: true`, and nothing kept.
 */
export async function placeBulk<TItem, TValue>(
  context: SubgraphContext,
  info: Pick<GraphQLResolveInfo, 'path'>,
  call: BulkCall<TItem, TValue>,
): Promise<BulkResult> {
  if (call.items.length > MAX_BULK_ITEMS) {
    throw badUserInput({
      field: call.argument,
      message: `${call.argument} may hold at most ${MAX_BULK_ITEMS} items per call; split the call.`,
    });
  }
  const key = call.idempotencyKey ?? null;
  if (key !== null && !idempotencyKeyPattern.test(key)) {
    throw badUserInput({ field: 'idempotencyKey', message: 'idempotencyKey must be 1 to 200 printable ASCII characters without spaces.' });
  }
  const placedBy = actorOf(context.caller);
  const requestHash = key === null ? '' : contentHash({ scope: call.scope, mode: call.mode, items: call.items });
  const reliances = reliancesFor(context.reliances, info);

  try {
    const { answer: result, kept } = await transactionOf(context, async (tx) => {
      await recheckReliances(tx, context.caller, reliances);
      if (key !== null) {
        const claimed = await tx
          .insert(idempotencyKeys)
          .values({ placedBy, operation: call.operation, key, requestHash, response: {} })
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key });
        if (claimed.length === 0) return replay(tx, placedBy, call.operation, key, requestHash);
      }

      const checked = await call.check(tx, call.items);
      const items: BulkItemResult[] = checked.map((outcome, index) => ({
        index,
        key: call.keyOf(call.items[index] as TItem) ?? null,
        id: null,
        status: 'REJECTED',
        errors: 'problems' in outcome ? outcome.problems.map((problem) => at(call.argument, index, problem)) : [],
      }));
      const rejected = items.filter((item) => item.errors.length > 0);
      if (rejected.length > 0 && call.mode === 'ALL_OR_NOTHING') throw badUserInput(rejected.flatMap((item) => item.errors));

      const positions: number[] = [];
      const values: TValue[] = [];
      checked.forEach((outcome, index) => {
        if ('value' in outcome) {
          positions.push(index);
          values.push(outcome.value);
        }
      });
      const { written, changes, batch }: BulkWrite = values.length > 0 ? await call.write(tx, values) : { written: [], changes: [] };
      written.forEach((row, i) => {
        const item = items[positions[i] as number] as BulkItemResult;
        item.id = row.id;
        item.status = row.created ? 'CREATED' : 'UPDATED';
      });
      const created = written.filter((row) => row.created).length;
      const recorded =
        written.length > 0
          ? await receiptFor(
              tx,
              context,
              call.operation,
              written.map((row) => row.id),
            )
          : null;
      const receipt = recorded ? { ...recorded, testRun: isTestingStand(context.caller) } : null;
      const result: BulkResult = {
        items,
        created,
        updated: written.length - created,
        rejected: rejected.length,
        receipt,
        replayed: false,
        testRun: isTestingStand(context.caller),
      };
      if (key !== null) {
        await tx
          .update(idempotencyKeys)
          .set({ response: result })
          .where(and(eq(idempotencyKeys.placedBy, placedBy), eq(idempotencyKeys.operation, call.operation), eq(idempotencyKeys.key, key)));
      }
      const feed = batch ? (recorded ? [{ ...batch, id: recorded.id, operation: 'CREATED' as const }] : []) : changes;
      await recordChanges(tx, recorded?.id ?? null, feed);
      return result;
    });
    if (kept && !result.replayed) context.refreshLoaders();
    return result;
  } catch (error) {
    throw asConflict(error, call.conflicts) ?? error;
  }
}

async function replay(tx: Transaction, placedBy: string, operation: string, key: string, requestHash: string): Promise<BulkResult> {
  const [stored] = await tx
    .select({ requestHash: idempotencyKeys.requestHash, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.placedBy, placedBy), eq(idempotencyKeys.operation, operation), eq(idempotencyKeys.key, key)));
  if (!stored) throw new Error('The idempotency key vanished while it was being read.');
  if (stored.requestHash !== requestHash) {
    throw conflict('This idempotency key was already used for a call with other content; use a new key for new content.', 'idempotencyKey');
  }
  const response = stored.response as BulkResult;
  const receipt = response.receipt
    ? {
        ...response.receipt,
        receivedAt: new Date(response.receipt.receivedAt),
        recordedAt: new Date(response.receipt.recordedAt),
        testRun: response.receipt.testRun === true,
      }
    : null;
  return { ...response, receipt, replayed: true, testRun: false };
}
