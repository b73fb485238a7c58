import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

/**
 * One error per field path instead of one per list item: errors with the same code and
 * message whose paths differ only in list indices (the same personal-data field refused on
 * every row of a page) become the first of them, with `extensions.count` saying how many
 * it stands for. The first keeps its real path; the nulls of the other rows stay in `data`.
 * Counts already present (a subgraph collapsed before the gateway) add up.
 */
export function collapseRepeatedErrors(errors: readonly GraphQLFormattedError[]): GraphQLFormattedError[] {
  const groups = new Map<string, { error: GraphQLFormattedError; count: number }>();
  const kept: Array<{ error: GraphQLFormattedError; count: number }> = [];
  for (const error of errors) {
    const count = typeof error.extensions?.count === 'number' ? error.extensions.count : 1;
    if (!error.path?.some((segment) => typeof segment === 'number')) {
      kept.push({ error, count });
      continue;
    }
    const key = JSON.stringify([
      error.extensions?.code ?? null,
      error.message,
      error.path.map((segment) => (typeof segment === 'number' ? '*' : segment)),
    ]);
    const group = groups.get(key);
    if (group) group.count += count;
    else {
      const entry = { error, count };
      groups.set(key, entry);
      kept.push(entry);
    }
  }
  if (kept.length === errors.length) return [...errors];
  return kept.map(({ error, count }) => (count > 1 ? { ...error, extensions: { ...error.extensions, count } } : error));
}

/** Applies `collapseRepeatedErrors` to every single-result response of a server. */
export function repeatedErrorsPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { errors } = response.body.singleResult;
          if (errors && errors.length > 1) response.body.singleResult.errors = collapseRepeatedErrors(errors);
        },
      };
    },
  };
}
