import { eq, sql } from 'drizzle-orm';
import { hashToken, isPlausibleToken } from '../../lib/auth/tokens.js';
import type { Database } from '../../lib/db.js';
import { apiTokens, persons } from '../../schema/access.js';
import { TokenRepository } from './token-repository.js';

/**
 * The bootstrap administrator is a technical account, not a natural person: the
 * all-zero IIN (never issued: its date of birth does not exist) marks it, because
 * `access.persons.iin` is required.
 */
const BOOTSTRAP_ADMINISTRATOR_IIN = '000000000000';

export interface BootstrapResult {
  /** True when this call created the administrator; false when one already existed. */
  created: boolean;
  personId: string;
}

/**
 * At first start, with BOOTSTRAP_ADMIN_TOKEN configured and no administrator yet, creates
 * an administrator and stores that token's hash, so the operator can sign in and grant
 * everyone else. Idempotent and safe when several processes start together (an advisory
 * lock serializes them). Once any administrator exists it does nothing: rotate the token
 * by issuing a new one and revoking the old, not by changing the configuration.
 */
export async function bootstrapAdministrator(db: Database, token: string): Promise<BootstrapResult> {
  if (!isPlausibleToken(token)) throw new Error('BOOTSTRAP_ADMIN_TOKEN must be 32 to 512 printable characters without spaces.');
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(727002)`);
    const [existing] = await tx.select({ id: persons.id }).from(persons).where(eq(persons.isAdministrator, true)).limit(1);
    if (existing) return { created: false, personId: existing.id };
    const [stored] = await tx
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, hashToken(token)));
    // The token belongs to someone who is no administrator: refuse rather than elevate them.
    if (stored) throw new Error('BOOTSTRAP_ADMIN_TOKEN is already in use by another account; choose a new random value.');
    const [person] = await tx
      .insert(persons)
      .values({ iin: BOOTSTRAP_ADMINISTRATOR_IIN, fullName: 'Bootstrap administrator', isAdministrator: true })
      .returning({ id: persons.id });
    if (!person) throw new Error('The bootstrap administrator was not created.');
    await new TokenRepository(tx).store(token, { personId: person.id }, { label: 'bootstrap (BOOTSTRAP_ADMIN_TOKEN)', expiresAt: null });
    return { created: true, personId: person.id };
  });
}
