import { sql } from 'drizzle-orm';
import type { EffectiveGrant } from '../../lib/auth/caller.js';
import { grantInForce } from '../../lib/auth/effective-grants.js';
import type { Executor } from '../../lib/db.js';

export type Grantee = { personId: string } | { digitalObjectId: string };

/**
 * The grants that let `grantee` act right now: ONE statement, one probe of a partial index
 * (`grants_person_active_idx` / `grants_digital_object_active_idx`, both over
 * `state = 'ACTIVE' and not ancestor_suspended`) plus the subject by primary key.
 *
 * No chain walk is needed because the lifecycle keeps every grant self-contained:
 * ending a grant ends its delegations in the same transaction (CASCADE), a suspension
 * marks every descendant `ancestor_suspended`, and `valid_from`/`valid_until` were
 * narrowed at creation to the parent's and the agreement's period; so expiry
 * (AGREEMENT_EXPIRED) is decided here, from the stored period, at request time.
 *
 * `at` defaults to the database clock; tests pass it to move time.
 */
export async function loadEffectiveGrants(executor: Executor, grantee: Grantee, at?: Date): Promise<EffectiveGrant[]> {
  const instant = at ? sql`${at.toISOString()}::timestamptz` : sql`now()`;
  const owner =
    'personId' in grantee ? sql`g.person_id = ${grantee.personId}::uuid` : sql`g.digital_object_id = ${grantee.digitalObjectId}::uuid`;
  const rows = await executor.execute<{
    grant_id: string;
    subject_id: string;
    subject_kind: string;
    territory_kato: string | null;
    functions: string[];
  }>(sql`
    select g.id as grant_id, g.subject_id, s.kind::text as subject_kind, s.territory_kato, g.functions
      from access.grants g
      join access.subjects s on s.id = g.subject_id
     where ${owner}
       and ${grantInForce(instant)}
     order by g.created_at, g.id`);
  return rows.map((row) => ({
    grantId: row.grant_id,
    subjectId: row.subject_id,
    subjectKind: row.subject_kind,
    territoryKato: row.territory_kato,
    functions: row.functions,
  }));
}
