import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, EffectiveGrant } from '../../lib/auth/caller.js';
import { recordChanges } from '../../lib/changes.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { ChangesRepository } from './changes-repository.js';
import { type FeedScope, feedScopeOf, inScope } from './feed-scope.js';

// The feed's scope is written twice: as SQL for the feed's pages and in memory for the
// webhook fan-out. Both must pick the same changes for every kind of reader.

const supplierA = randomUUID();
const supplierB = randomUUID();
const grant = (
  subjectKind: string,
  functions: string[],
  subjectId = randomUUID(),
  territoryKato: string | null = null,
): EffectiveGrant => ({
  grantId: randomUUID(),
  subjectId,
  subjectKind,
  territoryKato,
  functions,
});
const person = (grants: EffectiveGrant[], isAdministrator = false): Caller => ({
  kind: 'person',
  personId: randomUUID(),
  tokenId: randomUUID(),
  isAdministrator,
  grants,
});

const readers: Record<string, FeedScope> = {
  national: feedScopeOf(person([grant('AUTHORIZED_BODY', ['ANALYTICS_READ'])])),
  'national without ANALYTICS_READ': feedScopeOf(person([grant('CENTRAL_STATE_BODY', ['BUILDING_REGISTER_MAINTAIN'])])),
  administrator: feedScopeOf(person([], true)),
  'Almaty city': feedScopeOf(person([grant('LOCAL_EXECUTIVE_BODY', ['BUILDING_REGISTER_MAINTAIN'], randomUUID(), '750000000')])),
  'Almaly district': feedScopeOf(person([grant('LOCAL_EXECUTIVE_BODY', ['BUILDING_REGISTER_MAINTAIN'], randomUUID(), '751110000')])),
  'supplier A': feedScopeOf(person([grant('UTILITY_SUPPLIER', ['PERSONAL_ACCOUNTS_MAINTAIN'], supplierA)])),
  'two grants': feedScopeOf(
    person([grant('UTILITY_SUPPLIER', ['TARIFFS_MAINTAIN'], supplierB), grant('LOCAL_EXECUTIVE_BODY', [], randomUUID(), '710000000')]),
  ),
  anonymous: feedScopeOf({ kind: 'anonymous' }),
};

describe('the feed scope, in SQL and in memory', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    const katoCodes = ['751110000', '751410000', '750000000', '711210000', '351010000', null];
    const subjects = [supplierA, supplierB, randomUUID(), null];
    await database.db.transaction((tx) =>
      recordChanges(
        tx,
        null,
        katoCodes.flatMap((katoCode) =>
          subjects.map((subjectId) => ({
            type: 'BUILDING' as const,
            id: randomUUID(),
            operation: 'UPDATED' as const,
            katoCode,
            subjectId,
          })),
        ),
      ),
    );
  });
  afterAll(async () => {
    await database?.close();
  });

  for (const [name, scope] of Object.entries(readers)) {
    it(`${name}: the same changes both ways`, async () => {
      const all = await new ChangesRepository(database.db).page({ everything: true, grants: [] }, { types: null }, null, 1000);
      const bySql = await new ChangesRepository(database.db).page(scope, { types: null }, null, 1000);
      expect(bySql.map((change) => change.position)).toEqual(
        all.filter((change) => inScope(scope, change)).map((change) => change.position),
      );
    });
  }

  it('reaches what each reader should', async () => {
    const count = async (scope: FeedScope) => (await new ChangesRepository(database.db).page(scope, { types: null }, null, 1000)).length;
    const [total] = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from platform.changes`);
    expect(await count(readers.national as FeedScope)).toBe(total?.n);
    expect(await count(readers.administrator as FeedScope)).toBe(total?.n);
    expect(await count(readers.anonymous as FeedScope)).toBe(0);
    expect(await count(readers['national without ANALYTICS_READ'] as FeedScope)).toBe(0);
    // Almaty city: its three codes × 4 subjects; Almaly district: its own code only.
    expect(await count(readers['Almaty city'] as FeedScope)).toBe(12);
    expect(await count(readers['Almaly district'] as FeedScope)).toBe(4);
    expect(await count(readers['supplier A'] as FeedScope)).toBe(6);
  });
});
