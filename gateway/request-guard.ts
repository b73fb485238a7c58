import { type ApolloServerPlugin, type BaseContext, type GraphQLRequestContext, HeaderMap } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError, Kind } from 'graphql';
import { badUserInput, ErrorCode } from '../lib/errors.js';
import { inputValueProblems } from '../lib/input-values.js';
import { collapseRepeatedErrors } from '../lib/repeated-errors.js';
import { RETRY_AFTER_SECONDS } from './caller-client.js';
import { operationCost } from './cost.js';
import { type GatewayLimits, limitExceeded } from './limits.js';
import { type CallerClass, type QuotaKey, type QuotaState, type Quotas, quotaHeaders } from './quotas.js';

/** A request the gateway refused or could not serve, for whoever counts them (metrics). */
export interface Refusal {
  /** The `extensions.code` answered. */
  code: string;
  status: number;
  callerClass?: CallerClass;
}

export type RefusalListener = (refusal: Refusal) => void;

/** What the guard keeps for one request, in the gateway's context. */
export interface RequestGuard {
  /** Epoch milliseconds after which no further subgraph fetch is started. */
  deadline: number;
  /** Bytes the subgraphs answered this request with so far, and whether that went past the limit. */
  response: { bytes: number; limit: number; exceeded: boolean };
  /** The caller's budget, when quotas are on. */
  quota?: { key: QuotaKey; state: QuotaState };
  /** The operation's estimated cost, once known. */
  cost?: number;
}

export interface GuardedContext extends BaseContext {
  guard: RequestGuard;
}

export interface RequestGuardOptions {
  limits: GatewayLimits;
  quotas: Quotas | null;
  onRefusal: RefusalListener;
}

/** The refusal of a spent budget: 429 with `Retry-After` and the `RateLimit-*` headers. */
export function rateLimited(state: QuotaState): GraphQLError {
  const error = new GraphQLError(
    `This caller's budget of ${state.limit} cost points per ${state.windowSeconds} s is spent; retry after ${state.resetSeconds} s, or ask for less at once.`,
    { extensions: { code: ErrorCode.RateLimited, retryAfterSeconds: state.resetSeconds } },
  );
  // Apollo Server takes the status and headers from here (a HeaderMap) and leaves them out of the body.
  (error.extensions as Record<string, unknown>).http = { status: 429, headers: new HeaderMap(quotaHeaders(state)) };
  return error;
}

/** Why the document's operation could not be chosen, as the client should hear it. */
function operationNotFound(context: GraphQLRequestContext<BaseContext>): GraphQLError {
  const name = context.request.operationName;
  const operations = context.document?.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION) ?? [];
  const message =
    name === ''
      ? 'operationName is empty: name one of the document’s operations, or leave operationName out when the document holds only one.'
      : typeof name === 'string'
        ? `The document has no operation named "${name.slice(0, 100)}"; operationName must name one of its operations.`
        : operations.length > 1
          ? `The document holds ${operations.length} operations: say which one to run in operationName.`
          : 'The document holds no operation to run.';
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
}

/** True when the answer carries nothing to use: no data, or only null root fields. */
function carriesNoData(data: Record<string, unknown> | null | undefined): boolean {
  return !data || Object.values(data).every((value) => value === null);
}

/**
 * The gateway's per-request checks and answers, in the order they apply:
 *
 * 1. after the operation is chosen (parsing and the validation limits already passed):
 *    no operation → 400 OPERATION_RESOLUTION_FAILURE; cost above the limit → 400
 *    COST_LIMIT_EXCEEDED; text or dates that cannot be stored → 400 BAD_USER_INPUT;
 *    the caller's budget charged with the cost → 429 RATE_LIMITED when spent. Nothing has
 *    reached a subgraph yet.
 * 2. before the answer leaves: subgraph answers past the response limit → the data is
 *    dropped, 400 RESPONSE_TOO_LARGE; repeated errors of list items → one per field path
 *    with a count; every error SERVICE_UNAVAILABLE and no data → 503 with Retry-After; the
 *    budget's `RateLimit-*` headers; every refusal reported to `onRefusal`.
 */
export function requestGuardPlugin<TContext extends GuardedContext>(options: RequestGuardOptions): ApolloServerPlugin<TContext> {
  const { limits, quotas, onRefusal } = options;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(context) {
          const { schema, document, operation, request, contextValue } = context;
          if (!operation) throw operationNotFound(context as unknown as GraphQLRequestContext<BaseContext>);
          const cost = operationCost(schema, document, operation, request.variables, { listSize: limits.costListSize });
          contextValue.guard.cost = cost;
          if (cost > limits.maxCost) {
            throw limitExceeded(
              ErrorCode.CostLimitExceeded,
              `The operation would cost about ${Math.round(cost).toLocaleString('en')} points; at most ${limits.maxCost.toLocaleString('en')} are allowed. Ask for smaller pages (first) or fewer nested lists, or split it into several requests.`,
              { limit: limits.maxCost, cost: Math.round(Math.min(cost, Number.MAX_SAFE_INTEGER)) },
            );
          }
          const problems = inputValueProblems(schema, document, operation, request.variables);
          if (problems.length > 0) {
            const error = badUserInput(problems);
            error.extensions.http = { status: 400 };
            throw error;
          }
          const quota = contextValue.guard.quota;
          if (quotas && quota) {
            // One point was charged when the request arrived; no request costs more than a whole budget.
            quota.state = await quotas.charge(quota.key, Math.min(cost, quota.state.limit) - 1);
            if (!quota.state.allowed) throw rateLimited(quota.state);
          }
        },

        async willSendResponse({ response, contextValue }) {
          const guard = contextValue.guard;
          const body = response.body;
          if (body.kind === 'single') {
            const result = body.singleResult;
            if (guard.response.exceeded) {
              body.singleResult = {
                errors: [
                  {
                    message: `The answer would be larger than ${guard.response.limit} bytes, the most allowed, and was dropped. Ask for smaller pages (first) or fewer fields.`,
                    extensions: { code: ErrorCode.ResponseTooLarge, limit: guard.response.limit },
                  },
                ],
              };
              response.http.status = 400;
            } else if (result.errors && result.errors.length > 0) {
              if (result.errors.length > 1) result.errors = collapseRepeatedErrors(result.errors);
              if (result.errors.every((error) => error.extensions?.code === ErrorCode.ServiceUnavailable) && carriesNoData(result.data)) {
                response.http.status = 503;
                response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
              }
            }
          }
          if (guard.quota) for (const [name, value] of quotaHeaders(guard.quota.state)) response.http.headers.set(name, value);
          const status = response.http.status ?? 200;
          const first: GraphQLFormattedError | undefined = body.kind === 'single' ? body.singleResult.errors?.[0] : undefined;
          if (status >= 400 && typeof first?.extensions?.code === 'string') {
            onRefusal({ code: first.extensions.code, status, ...(guard.quota ? { callerClass: guard.quota.key.callerClass } : {}) });
          }
        },
      };
    },
  };
}
