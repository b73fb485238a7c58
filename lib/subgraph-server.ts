import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { applyMiddlewareToDeclaredResolvers } from 'graphql-middleware';
import type { IRules } from 'graphql-shield';
import type { Caller } from './auth/caller.js';
import { CALLER_HEADER, verifyCaller } from './auth/signed-caller.js';
import { guard } from './auth/shield.js';
import type { Database } from './db.js';
import { formatError, unauthenticated } from './errors.js';
import { serveApollo, type RunningServer } from './http-server.js';

import type { SubgraphName } from './subgraph-names.js';
export type { SubgraphName } from './subgraph-names.js';

/** The per-request context every subgraph's resolvers receive. */
export interface SubgraphContext<TLoaders = unknown> {
  caller: Caller;
  db: Database;
  loaders: TLoaders;
  /** When the request reached the subgraph: the "received" time of receipts (p.30). */
  receivedAt: Date;
}

/** Everything that makes a subgraph, with no side effects: built into a schema by `buildSubgraph`. */
export interface SubgraphDefinition<TLoaders = unknown> {
  name: SubgraphName;
  typeDefs: DocumentNode;
  // Resolver maps are heterogeneous by nature; each subgraph types its own resolvers.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resolvers: GraphQLResolverMap<any>;
  /** graphql-shield rule tree; anything not named is denied. */
  permissions: IRules;
  /** Fresh DataLoaders for one request. */
  createLoaders(db: Database, caller: Caller): TLoaders;
  /** Work the subgraph's process runs beside requests (the outbox's delivery); returns its stop. */
  startBackgroundWork?(db: Database): (() => Promise<void>) | null;
}

export function loadSchemaFile(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}

/**
 * Guards only the declared resolvers (root fields, `_entities`, and the personal-data
 * fields that carry an explicit resolver for this reason): wrapping every field costs
 * ×7 on a 1,000-row list. `test/permissions-coverage.test.ts` proves nothing guarded
 * lacks a declared resolver.
 */
export function buildSubgraph(definition: SubgraphDefinition): GraphQLSchema {
  const schema = buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers }]);
  return applyMiddlewareToDeclaredResolvers(schema, guard(definition.permissions));
}

export interface StartSubgraphOptions {
  db: Database;
  /** Shared with the gateway; requests without its signature are refused. */
  gatewaySecret: string;
  host: string;
  port: number;
  inlineTraces?: boolean;
}

export interface RunningSubgraph extends RunningServer {
  name: SubgraphName;
}

export async function startSubgraph(definition: SubgraphDefinition, options: StartSubgraphOptions): Promise<RunningSubgraph> {
  const apollo = new ApolloServer<SubgraphContext>({
    schema: buildSubgraph(definition),
    // Subgraphs only answer the gateway; nobody browses them.
    introspection: false,
    formatError: (formatted, error) => formatError(formatted, error),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      options.inlineTraces ? ApolloServerPluginInlineTrace() : ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await apollo.start();
  const running = await serveApollo(apollo, {
    host: options.host,
    port: options.port,
    context: async (request: IncomingMessage) => {
      const header = request.headers[CALLER_HEADER];
      const caller = verifyCaller(Array.isArray(header) ? header[0] : header, options.gatewaySecret);
      if (!caller) throw unauthenticated('This service accepts requests only from the gateway.');
      return { caller, db: options.db, loaders: definition.createLoaders(options.db, caller), receivedAt: new Date() };
    },
  });
  const stopBackgroundWork = definition.startBackgroundWork?.(options.db) ?? null;
  return {
    ...running,
    name: definition.name,
    close: async () => {
      await stopBackgroundWork?.();
      await running.close();
      await apollo.stop();
    },
  };
}
