import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Caller } from '../lib/auth/caller.js';
import { CALLER_HEADER, signCaller } from '../lib/auth/signed-caller.js';
import type { Database } from '../lib/db.js';
import { depthLimit } from '../lib/depth-limit.js';
import { formatError } from '../lib/errors.js';
import { serveApollo, type RunningServer } from '../lib/http-server.js';
import type { SubgraphName } from '../lib/subgraph-server.js';
import { authenticate } from './authenticate.js';
import { composeSupergraph } from './compose.js';
import { ideAssets, ideHtml } from './ide.js';

export interface GatewayContext extends BaseContext {
  caller: Caller;
}

/** Sends each subgraph request with the caller signed by the gateway, and nothing the client sent. */
class SignedCallerDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, private readonly secret: string) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Context is empty for the gateway's own requests (none with a static supergraph).
    const caller: Caller = 'caller' in context && context.caller ? context.caller : { kind: 'anonymous' };
    request.http?.headers.set(CALLER_HEADER, signCaller(caller, this.secret));
  }

  /**
   * A subgraph answers 400 when a variable fails its custom scalar (a `Date` that is no
   * calendar day): pass that input error through with its code instead of a bare
   * "400: Bad Request", which the client could not act on.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    if (response.status === 400) {
      const body = (await this.parseBody(response.clone())) as { errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }> } | null;
      const first = body && typeof body === 'object' ? body.errors?.[0] : undefined;
      if (first && typeof first.message === 'string' && first.extensions?.code === 'BAD_USER_INPUT') {
        return new GraphQLError(first.message, { extensions: { code: 'BAD_USER_INPUT', ...(typeof first.extensions.field === 'string' ? { field: first.extensions.field } : {}) } });
      }
    }
    return super.errorFromResponse(response);
  }
}

export interface StartGatewayOptions {
  db: Database;
  gatewaySecret: string;
  subgraphUrls: Record<SubgraphName, string>;
  host: string;
  port: number;
  /** Introspection and the offline GraphiQL page. */
  ide: boolean;
  /** Deepest field nesting an operation may have. */
  maxDepth?: number;
  /** Browser origins allowed to call (CORS); `['*']` for any. */
  corsOrigins?: string[];
}

export async function startGateway(options: StartGatewayOptions): Promise<RunningServer> {
  // @apollo/gateway otherwise probes cloud metadata addresses and exports usage metrics
  // to Apollo's servers: a state system must not call out, and these networks are closed.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  // Composition errors surface here, before anything listens.
  const supergraphSdl = composeSupergraph(options.subgraphUrls);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ url }) => new SignedCallerDataSource(url as string, options.gatewaySecret),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.ide,
    // Automatic persisted queries are a cache, not a safelist; we do not need them.
    persistedQueries: false,
    validationRules: [depthLimit(options.maxDepth ?? 15)],
    formatError: (formatted, error) => formatError(formatted, error),
    plugins: [
      options.ide
        ? {
            async serverWillStart() {
              return { async renderLandingPage() { return { html: ideHtml }; } };
            },
          }
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();
  const running = await serveApollo(apollo, {
    host: options.host,
    port: options.port,
    assets: options.ide ? ideAssets() : {},
    corsOrigins: options.corsOrigins ?? [],
    context: async (request: IncomingMessage) => ({ caller: await authenticate(request.headers, options.db) }),
  });
  return {
    ...running,
    url: `${running.url}graphql`,
    close: async () => {
      await running.close();
      await apollo.stop();
    },
  };
}
