import type { GraphQLResolveInfo } from 'graphql';
import { recheckReliances } from './auth/recheck.js';
import { reliancesFor } from './auth/reliance.js';
import type { Transaction } from './db.js';
import { conflict, uniqueViolation } from './errors.js';
import { type Receipt, receiptFor } from './receipts.js';
import type { SubgraphContext } from './subgraph-context.js';

/** What a unique index stands for, so that losing a race reads like the pre-check would have. */
export type ConflictMessages = Readonly<Record<string, { message: string; field?: string }>>;

export interface Write<T> {
  /** `<subgraph>.<mutation>`: what the receipt says was placed. */
  operation: string;
  /**
   * The change itself, inside the transaction, after the re-check: validate against the
   * database, write, and return the payload with the ids of what was created or changed.
   */
  run(tx: Transaction, scope: WriteScope): Promise<{ payload: T; objectIds: readonly string[] }>;
  /** Unique index name → the CONFLICT to report when a concurrent write took the value first. */
  conflicts?: ConflictMessages;
}

export interface WriteScope {
  /** Ids of the caller's grants the re-check found still in force (locked FOR SHARE until commit). */
  grantsInForce: readonly string[];
}

/**
 * The one write path of every mutation:
 * 1. opens a transaction;
 * 2. re-checks inside it exactly what the field's rule relied on (`context.reliances`,
 *    recorded by the rule, never derived again here) and locks it until commit;
 * 3. runs the change;
 * 4. writes the receipt of p.30 in the same transaction, so a receipt exists exactly when
 *    the data does;
 * 5. maps a unique violation to CONFLICT;
 * 6. after commit, gives the request fresh loaders so the payload reads what was written.
 */
export async function placeWrite<T extends object>(context: SubgraphContext, info: Pick<GraphQLResolveInfo, 'path'>, write: Write<T>): Promise<T & { receipt: Receipt }> {
  return inTransaction(context, info, write, async (tx, payload, objectIds) => ({
    ...payload,
    receipt: await receiptFor(tx, context, write.operation, [...objectIds]),
  }));
}

/** The same path for changes that place no information and take no receipt (issuing or revoking a token). */
export async function runWrite<T extends object>(context: SubgraphContext, info: Pick<GraphQLResolveInfo, 'path'>, write: Write<T>): Promise<T> {
  return inTransaction(context, info, write, async (_tx, payload) => payload);
}

async function inTransaction<T extends object, R>(
  context: SubgraphContext,
  info: Pick<GraphQLResolveInfo, 'path'>,
  write: Write<T>,
  finish: (tx: Transaction, payload: T, objectIds: readonly string[]) => Promise<R>,
): Promise<R> {
  const reliances = reliancesFor(context.reliances, info);
  try {
    const result = await context.db.transaction(async (tx) => {
      const grantsInForce = await recheckReliances(tx, context.caller, reliances);
      const { payload, objectIds } = await write.run(tx, { grantsInForce });
      return finish(tx, payload, objectIds);
    });
    context.refreshLoaders();
    return result;
  } catch (error) {
    throw asConflict(error, write.conflicts) ?? error;
  }
}

/** CONFLICT for a unique violation (named by `conflicts`, or a generic sentence), otherwise null. */
export function asConflict(error: unknown, conflicts: ConflictMessages = {}) {
  const violation = uniqueViolation(error);
  if (!violation) return null;
  const known = violation.constraint ? conflicts[violation.constraint] : undefined;
  return known ? conflict(known.message, known.field) : conflict('A record with the same identifying values already exists; nothing was written.');
}
