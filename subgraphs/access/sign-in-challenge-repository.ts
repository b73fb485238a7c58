import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { persons, signInChallenges } from '../../schema/access.js';

export interface ChallengeRow {
  id: string;
  nonceHash: string;
  expiresAt: Date;
  consumedAt: Date | null;
}

/** EDS sign-in challenges: stored by the nonce's hash, taken once under a row lock. */
export class SignInChallengeRepository {
  constructor(private readonly executor: Executor) {}

  async insert(values: { nonceHash: string; createdAt: Date; expiresAt: Date }): Promise<ChallengeRow> {
    const [row] = await this.executor.insert(signInChallenges).values(values).returning({
      id: signInChallenges.id,
      nonceHash: signInChallenges.nonceHash,
      expiresAt: signInChallenges.expiresAt,
      consumedAt: signInChallenges.consumedAt,
    });
    if (!row) throw new Error('The challenge was not recorded.');
    return row;
  }

  /** The challenge, locked until the transaction ends: two sign-ins with one challenge run one after the other. */
  async lock(id: string): Promise<ChallengeRow | null> {
    const [row] = await this.executor
      .select({
        id: signInChallenges.id,
        nonceHash: signInChallenges.nonceHash,
        expiresAt: signInChallenges.expiresAt,
        consumedAt: signInChallenges.consumedAt,
      })
      .from(signInChallenges)
      .where(eq(signInChallenges.id, id))
      .for('update');
    return row ?? null;
  }

  async consume(id: string, at: Date, personId: string | null): Promise<void> {
    await this.executor
      .update(signInChallenges)
      .set({ consumedAt: at, personId })
      .where(and(eq(signInChallenges.id, id), isNull(signInChallenges.consumedAt)));
  }

  /** Forgets challenges past their expiry by more than a day (kept that long for inquiries); a few at a time. */
  async prune(now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - 86_400_000);
    await this.executor.execute(sql`
      delete from access.sign_in_challenges
       where id in (select id from access.sign_in_challenges where expires_at < ${cutoff.toISOString()}::timestamptz limit 100)`);
  }
}

/** The person a certificate's IIN names, registered at their first sign-in. */
export class SignInPersonRepository {
  constructor(private readonly executor: Executor) {}

  async byIin(iin: string): Promise<{ id: string } | null> {
    const [row] = await this.executor.select({ id: persons.id }).from(persons).where(eq(persons.iin, iin));
    return row ?? null;
  }

  /** Registers the person unless a concurrent sign-in just did; returns the id and whether this call registered them. */
  async register(values: { iin: string; fullName: string; createdAt: Date }): Promise<{ id: string; registered: boolean }> {
    const [inserted] = await this.executor
      .insert(persons)
      .values(values)
      .onConflictDoNothing({ target: persons.iin })
      .returning({ id: persons.id });
    if (inserted) return { id: inserted.id, registered: true };
    const existing = await this.byIin(values.iin);
    if (!existing) throw new Error('The person was neither registered nor found.');
    return { id: existing.id, registered: false };
  }
}
