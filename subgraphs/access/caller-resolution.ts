import type { IncomingHttpHeaders } from 'node:http';
import { sql } from 'drizzle-orm';
import {
  anonymousCaller,
  type Caller,
  type DigitalObjectStatus,
  type EffectiveGrant,
  type SessionAuthentication,
} from '../../lib/auth/caller.js';
import { grantInForce, tokenInForce } from '../../lib/auth/effective-grants.js';
import { hashToken, isPlausibleToken } from '../../lib/auth/tokens.js';
import type { Executor } from '../../lib/db.js';
import { unauthenticated } from '../../lib/errors.js';

interface TokenGrantRow extends Record<string, unknown> {
  token_id: string;
  person_id: string | null;
  digital_object_id: string | null;
  digital_object_status: DigitalObjectStatus | null;
  is_administrator: boolean;
  authentication: SessionAuthentication;
  grant_id: string | null;
  subject_id: string | null;
  subject_kind: string | null;
  territory_kato: string | null;
  functions: string[] | null;
}

/** The bearer token of the request; null when the request carries none (anonymous). */
function bearerToken(headers: IncomingHttpHeaders): string | null {
  const header = headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match?.[1] || !isPlausibleToken(match[1])) {
    throw unauthenticated('The Authorization header must be "Bearer <token>" with a token issued by this system.');
  }
  return match[1];
}

/**
 * Establishes who is calling from the request's own credentials only: the bearer token.
 * Identity headers a client sends (`x-housing-caller` among them) are never read here.
 * Served to routers by the access service's `POST /caller` (`caller-endpoint.ts`).
 *
 * Revocation, suspension and expiry take effect on the very next request because
 * nothing is cached: every request reads its token and effective grants afresh in ONE
 * statement (a unique-index probe of the token hash, one partial-index probe of the
 * grantee's active grants, subjects by primary key).
 */
export async function authenticate(headers: IncomingHttpHeaders, db: Executor): Promise<Caller> {
  const token = bearerToken(headers);
  if (token === null) return anonymousCaller;
  return callerForToken(db, token);
}

/** The caller a token stands for; throws UNAUTHENTICATED when it is unknown, revoked or expired. */
export async function callerForToken(executor: Executor, token: string, at?: Date): Promise<Caller> {
  const instant = at ? sql`${at.toISOString()}::timestamptz` : sql`now()`;
  // One round trip: the token and its grants in force (the predicates shared with
  // `loadEffectiveGrants`). `last_used_at` is refreshed at most once
  // a minute and never waits: a bulk write holding the token row FOR SHARE is skipped.
  const rows = await executor.execute<TokenGrantRow>(sql`
    with token as (
      select t.id, t.person_id, t.digital_object_id, coalesce(p.is_administrator, false) as is_administrator, t.authentication::text,
             d.status::text as digital_object_status
        from access.api_tokens t
        left join access.persons p on p.id = t.person_id
        left join access.digital_objects d on d.id = t.digital_object_id
       where t.token_hash = ${hashToken(token)}
         and ${tokenInForce(instant)}
    ), touched as (
      update access.api_tokens u set last_used_at = now()
       where u.id in (
         select x.id from access.api_tokens x join token on token.id = x.id
          where x.last_used_at is null or x.last_used_at < now() - interval '1 minute'
            for no key update of x skip locked)
      returning u.id
    )
    select token.id as token_id, token.person_id, token.digital_object_id, token.digital_object_status, token.is_administrator,
           token.authentication,
           g.id as grant_id, g.subject_id, s.kind::text as subject_kind, s.territory_kato, g.functions
      from token
      left join lateral (
        select g.id, g.subject_id, g.functions, g.created_at
          from access.grants g
         where g.person_id = token.person_id and ${grantInForce(instant)}
        union all
        select g.id, g.subject_id, g.functions, g.created_at
          from access.grants g
         where g.digital_object_id = token.digital_object_id and ${grantInForce(instant)}
      ) g on true
      left join access.subjects s on s.id = g.subject_id
     order by g.created_at, g.id`);
  const first = rows[0];
  if (!first) throw unauthenticated('The token is unknown, revoked or expired; sign in again or ask for a new token.');
  const grants: EffectiveGrant[] = rows
    .filter((row) => row.grant_id !== null)
    .map((row) => ({
      grantId: row.grant_id as string,
      subjectId: row.subject_id as string,
      subjectKind: row.subject_kind as string,
      territoryKato: row.territory_kato,
      functions: row.functions ?? [],
    }));
  if (first.person_id) {
    return {
      kind: 'person',
      personId: first.person_id,
      tokenId: first.token_id,
      isAdministrator: first.is_administrator,
      grants,
      authentication: first.authentication,
    };
  }
  return {
    kind: 'machine',
    digitalObjectId: first.digital_object_id as string,
    digitalObjectStatus: first.digital_object_status ?? 'TESTING',
    tokenId: first.token_id,
    isAdministrator: false,
    grants,
  };
}
