import type { GraphQLResolveInfo } from 'graphql';
import type { Caller } from './auth/caller.js';
import { recheckReliances } from './auth/recheck.js';
import { reliancesFor } from './auth/reliance.js';
import { type ChangeDeclaration, recordChanges } from './changes.js';
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
   * database, write, and return the payload with the ids of what was created or changed,
   * and the changes to record in the feed (p.32), one per record created, changed or deleted.
   */
  run(tx: Transaction, scope: WriteScope): Promise<WriteOutcome<T>>;
  /** Unique index name → the CONFLICT to report when a concurrent write took the value first. */
  conflicts?: ConflictMessages;
}

export interface WriteOutcome<T> {
  payload: T;
  objectIds: readonly string[];
  /** What the feed records, in the same transaction (`lib/changes.ts`); omit only for writes that change no record of the feed's types. */
  changes?: readonly ChangeDeclaration[];
}

/** A receipt as a mutation answers it: `testRun` when the testing stand rolled the placement back. */
export interface AnsweredReceipt extends Receipt {
  /** True when the caller is a digital object in TESTING: the placement ran in full and was rolled back, and this receipt was not kept. */
  testRun: boolean;
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
 * 5. records the declared changes in the feed (p.32) and enqueues their webhook fan-out,
 *    last, in the same transaction;
 * 6. for a digital object in TESTING (the testing stand, p.17), rolls all of it back and
 *    answers as if recorded, with `testRun: true` (on the payload and its receipt);
 * 7. maps a unique violation to CONFLICT;
 * 8. after commit, gives the request fresh loaders so the payload reads what was written.
 */
export async function placeWrite<T extends object>(
  context: SubgraphContext,
  info: Pick<GraphQLResolveInfo, 'path'>,
  write: Write<T>,
): Promise<T & { receipt: AnsweredReceipt; testRun: boolean }> {
  return inTransaction(context, info, write, async (tx, outcome) => {
    const receipt = await receiptFor(tx, context, write.operation, [...outcome.objectIds]);
    await recordChanges(tx, receipt.id, outcome.changes ?? []);
    const testRun = isTestingStand(context.caller);
    return { ...outcome.payload, receipt: { ...receipt, testRun }, testRun };
  });
}

/** The same path for changes that place no information and take no receipt (issuing or revoking a token). */
export async function runWrite<T extends object>(
  context: SubgraphContext,
  info: Pick<GraphQLResolveInfo, 'path'>,
  write: Write<T>,
): Promise<T> {
  return inTransaction(context, info, write, async (tx, outcome) => {
    await recordChanges(tx, null, outcome.changes ?? []);
    return outcome.payload;
  });
}

/**
 * The write path of the few mutations anyone may call, signed in or not (EDS sign-in:
 * `requestSignInChallenge`, `signInWithSignature`), whose rule answers `true`. Such a
 * write rests on nothing the caller holds, so there is nothing to re-check: it runs in one
 * transaction, records what it declares in the feed and refreshes the loaders, and takes
 * no receipt (it places no information of p.30). The default paths above still refuse a
 * write whose rule relied on nothing; this one is chosen by name, in the resolver, only
 * for a mutation that proves what it needs inside `run` (a signature, a nonce).
 */
export async function runPublicWrite<T extends object>(
  context: SubgraphContext,
  write: Omit<Write<T>, 'run'> & { run(tx: Transaction): Promise<WriteOutcome<T>> },
): Promise<T> {
  try {
    const answer = await context.db.transaction(async (tx) => {
      const outcome = await write.run(tx);
      await recordChanges(tx, null, outcome.changes ?? []);
      return outcome.payload;
    });
    context.refreshLoaders();
    return answer;
  } catch (error) {
    throw asConflict(error, write.conflicts) ?? error;
  }
}

/**
 * Whether the caller's writes run on the testing stand (p.17): a digital object still in
 * TESTING. Its transactions run in full (re-check, validation, writes, receipt, feed) and
 * are rolled back; only LIVE objects (and persons) write for real.
 */
export function isTestingStand(caller: Caller): boolean {
  return caller.kind === 'machine' && caller.digitalObjectStatus !== 'LIVE';
}

/** Carries a testing-stand answer out of its transaction, which the throw rolls back. */
class TestingStandRollback<R> extends Error {
  constructor(readonly answer: R) {
    super('The testing stand rolls this write back.');
  }
}

/**
 * Runs `work` in one transaction; for a caller on the testing stand the transaction is
 * rolled back after `work` finished, and its answer returned all the same.
 */
export async function transactionOf<R>(
  context: SubgraphContext,
  work: (tx: Transaction) => Promise<R>,
): Promise<{ answer: R; kept: boolean }> {
  const testing = isTestingStand(context.caller);
  try {
    const answer = await context.db.transaction(async (tx) => {
      const result = await work(tx);
      if (testing) throw new TestingStandRollback(result);
      return result;
    });
    return { answer, kept: true };
  } catch (error) {
    if (error instanceof TestingStandRollback) return { answer: error.answer as R, kept: false };
    throw error;
  }
}

async function inTransaction<T extends object, R>(
  context: SubgraphContext,
  info: Pick<GraphQLResolveInfo, 'path'>,
  write: Write<T>,
  finish: (tx: Transaction, outcome: WriteOutcome<T>) => Promise<R>,
): Promise<R> {
  const reliances = reliancesFor(context.reliances, info);
  try {
    const { answer, kept } = await transactionOf(context, async (tx) => {
      const grantsInForce = await recheckReliances(tx, context.caller, reliances);
      return finish(tx, await write.run(tx, { grantsInForce }));
    });
    if (kept) context.refreshLoaders();
    return answer;
  } catch (error) {
    throw asConflict(error, write.conflicts) ?? error;
  }
}

/** CONFLICT for a unique violation (named by `conflicts`, or a generic sentence), otherwise null. */
export function asConflict(error: unknown, conflicts: ConflictMessages = {}) {
  const violation = uniqueViolation(error);
  if (!violation) return null;
  const known = violation.constraint ? conflicts[violation.constraint] : undefined;
  return known
    ? conflict(known.message, known.field)
    : conflict('A record with the same identifying values already exists; nothing was written.');
}
