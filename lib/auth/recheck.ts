import { sql } from 'drizzle-orm';
import type { Transaction } from '../db.js';
import { forbidden, unauthenticated } from '../errors.js';
import type { Caller, EffectiveGrant } from './caller.js';
import { grantInForce, tokenInForce } from './effective-grants.js';
import { uuidArray } from '../uuid.js';

/**
 * Re-checks, inside a write's own transaction, that the caller's token and at least one
 * of the grants the write relies on are still in force, and locks those rows FOR SHARE
 * until the transaction ends. A revocation, suspension, renunciation or cascade updates
 * those rows, so it either waits for this write to commit, or commits first and this
 * check (re-evaluated on the new row versions) refuses the write: no write commits after
 * the change does. Expiry is compared with the transaction's clock.
 *
 * Returns the grants still in force; throws FORBIDDEN when none is, UNAUTHENTICATED when
 * the token no longer is. Call it before writing anything.
 */
export async function recheckGrants(tx: Transaction, caller: Caller, grants: EffectiveGrant[]): Promise<string[]> {
  if (caller.kind === 'anonymous') throw unauthenticated();
  const grantIds = grants.map((grant) => grant.grantId);
  if (grantIds.length === 0) throw forbidden();
  const [row] = await tx.execute<{ token_live: boolean; grant_ids: string[] | null }>(sql`
    with token as (
      select t.id from access.api_tokens t
       where t.id = ${caller.tokenId}::uuid and ${tokenInForce()}
         for share
    ), live as (
      select g.id from access.grants g
       where g.id = any(${uuidArray(grantIds)}::uuid[])
         and ${grantInForce()}
         for share
    )
    select exists (select 1 from token) as token_live, (select array_agg(live.id::text) from live) as grant_ids`);
  if (!row?.token_live) throw unauthenticated('The token was revoked or has expired; nothing was written.');
  const live = row.grant_ids ?? [];
  if (live.length === 0) throw forbidden('Your access right ended before this change could be recorded; nothing was written.');
  return live;
}

/** The same for administrators' writes: the person is still an administrator, locked FOR SHARE. */
export async function recheckAdministrator(tx: Transaction, caller: Caller): Promise<void> {
  if (caller.kind === 'anonymous') throw unauthenticated();
  if (caller.kind !== 'person' || !caller.isAdministrator) throw forbidden('Only the Administrator may do this.');
  const [row] = await tx.execute<{ token_live: boolean; administrator: boolean }>(sql`
    with token as (
      select t.id from access.api_tokens t
       where t.id = ${caller.tokenId}::uuid and ${tokenInForce()}
         for share
    ), person as (
      select p.id from access.persons p where p.id = ${caller.personId}::uuid and p.is_administrator for share
    )
    select exists (select 1 from token) as token_live, exists (select 1 from person) as administrator`);
  if (!row?.token_live) throw unauthenticated('The token was revoked or has expired; nothing was written.');
  if (!row.administrator) throw forbidden('Only the Administrator may do this; nothing was written.');
}
