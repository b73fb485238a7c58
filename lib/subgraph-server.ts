import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { callerSigner } from './auth/signed-caller.js';
import { subgraphRequestCaller } from './auth/subgraph-request.js';
import { watchBacklog } from './backlog-metrics.js';
import type { Database } from './db.js';
import { formatError } from './errors.js';
import { type RunningServer, serveApollo } from './http-server.js';
import { inputValuesPlugin } from './input-values.js';
import { metricsPlugin } from './metrics.js';
import { databaseCheck } from './readiness.js';
import { repeatedErrorsPlugin } from './repeated-errors.js';

import { createSubgraphContext, type SubgraphContext } from './subgraph-context.js';
import type { SubgraphName } from './subgraph-names.js';
import { buildSubgraph, type SubgraphDefinition } from './subgraph-schema.js';

export { createSubgraphContext, type SubgraphContext } from './subgraph-context.js';
export type { SubgraphName } from './subgraph-names.js';
export { buildSubgraph, loadSchemaFile, type PersonalData, type PersonalDataOf, type SubgraphDefinition } from './subgraph-schema.js';

export interface StartSubgraphOptions {
  db: Database;
  /** The database `db` connects to, for background work that opens connections of its own (the job queue). */
  databaseUrl?: string;
  /** The other subgraphs' URLs, for background work that watches them (the integration subgraph's monitor). */
  subgraphUrls?: Readonly<Partial<Record<SubgraphName, string>>>;
  /** Runs the definition's background work (default true); tests that drive the job queue themselves turn it off. */
  backgroundWork?: boolean;
  /**
   * `GATEWAY_SECRET`, shared by the subgraphs: each refuses a request whose caller header
   * is not signed with it for this subgraph; the access service signs with it at `/caller`.
   */
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
    // Subgraphs only answer the gateway; nobody browses them, nor guesses at their fields.
    introspection: false,
    hideSchemaDetailsFromClientErrors: true,
    formatError: (formatted, error) => formatError(formatted, error),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are set anywhere (responses to POSTs are not cached), and the default
      // plugin wraps every field's resolver to gather them: 4 ms of a 20-region dashboard.
      ApolloServerPluginCacheControlDisabled(),
      // Text that cannot be stored never reaches a resolver, whichever router sent it.
      inputValuesPlugin<SubgraphContext>(),
      // One refusal per field path, not one per row, already on the way to the gateway.
      repeatedErrorsPlugin<SubgraphContext>(),
      options.inlineTraces ? ApolloServerPluginInlineTrace() : ApolloServerPluginInlineTraceDisabled(),
      metricsPlugin<SubgraphContext>(definition.name),
    ],
  });
  await apollo.start();
  // The caller header for this subgraph, the request signature over the body, no replay.
  const callerOf = subgraphRequestCaller(options.gatewaySecret, definition.name);
  // The outbox and job-queue backlogs are the integration service's to report.
  if (definition.name === 'integration') watchBacklog(options.db);
  const running = await serveApollo(apollo, {
    host: options.host,
    port: options.port,
    service: definition.name,
    ready: { database: databaseCheck(options.db) },
    routes: definition.httpRoutes?.(options.db, callerSigner(options.gatewaySecret)) ?? {},
    context: async (request: IncomingMessage) => {
      const caller = callerOf(request);
      return createSubgraphContext(definition, options.db, caller);
    },
  });
  const stopBackgroundWork =
    options.backgroundWork === false
      ? null
      : (definition.startBackgroundWork?.(options.db, { databaseUrl: options.databaseUrl, subgraphUrls: options.subgraphUrls }) ?? null);
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
