import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { connectDatabase } from '../lib/db.js';
import { analyticsReads } from '../lib/read-replicas.js';
import { type RunningSystem, startSystem } from '../scripts/system.js';
import { ALMALY, ALMATY, buildingInput, insertTerritories } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture } from './support/caller-fixtures.js';
import { waitUntil } from './support/postgres-process.js';
import { type ReplicaPair, replicaUnavailable, startReplicaPair } from './support/replica.js';
import { postGraphQL } from './support/system.js';

// Analytics reads on a real streaming replica (pg_basebackup -R of a primary of this test's
// own): the regulatory clock is read from the replica, while the caller and its rights are
// resolved on the primary. With replay paused the replica still holds a revoked grant; the
// caller is refused all the same. A replica past the lag bound serves nothing.

const countsQuery = `{ dutyCounts(filter: { kinds: [BUILDING_CONFIRMATION] }) { kind total } }`;
const registerBuilding = `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`;
const unavailable = replicaUnavailable();

describe.skipIf(unavailable !== null)(`analytics on a streaming replica${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let pair: ReplicaPair;
  let system: RunningSystem;
  let fixture: AuthFixture;
  let ministry: Actor;
  let almaty: Actor;
  let replica: postgres.Sql;

  const ask = (query: string, variables: Record<string, unknown>, actor: { token: string }) =>
    postGraphQL(system.gatewayUrl, query, variables, { authorization: `Bearer ${actor.token}` });
  const buildingsCounted = async (actor: Actor) => {
    const response = await ask(countsQuery, {}, actor);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return ((response.data?.dutyCounts ?? []) as Array<{ total: number }>)[0]?.total ?? 0;
  };
  const grantStateOn = async (grantId: string) => (await replica`select state from access.grants where id = ${grantId}`)[0]?.state;
  /** Waits until the replica has replayed everything the primary has written so far. */
  const caughtUp = async () => {
    const [primaryLsn] = await system.db.execute<{ lsn: string }>(sql`select pg_current_wal_lsn()::text as lsn`);
    await waitUntil(
      async () => (await replica`select pg_last_wal_replay_lsn() >= ${primaryLsn?.lsn ?? '0/0'}::pg_lsn as done`)[0]?.done === true,
      20_000,
      'the replica to replay the primary',
    );
  };

  beforeAll(async () => {
    pair = await startReplicaPair();
    replica = postgres(pair.replicaUrl, { max: 1, onnotice: () => {} });
    system = await startSystem({
      databaseUrl: pair.primaryUrl,
      replicaUrls: [pair.replicaUrl],
      // A generous bound here: the point is that a lagging replica keeps serving, and rights still come from the primary.
      replicaLag: { maxLagSeconds: 3600, checkSeconds: 0.2 },
      host: '127.0.0.1',
      gatewayPort: 0,
      subgraphPorts: {},
      ide: false,
      poolSize: 5,
      backgroundWork: false,
    });
    await insertTerritories(system.db);
    fixture = await AuthFixture.create(system.db);
    ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    almaty = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: ALMATY });
    const first = await ask(registerBuilding, { input: buildingInput({ katoCode: ALMALY }) }, almaty);
    expect(first.errors).toBeUndefined();
    await caughtUp();
    await waitUntil(() => system.replicas?.usableNames().length === 1, 10_000, 'the replica to serve analytics reads');
  }, 120_000);
  afterAll(async () => {
    await system?.close();
    await replica?.end();
    await pair?.destroy();
  });

  it('a revoked caller is refused while the lagging replica that serves the clock still holds its grant', async () => {
    expect(await buildingsCounted(ministry)).toBe(1);
    await pair.pauseReplay();
    // A new building on the primary: the clock, read from the paused replica, does not see it yet.
    const second = await ask(registerBuilding, { input: buildingInput({ katoCode: ALMALY }) }, almaty);
    expect(second.errors).toBeUndefined();
    expect(await buildingsCounted(ministry)).toBe(1);
    expect(await system.db.execute(sql`select count(*)::int as n from buildings.buildings`)).toEqual([{ n: 2 }]);

    await fixture.revoke(ministry.grantId);
    expect(await grantStateOn(ministry.grantId)).toBe('ACTIVE'); // the replica lags behind the revocation
    expect(system.replicas?.usableNames()).toHaveLength(1); // and still serves analytics reads
    const refused = await ask(countsQuery, {}, ministry);
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await pair.resumeReplay();
    await caughtUp();
    expect(await grantStateOn(ministry.grantId)).toBe('ENDED');
    expect((await ask(countsQuery, {}, ministry)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await buildingsCounted(almaty)).toBe(2);
  });

  it('a replica further behind than the bound serves no analytics read: they go to the primary meanwhile', async () => {
    const bounded = connectDatabase(pair.primaryUrl, {
      max: 2,
      replicaUrls: [pair.replicaUrl],
      replicaLag: { maxLagSeconds: 0.5, checkSeconds: 60 },
    });
    try {
      await bounded.replicas?.check();
      expect(bounded.replicas?.usableNames()).toHaveLength(1);
      const count = async () =>
        (await analyticsReads(bounded.db).execute<{ n: number }>(sql`select count(*)::int as n from buildings.published_duties`))[0]?.n;
      expect(await count()).toBe(2);
      await pair.pauseReplay();
      const third = await ask(registerBuilding, { input: buildingInput({ katoCode: ALMALY }) }, almaty);
      expect(third.errors).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await bounded.replicas?.check();
      expect(bounded.replicas?.usableNames()).toEqual([]);
      expect(await count()).toBe(3); // from the primary
      expect((await replica`select count(*)::int as n from buildings.buildings`)[0]?.n).toBe(2); // the replica still lags
      await pair.resumeReplay();
      await caughtUp();
      await bounded.replicas?.check();
      expect(bounded.replicas?.usableNames()).toHaveLength(1);
    } finally {
      await pair.resumeReplay().catch(() => {});
      await bounded.close();
    }
  });
});
