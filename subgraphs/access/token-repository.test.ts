import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, SESSION_TOKEN_TTL_MS } from '../../lib/auth/tokens.js';
import { apiTokens } from '../../schema/access.js';
import { AccessFixture } from '../../test/support/access-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { TokenRepository } from './token-repository.js';

describe('TokenRepository', () => {
  let database: TestDatabase;
  let access: AccessFixture;
  let personId: string;
  let digitalObjectId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    access = await AccessFixture.create(database.db);
    personId = (await access.person()).id;
    const subject = await access.subject('UTILITY_SUPPLIER');
    const { application } = await access.service.submitApplication(
      { subjectId: subject.id, digitalObjectName: 'Billing', functions: ['PERSONAL_ACCOUNTS_MAINTAIN'], contactEmail: 'it@example.kz' },
      access.acting(),
    );
    digitalObjectId = (await access.service.approveApplication(application.id, {}, access.acting())).digitalObject.id;
  });
  afterAll(async () => {
    await database?.close();
  });

  it('keeps only the hash of an issued token, and lists metadata without it', async () => {
    const tokens = new TokenRepository(database.db);
    const issued = await tokens.issueApiToken(digitalObjectId, { label: 'billing integration' });
    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.id, issued.metadata.id));
    expect(row?.tokenHash).toBe(hashToken(issued.token));
    expect(JSON.stringify(row)).not.toContain(issued.token.slice(4));
    expect(row?.expiresAt).toBeNull();

    const listed = await tokens.list({ digitalObjectId });
    expect(listed.map((token) => token.id)).toEqual([issued.metadata.id]);
    expect(listed[0]).toMatchObject({ label: 'billing integration', digitalObjectId, personId: null, revokedAt: null });
    expect(Object.keys(listed[0] ?? {})).not.toContain('tokenHash');
    expect(JSON.stringify(listed)).not.toContain(issued.token.slice(4));
  });

  it('gives session tokens a working day of life', async () => {
    const now = new Date('2026-07-13T04:00:00Z');
    const { metadata } = await new TokenRepository(database.db).issueSessionToken(personId, { now });
    expect(metadata.expiresAt?.getTime()).toBe(now.getTime() + SESSION_TOKEN_TTL_MS);
    expect(metadata.personId).toBe(personId);
  });

  it('revokes once, keeps the first revocation time, and answers null for an unknown id', async () => {
    const tokens = new TokenRepository(database.db);
    const { metadata } = await tokens.issueSessionToken(personId);
    const first = await tokens.revoke(metadata.id);
    expect(first?.revokedAt).toBeInstanceOf(Date);
    const second = await tokens.revoke(metadata.id);
    expect(second?.revokedAt?.getTime()).toBe(first?.revokedAt?.getTime());
    expect(await tokens.revoke('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
