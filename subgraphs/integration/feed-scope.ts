import { type SQL, sql } from 'drizzle-orm';
import type { Caller } from '../../lib/auth/caller.js';
import { AccessFunction, SubjectKind } from '../../lib/auth/functions.js';
import { isNationalGrant } from '../../lib/auth/scope.js';
import { katoPrefix, katoRange, withinTerritory } from '../../lib/kato.js';
import type { SubscriptionScopeGrant } from '../../schema/integration.js';

/**
 * Which changes of the feed a reader may see. The feed is provided to digital objects by
 * integration under agreement (p.32), each right used only as far as it reaches (p.31):
 * - a national body's grant with ANALYTICS_READ: every change;
 * - a local executive body's grant: changes located in its territory (buildings, premises,
 *   management of buildings there);
 * - any grant: changes of records owned by its subject (a supplier's registration,
 *   accounts and tariffs; an OSI's or management company's management assignments);
 * - the Administrator's staff: every change;
 * - the anonymous public: none (the open part is read from the register itself).
 * The same rule is written twice, as SQL for the feed's pages (`scopeCondition`) and in
 * memory for the webhook fan-out (`inScope`); `feed-scope.test.ts` holds them together.
 */
export interface FeedScope {
  everything: boolean;
  /** Per grant, what it adds to the open part. */
  grants: SubscriptionScopeGrant[];
}

/** What `caller` reads of the feed. */
export function feedScopeOf(caller: Caller): FeedScope {
  if (caller.kind === 'anonymous') return { everything: false, grants: [] };
  const grants = caller.grants.map((grant) => ({
    grantId: grant.grantId,
    national: isNationalGrant(grant) && grant.functions.includes(AccessFunction.AnalyticsRead),
    subjectId: grant.subjectId,
    territoryKato: grant.subjectKind === SubjectKind.LocalExecutiveBody ? grant.territoryKato : null,
  }));
  return { everything: caller.kind === 'person' && caller.isAdministrator, grants };
}

/** A change as the scope sees it. */
export interface ScopedChange {
  katoCode: string | null;
  subjectId: string | null;
}

/** Whether `scope` reaches `change` (the in-memory form of `scopeCondition`). */
export function inScope(scope: FeedScope, change: ScopedChange): boolean {
  if (scope.everything) return true;
  return scope.grants.some(
    (grant) =>
      grant.national ||
      (change.subjectId !== null && grant.subjectId === change.subjectId) ||
      (grant.territoryKato !== null && change.katoCode !== null && withinTerritory(grant.territoryKato, change.katoCode)),
  );
}

/** `inScope` as a condition on `platform.changes` aliased `c`: index range scans for territories. */
export function scopeCondition(scope: FeedScope): SQL {
  if (scope.everything || scope.grants.some((grant) => grant.national)) return sql`true`;
  const parts: SQL[] = [];
  const subjects = [...new Set(scope.grants.map((grant) => grant.subjectId))];
  if (subjects.length > 0) parts.push(sql`c.subject_id = any(${`{${subjects.join(',')}}`}::uuid[])`);
  const prefixes = [...new Set(scope.grants.flatMap((grant) => (grant.territoryKato ? [katoPrefix(grant.territoryKato)] : [])))];
  for (const prefix of prefixes) {
    const { from, to } = katoRange(prefix);
    parts.push(sql`(c.kato_code ~>=~ ${from} and c.kato_code ~<~ ${to})`);
  }
  return parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` or `)})`;
}

/** The grants of `scope` still in force (ids from `live`): what a subscription reaches now. */
export function narrowedTo(scope: readonly SubscriptionScopeGrant[], live: ReadonlySet<string>): FeedScope {
  return { everything: false, grants: scope.filter((grant) => live.has(grant.grantId)) };
}
