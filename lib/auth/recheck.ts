import { sql } from 'drizzle-orm';
import type { Executor } from '../db.js';
import { forbidden, unauthenticated } from '../errors.js';
import { uuidArray } from '../uuid.js';
import type { Caller } from './caller.js';
import { grantInForce, tokenInForce } from './effective-grants.js';
import type { Reliance } from './reliance.js';

/**
 * Re-checks, inside a write's own transaction and in ONE statement, what the write's rule
 * relied on: the caller's token, administrator status, and for each set of grants that at
 * least one is still in force. The rows are read through the access subgraph's published
 * views and locked FOR SHARE until the transaction ends: a revocation, suspension,
 * renunciation or cascade updates those rows, so it either waits for this write to commit,
 * or commits first and this check (re-evaluated on the new row versions) refuses the write.
 * No write commits after the change does. Expiry is compared with the transaction's clock.
 *
 * Throws UNAUTHENTICATED when the token is no longer in force, FORBIDDEN when a reliance
 * no longer holds (or there is none: a write whose rule relied on nothing is refused).
 * Returns the ids of the grants still in force. Call it before writing anything.
 */
export async function recheckReliances(executor: Executor, caller: Caller, reliances: readonly Reliance[]): Promise<string[]> {
  if (caller.kind === 'anonymous') throw unauthenticated();
  if (reliances.length === 0) throw forbidden('This change is not covered by any access right; nothing was written.');
  const needsAdministrator = reliances.some((reliance) => reliance.relyOn === 'administrator');
  if (needsAdministrator && !(caller.kind === 'person' && caller.isAdministrator)) throw forbidden('Only the Administrator may do this.');
  const grantSets = reliances.flatMap((reliance) => (reliance.relyOn === 'grants' ? [reliance.grants.map((grant) => grant.grantId)] : []));
  if (grantSets.some((set) => set.length === 0)) throw forbidden();
  const grantIds = [...new Set(grantSets.flat())];
  const personId = caller.kind === 'person' ? caller.personId : null;

  const [row] = await executor.execute<{ token_live: boolean; administrator: boolean; grant_ids: string[] | null }>(sql`
    with token as (
      select t.id from access.published_tokens t
       where t.id = ${caller.tokenId}::uuid and ${tokenInForce()}
         for share
    ), administrator as (
      select a.id from access.published_administrators a
       where ${needsAdministrator} and a.id = ${personId}::uuid
         for share
    ), live as (
      select g.id from access.published_grants g
       where g.id = any(${uuidArray(grantIds)}::uuid[])
         and ${grantInForce()}
         for share
    )
    select exists (select 1 from token) as token_live,
           exists (select 1 from administrator) as administrator,
           (select array_agg(live.id::text) from live) as grant_ids`);
  if (!row?.token_live) throw unauthenticated('The token was revoked or has expired; nothing was written.');
  if (needsAdministrator && !row.administrator) throw forbidden('Only the Administrator may do this; nothing was written.');
  const live = new Set(row.grant_ids ?? []);
  if (grantSets.some((set) => !set.some((id) => live.has(id)))) {
    throw forbidden('Your access right ended before this change could be recorded; nothing was written.');
  }
  return [...live];
}
