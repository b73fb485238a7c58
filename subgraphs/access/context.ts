import type { Caller } from '../../lib/auth/caller.js';
import type { SubgraphContext } from '../../lib/subgraph-context.js';
import type { Write, WriteScope } from '../../lib/write.js';
import type { AccessLoaders } from './loaders.js';

/** The per-request context of the access subgraph's rules and resolvers. */
export type Context = SubgraphContext<AccessLoaders>;

/**
 * Who places a change and when, as the managers see it inside the write path: the caller,
 * the ids of the caller's grants the write path re-checked and locked for this very change
 * (what the field's rule relied on), and the instant of the change, which is the request's
 * arrival: histories, periods and receipts of one request share it, and tests and the
 * seeder move time by setting it.
 */
export interface Acting {
  caller: Exclude<Caller, { kind: 'anonymous' }>;
  grantsInForce: readonly string[];
  at: Date;
}

/** What a manager's change returns to the write path: the payload, and the ids of what it created or changed (the receipt's). */
export type Placed<T> = Awaited<ReturnType<Write<T>['run']>>;

/** The `Acting` of a write: called inside `placeWrite`/`runWrite`, after the re-check. */
export function actingOf(context: Context, scope: WriteScope): Acting {
  const { caller } = context;
  // The write path refused anonymous callers before this point (UNAUTHENTICATED).
  if (caller.kind === 'anonymous') throw new Error('An anonymous caller reached a write.');
  return { caller, grantsInForce: scope.grantsInForce, at: context.receivedAt };
}

/** Whether the caller is staff of the Administrator (their status was re-checked when the rule relied on it). */
export function isAdministratorCaller(caller: Caller): boolean {
  return caller.kind === 'person' && caller.isAdministrator;
}
