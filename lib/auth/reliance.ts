import { type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import type { EffectiveGrant } from './caller.js';

/**
 * What a rule's "allowed" rested on. The write path re-checks exactly this inside the
 * write's own transaction: handed over from the rule, never derived a second time, so a
 * write cannot pass one scope in its rule and re-check another.
 */
export type Reliance =
  /** The caller's token (any signed-in caller). */
  | { relyOn: 'token' }
  /** The caller is staff of the Administrator. */
  | { relyOn: 'administrator' }
  /** At least one of these grants (the ones that allow the function in the object's scope). */
  | { relyOn: 'grants'; grants: readonly EffectiveGrant[] };

/** Per request: the reliances recorded for each field, by response path (`addPremises`, `a.b.0.c`). */
export type RelianceLog = Map<string, Reliance[]>;

export function createRelianceLog(): RelianceLog {
  return new Map();
}

function pathKey(info: Pick<GraphQLResolveInfo, 'path'>): string {
  return responsePathAsArray(info.path).join('.');
}

export function recordReliance(log: RelianceLog, info: Pick<GraphQLResolveInfo, 'path'>, reliance: Reliance): void {
  const key = pathKey(info);
  const list = log.get(key);
  if (list) list.push(reliance);
  else log.set(key, [reliance]);
}

/** What the rules of the field at `info` relied on; empty when its rule relied on nothing (the open part). */
export function reliancesFor(log: RelianceLog, info: Pick<GraphQLResolveInfo, 'path'>): readonly Reliance[] {
  return log.get(pathKey(info)) ?? [];
}
