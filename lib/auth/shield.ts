import type { GraphQLResolveInfo } from 'graphql';
import type { IRules } from 'graphql-shield';
import { allow, deny, shield, rule as shieldRule } from 'graphql-shield';
import { forbidden, unauthenticated } from '../errors.js';
import type { Caller, EffectiveGrant } from './caller.js';
import { type Reliance, type RelianceLog, recordReliance } from './reliance.js';

export type { IRules } from 'graphql-shield';
export { allow, and, chain, deny, or } from 'graphql-shield';

/** What every rule can read from a subgraph's context. */
export interface AuthContext {
  caller: Caller;
  /** What each field's rule relied on, for the write path's re-check (`lib/auth/reliance.ts`). */
  reliances: RelianceLog;
}

/**
 * What a rule answers: `true` (allowed, nothing to re-check: the open part or a read),
 * a reliance (allowed because of this token, administrator status or these grants, which
 * a write re-checks inside its transaction), or the error that refuses.
 */
export type Verdict = true | Reliance | Error;

type RuleFunction<TParent, TContext> = (
  parent: TParent,
  args: Record<string, unknown>,
  context: TContext,
  info: GraphQLResolveInfo,
) => Verdict | Promise<Verdict>;

export interface RuleOptions {
  /**
   * `contextual`: the verdict depends only on the caller, computed once per request.
   * `no_cache` (default): computed for every object and every call.
   */
  cache?: 'contextual' | 'no_cache';
}

/** Per request, the verdicts of contextual rules. */
const contextualVerdicts = new WeakMap<object, Map<object, Verdict | Promise<Verdict>>>();

function isReliance(value: unknown): value is Reliance {
  return typeof value === 'object' && value !== null && 'relyOn' in value;
}

/**
 * graphql-shield's `rule`, as every subgraph must use it:
 * - a thrown error is returned, not turned into FORBIDDEN (a database outage during a
 *   rule reaches `formatError` and is reported as SERVICE_UNAVAILABLE, a bug as internal);
 * - a reliance is recorded against the field's response path, so the write path re-checks
 *   exactly what this rule relied on;
 * - `contextual` verdicts are memoised per request by us, not by the shield, so the
 *   reliance is still recorded for every field that uses the rule.
 */
export function rule(options: RuleOptions = {}) {
  return <TParent = unknown, TContext extends AuthContext = AuthContext>(decide: RuleFunction<TParent, TContext>) => {
    const key = {};
    // Called directly (no extra microtask): per-row rules on large lists run on the hot path.
    const evaluate = (
      parent: TParent,
      args: Record<string, unknown>,
      context: TContext,
      info: GraphQLResolveInfo,
    ): Verdict | Promise<Verdict> => {
      if (options.cache !== 'contextual') return decide(parent, args, context, info);
      let verdicts = contextualVerdicts.get(context);
      if (!verdicts) contextualVerdicts.set(context, (verdicts = new Map()));
      let verdict = verdicts.get(key);
      if (verdict === undefined) verdicts.set(key, (verdict = decide(parent, args, context, info)));
      return verdict;
    };
    return shieldRule({ cache: 'no_cache' })(
      async (parent: TParent, args: Record<string, unknown>, context: TContext, info: GraphQLResolveInfo) => {
        try {
          const verdict = await evaluate(parent, args, context, info);
          if (isReliance(verdict)) {
            recordReliance(context.reliances, info, verdict);
            return true;
          }
          return verdict;
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      },
    );
  };
}

/**
 * graphql-shield with the settings this project relies on: anything without a rule is
 * refused (the library's default is to allow), our own error codes pass through instead
 * of becoming "Not Authorised!". `lib/subgraph-server.ts` refuses to start a subgraph
 * that leaves any field without a rule.
 */
export function guard(rules: IRules) {
  return shield(rules, {
    fallbackRule: deny,
    fallbackError: () => forbidden(),
    allowExternalErrors: true,
    debug: false,
  });
}

export function relyOnToken(): Reliance {
  return { relyOn: 'token' };
}

export function relyOnAdministrator(): Reliance {
  return { relyOn: 'administrator' };
}

/** Allowed because of these grants; refused with `refusal` when there are none. */
export function relyOnGrants(grants: readonly EffectiveGrant[], refusal: () => Error = () => forbidden()): Reliance | Error {
  return grants.length > 0 ? { relyOn: 'grants', grants } : refusal();
}

/** Any caller with a verified token. */
export const isAuthenticated = rule({ cache: 'contextual' })((_parent, _args, context) =>
  context.caller.kind === 'anonymous' ? unauthenticated() : relyOnToken(),
);

/** Staff of the Administrator (p.11). */
export const isAdministrator = rule({ cache: 'contextual' })((_parent, _args, context) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  return context.caller.isAdministrator ? relyOnAdministrator() : forbidden('Only the Administrator may do this.');
});

/** The open part of the system (p.21): readable without registration. Fields with this rule are not wrapped at all. */
export const isOpenPart = allow;

/**
 * A field of an object the caller could only reach through a guarded root field or entity
 * look-up, which already decided who sees which objects: the field itself adds nothing to
 * check (and is not wrapped). Personal data never uses this.
 */
export const visibleWithParent = allow;
