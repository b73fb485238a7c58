import type { IncomingMessage } from 'node:http';
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { depthLimit } from '../lib/depth-limit.js';
import { ErrorCode, formatError } from '../lib/errors.js';
import { type RunningServer, serveApollo } from '../lib/http-server.js';
import type { SubgraphName } from '../lib/subgraph-server.js';
import { type CallerClient, callerClient, type ResolvedCaller } from './caller-client.js';
import { composeSupergraph } from './compose.js';
import { ideAssets, ideHtml } from './ide.js';

export interface GatewayContext extends BaseContext {
  /** The client's Authorization header, kept to resolve again should a long plan outlive the signature. */
  authorization: string | undefined;
  /** The signed caller headers the access service issued for this request. */
  caller: ResolvedCaller;
}

const unauthenticatedMessage = 'Sign in: this operation needs a valid token in the Authorization header.';
const forbiddenMessage = 'Your access right does not allow this operation.';

/** A resolution this close to its expiry is renewed before the next subgraph fetch. */
const RENEW_BEFORE_EXPIRY_MS = 3_000;

interface SubgraphErrorBody {
  errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }>;
}

/**
 * Sends each subgraph request with the caller header the access service signed for that
 * subgraph, and nothing the client sent.
 */
export class SignedCallerDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly callers: CallerClient,
  ) {
    super({ url });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Context is empty for the gateway's own requests (none with a static supergraph).
    if (!('caller' in context) || !context.caller) return;
    if (context.caller.expiresAt - Date.now() < RENEW_BEFORE_EXPIRY_MS) context.caller = await this.callers.resolve(context.authorization);
    const value = context.caller.subgraphs[this.subgraph];
    if (value !== undefined) request.http?.headers.set(context.caller.header, value);
  }

  /**
   * A subgraph answers 400 when a variable fails its custom scalar (a `Date` that is no
   * calendar day): pass that input error through with its code instead of a bare
   * "400: Bad Request", which the client could not act on.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    if (response.status === 400) {
      const first = await this.firstError(response);
      if (first && typeof first.message === 'string' && first.extensions?.code === 'BAD_USER_INPUT') {
        return new GraphQLError(first.message, {
          extensions: { code: 'BAD_USER_INPUT', ...(typeof first.extensions.field === 'string' ? { field: first.extensions.field } : {}) },
        });
      }
    }
    // A refusal keeps its code and the subgraph's own message; the base class would answer
    // "401: Unauthorized" with the subgraph's internal URL and raw body in `extensions.response`.
    if (response.status === 401 || response.status === 403) {
      const code = response.status === 401 ? ErrorCode.Unauthenticated : ErrorCode.Forbidden;
      const first = await this.firstError(response);
      const message =
        first?.extensions?.code === code && typeof first.message === 'string'
          ? first.message
          : code === ErrorCode.Forbidden
            ? forbiddenMessage
            : unauthenticatedMessage;
      return new GraphQLError(message, { extensions: { code } });
    }
    return super.errorFromResponse(response);
  }

  private async firstError(
    response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0],
  ): Promise<NonNullable<SubgraphErrorBody['errors']>[number] | undefined> {
    const body = (await this.parseBody(response.clone()).catch(() => null)) as SubgraphErrorBody | string | null;
    return body && typeof body === 'object' && Array.isArray(body.errors) ? body.errors[0] : undefined;
  }
}

export interface StartGatewayOptions {
  /** The access service's caller endpoint, e.g. `http://127.0.0.1:4004/caller` (`ACCESS_CALLER_URL`). */
  callerUrl: string;
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
  const callers = callerClient(options.callerUrl);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SignedCallerDataSource(name, url as string, callers),
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
              return {
                async renderLandingPage() {
                  return { html: ideHtml };
                },
              };
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
    // One call to the access service per client request: the caller is never cached.
    context: async (request: IncomingMessage) => {
      const { authorization } = request.headers;
      return { authorization, caller: await callers.resolve(authorization) };
    },
  });
  return {
    ...running,
    url: `${running.url}graphql`,
    close: async () => {
      await running.close();
      await apollo.stop();
      callers.close();
    },
  };
}
