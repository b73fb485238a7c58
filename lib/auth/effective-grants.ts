import { type SQL, sql } from 'drizzle-orm';

/**
 * The one definition of "this grant lets its holder act at `instant`", for a grants row
 * aliased `g` (a table or its published view): shared by the access subgraph's caller
 * resolution and grant loader and by the write path's re-check, so they can never disagree.
 */
export function grantInForce(instant: SQL = sql`now()`): SQL {
  return sql`g.state = 'ACTIVE' and not g.ancestor_suspended
       and g.valid_from <= ${instant} and (g.valid_until is null or g.valid_until > ${instant})`;
}

/** "This token is usable at `instant`", for an api_tokens row aliased `t`. */
export function tokenInForce(instant: SQL = sql`now()`): SQL {
  return sql`t.revoked_at is null and (t.expires_at is null or t.expires_at > ${instant})`;
}
