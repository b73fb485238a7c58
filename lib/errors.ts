import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { log as logger } from './log.js';

/** Unexpected errors go to the structured log (with the request id of the request they belong to). */
const logError = (line: string): void => logger.error(line);

/**
 * The codes a client can branch on. Input problems name the offending field in
 * `extensions.field` (a dotted path into the mutation's input).
 */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  /** A dependency (the database) is unreachable: nothing was decided or written; retry later. */
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  Internal: 'INTERNAL_SERVER_ERROR',
  /** The request asks for more than the gateway's limits allow (README, "Limits and quotas"); change it, do not retry it as it is. */
  DepthLimitExceeded: 'DEPTH_LIMIT_EXCEEDED',
  AliasLimitExceeded: 'ALIAS_LIMIT_EXCEEDED',
  TokenLimitExceeded: 'TOKEN_LIMIT_EXCEEDED',
  DirectiveLimitExceeded: 'DIRECTIVE_LIMIT_EXCEEDED',
  CostLimitExceeded: 'COST_LIMIT_EXCEEDED',
  ResponseTooLarge: 'RESPONSE_TOO_LARGE',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** The request took longer than the gateway allows; what it changed, if anything, is committed or not as the write path decided. */
  RequestTimeout: 'REQUEST_TIMEOUT',
  /** The caller's quota is spent for now: retry after `Retry-After` seconds. */
  RateLimited: 'RATE_LIMITED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldProblem {
  /** Dotted path of the input field, e.g. `input.heatingSupplyKind`. */
  field: string;
  message: string;
}

/** One or more input fields are wrong; nothing was written. */
export function badUserInput(problems: FieldProblem[] | FieldProblem): GraphQLError {
  const list = Array.isArray(problems) ? problems : [problems];
  const first = list[0] ?? { field: 'input', message: 'The input is invalid.' };
  // A bulk call may list thousands of problems: all are in `problems`, the message names the first few.
  const shown = list.slice(0, 10).map((p) => p.message);
  const more = list.length > shown.length ? ` … and ${list.length - shown.length} more in extensions.problems.` : '';
  const message = list.length === 1 ? first.message : `${list.length} input fields are invalid: ${shown.join(' ')}${more}`;
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BadUserInput, field: first.field, problems: list },
  });
}

export function unauthenticated(message = 'Sign in: this operation needs a valid token in the Authorization header.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Unauthenticated, http: { status: 401 } } });
}

/** FORBIDDEN; `reason`, when given, names the missing condition for clients to act on (`extensions.reason`). */
export function forbidden(message = 'Your access right does not allow this operation.', reason?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Forbidden, ...(reason ? { reason } : {}) } });
}

export function notFound(what: string, field?: string): GraphQLError {
  return new GraphQLError(`${what} was not found.`, { extensions: { code: ErrorCode.NotFound, ...(field ? { field } : {}) } });
}

export function conflict(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Conflict, ...(field ? { field } : {}) } });
}

export function serviceUnavailable(): GraphQLError {
  return new GraphQLError('The service is temporarily unavailable; nothing was decided or written. Retry shortly.', {
    extensions: { code: ErrorCode.ServiceUnavailable },
  });
}

/** postgres.js connection codes, and SQLSTATE classes/codes that mean the server is unreachable, shutting down or full. */
const outageCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** Whether `error` (or its cause) says the database could not be reached, rather than that a statement failed. */
export function isDatabaseOutage(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (outageCodes.has(code) || code.startsWith('08'))) return true;
    current = (current as { cause?: unknown }).cause ?? (current instanceof GraphQLError ? current.originalError : undefined);
  }
  return false;
}

const publicCodes = new Set<string>([
  ErrorCode.BadUserInput,
  ErrorCode.Unauthenticated,
  ErrorCode.Forbidden,
  ErrorCode.NotFound,
  ErrorCode.Conflict,
  ErrorCode.ServiceUnavailable,
  ErrorCode.DepthLimitExceeded,
  ErrorCode.AliasLimitExceeded,
  ErrorCode.TokenLimitExceeded,
  ErrorCode.DirectiveLimitExceeded,
  ErrorCode.CostLimitExceeded,
  ErrorCode.ResponseTooLarge,
  ErrorCode.PayloadTooLarge,
  ErrorCode.RequestTimeout,
  ErrorCode.RateLimited,
  // Apollo's own request-level codes describe the client's request, not our internals.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

interface DatabaseErrorFields {
  code?: string;
  constraint_name?: string;
  table_name?: string;
  column_name?: string;
}

/**
 * A thrown value that is not an Error. At the gateway this is usually a subgraph's error
 * object (`{ message, extensions: { code } }`), already masked by the subgraph, which
 * logged the real cause: say which code it carried rather than just "object".
 */
function describeNonError(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const { message, extensions } = value as { message?: unknown; extensions?: { code?: unknown } };
    const code = typeof extensions?.code === 'string' ? extensions.code : 'no code';
    if (typeof message === 'string') return `a subgraph error (${code}): ${message.split('\n')[0]?.slice(0, 300) ?? ''}`;
    return `a thrown object that is not an Error (${code})`;
  }
  // A thrown string or number may carry values: name its type only.
  return `a thrown ${typeof value} that is not an Error`;
}

/**
 * What an unexpected error may put in the log. Database errors carry the statement's
 * parameters (drizzle: "params: …") and values in their messages (IINs among them), so
 * of those only the SQLSTATE and the names of the table, column and constraint are kept.
 */
export function describeForLog(error: unknown): string {
  if (!(error instanceof Error)) return describeNonError(error);
  const database = (error.cause ?? error) as DatabaseErrorFields & Error;
  if (typeof database.code === 'string' && /^[0-9A-Z]{5}$/.test(database.code)) {
    const names = [database.table_name, database.column_name, database.constraint_name].filter(Boolean).join(', ');
    return `${error.name}: database error ${database.code}${names ? ` (${names})` : ''}`;
  }
  // drizzle's query errors (name "Error") carry the statement and its parameters in the message.
  if (('query' in error && 'params' in error) || error.name === 'DrizzleQueryError') {
    const cause = error.cause instanceof Error ? error.cause : null;
    const code = cause && typeof (cause as DatabaseErrorFields).code === 'string' ? ` ${(cause as DatabaseErrorFields).code}` : '';
    return `DrizzleQueryError: a query failed${code}${cause ? ` (${cause.name})` : ''}`;
  }
  return `${error.name}: ${error.message.split('\n')[0]?.slice(0, 300) ?? ''}`;
}

/**
 * Masks anything we did not raise on purpose: database messages carry values
 * (personal data among them) and internals, so callers get a generic message and
 * the operator gets the full error in the log, without its variables.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (line: string) => void = logError,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && publicCodes.has(code)) {
    const { stacktrace: _omitted, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    return { ...formatted, extensions };
  }
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (isDatabaseOutage(original)) {
    log(`[unavailable] ${formatted.path ? formatted.path.join('.') + ': ' : ''}${describeForLog(original)}`);
    const { extensions } = serviceUnavailable();
    return {
      message: serviceUnavailable().message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions,
    };
  }
  log(`[error] ${formatted.path ? formatted.path.join('.') + ': ' : ''}${describeForLog(original)}`);
  return {
    message: 'An internal error occurred; it has been logged.',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.Internal },
  };
}

/**
 * The unique index a database error violated (PostgreSQL 23505, found through drizzle's
 * `cause` chain), or null for any other error: a placement that lost a race to a
 * concurrent one then gets the same input error as the pre-check would have given.
 */
export function uniqueViolation(error: unknown): { constraint: string | undefined } | null {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const database = current as DatabaseErrorFields & { cause?: unknown };
    if (database.code === '23505') return { constraint: database.constraint_name };
    current = database.cause;
  }
  return null;
}
