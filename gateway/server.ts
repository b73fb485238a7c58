import type { IncomingMessage } from 'node:http';
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { env } from '../lib/env.js';
import { ErrorCode, formatError, serviceUnavailable } from '../lib/errors.js';
import { type RunningServer, serveApollo } from '../lib/http-server.js';
import { currentRequestScope, REQUEST_ID_HEADER } from '../lib/log.js';
import { gatewayRefusals, metricsPlugin } from '../lib/metrics.js';
import { reachableCheck } from '../lib/readiness.js';
import type { SubgraphName } from '../lib/subgraph-server.js';
import { injectTraceContext } from '../lib/tracing.js';
import { type CallerClient, callerClient, type ResolvedCaller } from './caller-client.js';
import { composeSupergraph } from './compose.js';
import { ideAssets, ideHtml } from './ide.js';
import { formatLimitError, type GatewayLimits, limitExceeded, limitsFromEnv, limitValidationRules } from './limits.js';
import { openDataCsvRoute } from './open-data-route.js';
import { clientAddress, type QuotaKey, type QuotaOptions, Quotas } from './quotas.js';
import { type RefusalListener, type RequestGuard, rateLimited, requestGuardPlugin } from './request-guard.js';
import { REQUEST_KEY_HEADER, signingFetcher } from './request-signing.js';

export interface GatewayContext extends BaseContext {
  /** The client's Authorization header, kept to resolve again should a long plan outlive the signature. */
  authorization: string | undefined;
  /** The signed caller headers the access service issued for this request. */
  caller: ResolvedCaller;
  /** This request's deadline, response budget, cost and quota (gateway/request-guard.ts). */
  guard: RequestGuard;
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
    // Signs the exact bytes RemoteGraphQLDataSource serializes (gateway/request-signing.ts).
    this.fetcher = signingFetcher(this.fetcher);
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // The client's request id and trace context travel on to the subgraph (lib/log.ts, lib/tracing.ts).
    const requestId = currentRequestScope()?.requestId;
    if (requestId) request.http?.headers.set(REQUEST_ID_HEADER, requestId);
    injectTraceContext((key, value) => request.http?.headers.set(key, value));
    // Context is empty for the gateway's own requests (none with a static supergraph).
    if (!('caller' in context) || !context.caller) return;
    // Past its deadline the request has been answered 504: start nothing more for it.
    if (Date.now() > context.guard.deadline) {
      throw limitExceeded(ErrorCode.RequestTimeout, 'The request ran out of time before this part of it was fetched.', {}, 504);
    }
    if (context.caller.expiresAt - Date.now() < RENEW_BEFORE_EXPIRY_MS) context.caller = await this.callers.resolve(context.authorization);
    const value = context.caller.subgraphs[this.subgraph];
    if (value !== undefined) request.http?.headers.set(context.caller.header, value);
    const key = context.caller.requestKeys[this.subgraph];
    if (key !== undefined) request.http?.headers.set(REQUEST_KEY_HEADER, key);
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
          extensions: {
            code: 'BAD_USER_INPUT',
            ...(typeof first.extensions.field === 'string' ? { field: first.extensions.field } : {}),
            ...(Array.isArray(first.extensions.problems) ? { problems: first.extensions.problems } : {}),
          },
        });
      }
      // A literal the subgraph's own scalar refused, past a router that does not check it.
      if (first && typeof first.message === 'string' && first.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') {
        return new GraphQLError(first.message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      }
    }
    // A subgraph shutting down, or out of its database: nothing was done, retry shortly.
    if (response.status === 503) return serviceUnavailable();
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

  /**
   * Reads a subgraph's answer counting its bytes against the request's response budget
   * (all fetches of one client request together), and stops reading as soon as it is
   * spent: the gateway never holds an answer much larger than the limit.
   */
  override async parseBody(
    response: Parameters<RemoteGraphQLDataSource['parseBody']>[0],
    request?: Parameters<RemoteGraphQLDataSource['parseBody']>[1],
    context?: GatewayContext,
  ): Promise<object | string> {
    const budget = context && 'guard' in context ? context.guard.response : undefined;
    const stream = (response as unknown as { body?: AsyncIterable<Uint8Array | string> & { destroy?: () => void } }).body;
    if (!budget || !stream || typeof stream[Symbol.asyncIterator] !== 'function') return super.parseBody(response, request, context);
    const declared = Number(response.headers.get('content-length') ?? 0);
    const chunks: Buffer[] = [];
    const overBudget = () => {
      budget.exceeded = true;
      stream.destroy?.();
      return limitExceeded(ErrorCode.ResponseTooLarge, `The answer would be larger than ${budget.limit} bytes, the most allowed.`, {
        limit: budget.limit,
      });
    };
    if (budget.bytes + declared > budget.limit) throw overBudget();
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      budget.bytes += bytes.length;
      if (budget.bytes > budget.limit) throw overBudget();
      chunks.push(bytes);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const type = response.headers.get('content-type') ?? '';
    return type.startsWith('application/json') || type.startsWith('application/graphql-response+json')
      ? (JSON.parse(text) as object)
      : text;
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
  /** Introspection and the offline GraphiQL page; with it off, error messages suggest no field names either. */
  ide: boolean;
  /** Browser origins allowed to call (CORS); `['*']` for any. */
  corsOrigins?: string[];
  /** Request limits; each one not given comes from the environment (GATEWAY_MAX_*, README "Limits and quotas"). */
  limits?: Partial<GatewayLimits>;
  /** Per-caller budgets; `false` for none. From the environment (GATEWAY_QUOTA_*) when not given. */
  quotas?: QuotaOptions | false;
  /** Reverse proxies in front that append to X-Forwarded-For (GATEWAY_TRUSTED_PROXIES). */
  trustedProxies?: number;
  /** Told of every refusal (limits, quotas, outages, authentication): where metrics count them. */
  onRefusal?: RefusalListener;
  /** Serve `/metrics` on this port instead of the public one (`GATEWAY_METRICS_PORT`); 0 picks a free one. */
  metricsPort?: number;
}

function quotasFromEnv(): QuotaOptions | false {
  const config = env();
  if (!config.GATEWAY_QUOTAS) return false;
  return {
    windowSeconds: config.GATEWAY_QUOTA_WINDOW_SECONDS,
    points: { anonymous: config.GATEWAY_QUOTA_ANONYMOUS, person: config.GATEWAY_QUOTA_PERSON, machine: config.GATEWAY_QUOTA_MACHINE },
  };
}

export async function startGateway(options: StartGatewayOptions): Promise<RunningServer> {
  // @apollo/gateway otherwise probes cloud metadata addresses and exports usage metrics
  // to Apollo's servers: a state system must not call out, and these networks are closed.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  // Composition errors surface here, before anything listens.
  const supergraphSdl = composeSupergraph(options.subgraphUrls);
  const callers = callerClient(options.callerUrl);
  const limits: GatewayLimits = { ...limitsFromEnv(env()), ...options.limits };
  const quotaOptions = options.quotas ?? quotasFromEnv();
  const quotas = quotaOptions ? new Quotas(quotaOptions) : null;
  const trustedProxies = options.trustedProxies ?? env().GATEWAY_TRUSTED_PROXIES;
  const onRefusal: RefusalListener = options.onRefusal ?? (({ code, status }) => gatewayRefusals.inc({ code, status: String(status) }));
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SignedCallerDataSource(name, url as string, callers),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.ide,
    // "Did you mean holderIin?" would tell what introspection does not.
    hideSchemaDetailsFromClientErrors: !options.ide,
    // Automatic persisted queries are a cache, not a safelist; we do not need them.
    persistedQueries: false,
    // graphql-js stops parsing at the first token past the limit.
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: limitValidationRules(limits),
    formatError: (formatted, error) => formatError(formatLimitError(formatted, error, { limits, hideSuggestions: !options.ide }), error),
    plugins: [
      requestGuardPlugin<GatewayContext>({ limits, quotas, onRefusal }),
      metricsPlugin<GatewayContext>('gateway'),
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
    bodyLimit: limits.maxBodyBytes,
    service: 'gateway',
    metricsPort: options.metricsPort ?? env().GATEWAY_METRICS_PORT,
    // Ready when every subgraph answers its /health and the access service's caller endpoint answers.
    ready: {
      ...Object.fromEntries(
        Object.entries(options.subgraphUrls).map(([name, url]) => [name, reachableCheck(new URL('/health', url).href)]),
      ),
      caller: reachableCheck(options.callerUrl),
    },
    requestTimeoutMs: limits.requestTimeoutMs,
    onProblem: ({ status, code }) => onRefusal({ status, code }),
    routes: { '/open-data.csv': openDataCsvRoute(apollo, (request) => contextFor(request)) },
    // One call to the access service per client request: the caller is never cached.
    context: (request: IncomingMessage) => contextFor(request),
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

  async function contextFor(request: IncomingMessage): Promise<GatewayContext> {
    const { authorization } = request.headers;
    const guard: RequestGuard = {
      deadline: Date.now() + limits.requestTimeoutMs,
      response: { bytes: 0, limit: limits.maxResponseBytes, exceeded: false },
    };
    let caller: ResolvedCaller;
    try {
      caller = await callers.resolve(authorization);
    } catch (error) {
      const code = error instanceof GraphQLError ? String(error.extensions.code) : ErrorCode.Internal;
      onRefusal({ code, status: code === ErrorCode.Unauthenticated ? 401 : 503 });
      throw error;
    }
    if (quotas) {
      // The request itself costs a point, charged before anything is parsed; its cost follows once known.
      const key: QuotaKey =
        caller.identity.kind === 'anonymous'
          ? { callerClass: 'anonymous', id: clientAddress(request, trustedProxies) }
          : { callerClass: caller.identity.kind, id: caller.identity.id };
      guard.quota = { key, state: await quotas.charge(key, 1) };
      if (!guard.quota.state.allowed) {
        onRefusal({ code: ErrorCode.RateLimited, status: 429, callerClass: key.callerClass });
        throw rateLimited(guard.quota.state);
      }
    }
    return { authorization, caller, guard };
  }
}
