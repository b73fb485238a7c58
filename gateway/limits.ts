import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type GraphQLFormattedError, type ValidationContext, type ValidationRule } from 'graphql';
import { type Env, parseEnv } from '../lib/env.js';
import { ErrorCode } from '../lib/errors.js';

/** What one request may ask of the gateway (README, "Limits and quotas"). */
export interface GatewayLimits {
  /** Deepest nesting of fields (fragments add no level). */
  maxDepth: number;
  /** Aliased fields, counted at every place a fragment is spread (`__typename` is free). */
  maxAliases: number;
  /** Lexical tokens of the document; parsing stops at the first one past it. */
  maxTokens: number;
  /** Directives, counted like aliases. */
  maxDirectives: number;
  /** Estimated cost (gateway/cost.ts): fields times list sizes, plus input list items. */
  maxCost: number;
  /** The size a list without `first` is assumed to have in the cost. */
  costListSize: number;
  /** Bytes the subgraphs may answer one request with, all fetches together. */
  maxResponseBytes: number;
  /** Bytes of the request body. */
  maxBodyBytes: number;
  /** Milliseconds one request may run. */
  requestTimeoutMs: number;
}

/** The limits when nothing is configured: the environment's defaults (lib/env.ts), declared once there. */
export const defaultLimits: GatewayLimits = limitsFromEnv(parseEnv({}));

export function limitsFromEnv(config: Env): GatewayLimits {
  return {
    maxDepth: config.GATEWAY_MAX_DEPTH,
    maxAliases: config.GATEWAY_MAX_ALIASES,
    maxTokens: config.GATEWAY_MAX_TOKENS,
    maxDirectives: config.GATEWAY_MAX_DIRECTIVES,
    maxCost: config.GATEWAY_MAX_COST,
    costListSize: config.GATEWAY_COST_LIST_SIZE,
    maxResponseBytes: config.GATEWAY_MAX_RESPONSE_BYTES,
    maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
    requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
  };
}

/** A refusal for a limit: its own code, the limit in `extensions.limit`, HTTP 400 unless said otherwise. */
export function limitExceeded(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status } } });
}

/** graphql-armor reports "… limit of N exceeded, found M."; the count it found, when it says so. */
function foundIn(error: GraphQLError): number | undefined {
  const match = /found (\d+)/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

type ArmorRule = (options: {
  n: number;
  exposeLimits: boolean;
  propagateOnRejection: boolean;
  onReject: Array<(context: ValidationContext | null, error: GraphQLError) => void>;
}) => unknown;

/** "28" when armor said how many it found, else "more than 15". */
const amount = (found: number | undefined, limit: number) => (found === undefined ? `more than ${limit}` : String(found));

/** An armor rule that reports, instead of throwing, a refusal with our code and message. */
function armored(
  rule: ArmorRule,
  limit: number,
  code: ErrorCode,
  describe: (limit: number, found: number | undefined) => string,
  extra: Record<string, unknown> = {},
): ValidationRule {
  return rule({
    ...extra,
    n: limit,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context, error) => {
        const found = foundIn(error);
        context?.reportError(
          new GraphQLError(describe(limit, found), { extensions: { code, limit, ...(found === undefined ? {} : { found }) } }),
        );
      },
    ],
  }) as ValidationRule;
}

/**
 * The document's static limits as validation rules (graphql-armor's, each linear in the
 * size of the document: a fragment is measured once, whatever the number of its spreads).
 */
export function limitValidationRules(limits: GatewayLimits): ValidationRule[] {
  return [
    armored(
      maxDepthRule as unknown as ArmorRule,
      limits.maxDepth,
      ErrorCode.DepthLimitExceeded,
      (limit, found) =>
        `The operation nests fields ${amount(found, limit)} levels deep; at most ${limit} are allowed. Split it into several requests.`,
      // Depth counts fields only; the introspection query's own nesting is bounded by the schema.
      { flattenFragments: true, ignoreIntrospection: true },
    ),
    armored(
      maxAliasesRule as unknown as ArmorRule,
      limits.maxAliases,
      ErrorCode.AliasLimitExceeded,
      (limit, found) =>
        `The operation uses ${amount(found, limit)} aliases; at most ${limit} are allowed. Ask for fewer things at once, or in several requests.`,
    ),
    armored(
      maxDirectivesRule as unknown as ArmorRule,
      limits.maxDirectives,
      ErrorCode.DirectiveLimitExceeded,
      (limit, found) => `The operation uses ${amount(found, limit)} directives; at most ${limit} are allowed.`,
    ),
  ];
}

const limitCodes = new Set<string>([ErrorCode.DepthLimitExceeded, ErrorCode.AliasLimitExceeded, ErrorCode.DirectiveLimitExceeded]);

/** graphql-js' parser, given `maxTokens`, stops with this syntax error. */
const tokenLimitMessage = /^Syntax Error: Document contains more tha[nt] \d+ tokens\. Parsing aborted\.$/;

/** " Did you mean …?" in graphql-js' messages: names of fields, types, arguments or enum values the caller did not ask for. */
const suggestion = / ?Did you mean [^?]*\?/g;
const hasSuggestion = / ?Did you mean [^?]*\?/;

export interface LimitFormatOptions {
  limits: GatewayLimits;
  /** Drop "Did you mean …?" from every message: the schema is not to be guessed at while introspection is off. */
  hideSuggestions: boolean;
}

/**
 * Gives each limit's refusal its own code where Apollo Server filed it under a generic one
 * (GRAPHQL_VALIDATION_FAILED for a validation rule, GRAPHQL_PARSE_FAILED for the token
 * limit), and hides field suggestions; the result then goes through `formatError`.
 */
export function formatLimitError(formatted: GraphQLFormattedError, error: unknown, options: LimitFormatOptions): GraphQLFormattedError {
  let result = formatted;
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  const code = formatted.extensions?.code;
  if (code === 'GRAPHQL_VALIDATION_FAILED' && original instanceof GraphQLError && limitCodes.has(String(original.extensions.code))) {
    result = { ...formatted, extensions: { ...formatted.extensions, ...original.extensions } };
  } else if (code === 'GRAPHQL_PARSE_FAILED' && tokenLimitMessage.test(formatted.message)) {
    result = {
      message: `The document has more than ${options.limits.maxTokens} tokens, the most allowed; it was not read further. Send large inputs as variables, and ask for less at once.`,
      extensions: { code: ErrorCode.TokenLimitExceeded, limit: options.limits.maxTokens },
    };
  }
  if (options.hideSuggestions && hasSuggestion.test(result.message))
    result = { ...result, message: result.message.replace(suggestion, '') };
  return result;
}
