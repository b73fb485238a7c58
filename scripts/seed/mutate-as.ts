import type { GraphQLResolveInfo } from 'graphql';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database, Executor } from '../../lib/db.js';
import { forbidden } from '../../lib/errors.js';
import { createSubgraphContext } from '../../lib/subgraph-context.js';
import { ruleOf, type SubgraphDefinition } from '../../lib/subgraph-schema.js';

type Resolver = (parent: unknown, args: Record<string, unknown>, context: unknown, info: GraphQLResolveInfo) => unknown;

/**
 * Runs one mutation of a subgraph in this process as `caller`, the way a request through
 * the gateway runs it, minus the GraphQL document: the field's rule first (its refusal is
 * thrown, its reliance recorded), then its resolver, which places the change through the
 * write path (re-check of that reliance, the manager's change, the receipt). Data placed
 * this way obeys the same rules as data placed through the API: the demo seeder builds its
 * world with it, and the tests their fixtures.
 *
 * `args` are the mutation's arguments as resolvers receive them (custom scalars parsed:
 * `DateTime` as a `Date`). `receivedAt` is the request's arrival, which the access
 * subgraph also takes as the instant of the change. `caller` needs a token in force
 * (the write path re-checks it); `db` may be a transaction, whose savepoints then hold
 * each write. Returns the resolver's payload: the rows the manager returned.
 */
export async function mutateAs<T>(
  definition: SubgraphDefinition,
  db: Executor,
  caller: Caller,
  field: string,
  args: Record<string, unknown>,
  receivedAt: Date = new Date(),
): Promise<T> {
  // A transaction opens its writes as savepoints of itself: the same code runs in it.
  const context = createSubgraphContext(definition, db as Database, caller, receivedAt);
  const info = { fieldName: field, path: { prev: undefined, key: field, typename: 'Mutation' } } as unknown as GraphQLResolveInfo;
  const rule = ruleOf(definition.permissions, 'Mutation', field) as { resolve: (...args: unknown[]) => Promise<unknown> } | undefined;
  const resolve = (definition.resolvers.Mutation as Record<string, Resolver> | undefined)?.[field];
  if (!rule || !resolve) throw new Error(`The ${definition.name} subgraph has no mutation ${field} with a rule.`);
  const verdict = await rule.resolve(undefined, args, context, info, { debug: false });
  if (verdict !== true) throw verdict instanceof Error ? verdict : forbidden();
  return (await resolve(undefined, args, context, info)) as T;
}
