import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { recordChanges } from '../lib/changes.js';
import { ALMALY, ALMATY, ASTANA, buildingInput, ESIL } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// The change feed (p.32) through the gateway: every write records its changes in its own
// transaction, and each kind of caller reads its own scope of them with a cursor.

const changesQuery = `query($after: String, $types: [ChangeType!], $first: Int) {
  changes(after: $after, types: $types, first: $first) {
    edges { cursor node { position cursor type entityId operation receiptId recordedAt katoCode subjectId } }
    pageInfo { hasNextPage endCursor } } }`;

interface ChangeNode {
  position: string;
  cursor: string;
  type: string;
  entityId: string;
  operation: string;
  receiptId: string | null;
  recordedAt: string;
  katoCode: string | null;
  subjectId: string | null;
}

const registerBuilding = `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } testRun } }`;
const addPremises = `mutation($id: ID!, $premises: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $premises) { premises { id } } }`;
const registerSupplier = `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`;
const upsertAccounts = `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!) {
  upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts) { created updated receipt { id } } }`;

describe('the change feed', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let ministry: Actor;
  let almaty: Actor;
  let astana: Actor;
  let supplierA: Actor;
  let supplierB: Actor;
  let almatyBuilding: string;
  let astanaBuilding: string;
  const suppliers: Record<string, string> = {};

  // Answers are read as loosely as in the other end-to-end tests.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async function ok<T = any>(query: string, variables: Record<string, unknown>, actor: Actor | { token: string }): Promise<T> {
    const response = await system.query<T>(query, variables, { token: actor.token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data as T;
  }

  /** Every change the actor reads, page by page. */
  async function feedOf(actor: Actor | null, variables: Record<string, unknown> = {}): Promise<ChangeNode[]> {
    const nodes: ChangeNode[] = [];
    let after: string | null = (variables.after as string | undefined) ?? null;
    for (let page = 0; page < 50; page += 1) {
      const response = await system.query<{
        changes: { edges: Array<{ node: ChangeNode }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      }>(changesQuery, { first: 3, ...variables, after }, actor ? { token: actor.token } : {});
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      const changes = response.data?.changes;
      nodes.push(...(changes?.edges.map((edge) => edge.node) ?? []));
      if (!changes?.pageInfo.hasNextPage) break;
      after = changes.pageInfo.endCursor;
    }
    return nodes;
  }

  const summary = (nodes: ChangeNode[]) => nodes.map((node) => `${node.type}.${node.operation}:${node.entityId}`);

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    const maintain = [AccessFunction.BuildingRegisterMaintain, AccessFunction.PremisesMaintain];
    almaty = await fixture.person('LOCAL_EXECUTIVE_BODY', maintain, { territoryKato: ALMATY });
    astana = await fixture.person('LOCAL_EXECUTIVE_BODY', maintain, { territoryKato: ASTANA });
    supplierA = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    supplierB = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);

    almatyBuilding = (await ok(registerBuilding, { input: buildingInput({ katoCode: ALMALY }) }, almaty)).registerBuilding.building.id;
    await ok(addPremises, { id: almatyBuilding, premises: [{ kind: 'APARTMENT', number: '1' }] }, almaty);
    astanaBuilding = (await ok(registerBuilding, { input: buildingInput({ katoCode: ESIL }) }, astana)).registerBuilding.building.id;
    for (const [name, actor] of [
      ['A', supplierA],
      ['B', supplierB],
    ] as const) {
      const input = { subjectId: actor.subjectId, name: `Supplier ${name}`, bin: makeBin(), services: ['WATER_SUPPLY'] };
      suppliers[name] = (await ok(registerSupplier, { input }, { token: fixture.adminToken })).registerSupplier.supplier.id;
      const account = {
        buildingId: almatyBuilding,
        premiseNumber: '1',
        accountNumber: `ACC-${name}`,
        holderName: 'Holder',
        holderIin: makeIin(),
        service: 'WATER_SUPPLY',
        openedAt: '2024-01-15',
      };
      await ok(upsertAccounts, { supplierId: suppliers[name], accounts: [account] }, actor);
    }
  });
  afterAll(async () => {
    await system?.close();
  });

  it('a national body with ANALYTICS_READ reads every change, in commit order, each with its receipt', async () => {
    const nodes = await feedOf(ministry);
    expect(summary(nodes)).toEqual([
      `BUILDING.CREATED:${almatyBuilding}`,
      `BUILDING.UPDATED:${almatyBuilding}`,
      expect.stringMatching(/^PREMISE\.CREATED:/),
      `BUILDING.CREATED:${astanaBuilding}`,
      `SUPPLIER.CREATED:${suppliers.A}`,
      expect.stringMatching(/^PERSONAL_ACCOUNT\.CREATED:/),
      `SUPPLIER.CREATED:${suppliers.B}`,
      expect.stringMatching(/^PERSONAL_ACCOUNT\.CREATED:/),
    ]);
    const positions = nodes.map((node) => Number(node.position));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
    const receipts = await system.db.execute<{ id: string }>(sql`select id::text from platform.receipts`);
    const receiptIds = new Set(receipts.map((row) => row.id));
    expect(nodes.every((node) => node.receiptId !== null && receiptIds.has(node.receiptId))).toBe(true);
    // Buildings and premises are located; suppliers' records are owned by their subjects.
    expect(nodes.find((node) => node.entityId === astanaBuilding)?.katoCode).toBe(ESIL);
    expect(nodes.filter((node) => node.type === 'PERSONAL_ACCOUNT').map((node) => node.subjectId)).toEqual([
      supplierA.subjectId,
      supplierB.subjectId,
    ]);
  });

  it('a local executive body reads the changes located in its territory only', async () => {
    expect(summary(await feedOf(almaty))).toEqual([
      `BUILDING.CREATED:${almatyBuilding}`,
      `BUILDING.UPDATED:${almatyBuilding}`,
      expect.stringMatching(/^PREMISE\.CREATED:/),
    ]);
    expect(summary(await feedOf(astana))).toEqual([`BUILDING.CREATED:${astanaBuilding}`]);
  });

  it('a supplier reads the changes of its own subject only: its registration and its accounts', async () => {
    const nodes = await feedOf(supplierA);
    expect(nodes.map((node) => node.type)).toEqual(['SUPPLIER', 'PERSONAL_ACCOUNT']);
    expect(nodes.every((node) => node.subjectId === supplierA.subjectId)).toBe(true);
    expect(nodes[0]?.entityId).toBe(suppliers.A);
  });

  it('the public reads no feed: a token is needed', async () => {
    const response = await system.query(changesQuery, {});
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a signed-in caller without the right reads nothing: a national body without ANALYTICS_READ, one whose grant was revoked', async () => {
    const withoutAnalytics = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain]);
    expect(await feedOf(withoutAnalytics)).toEqual([]);
    const revoked = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    expect(await feedOf(revoked)).not.toEqual([]);
    await fixture.revoke(revoked.grantId);
    expect(await feedOf(revoked)).toEqual([]);
  });

  it('pages by cursor and filters by type; a cursor of another list or malformed is BAD_USER_INPUT', async () => {
    const all = await feedOf(ministry);
    const firstTwo = await system.query(changesQuery, { first: 2 }, { token: ministry.token });
    const end = firstTwo.data?.changes.pageInfo.endCursor;
    expect(firstTwo.data?.changes.edges).toHaveLength(2);
    expect(summary(await feedOf(ministry, { after: end }))).toEqual(summary(all.slice(2)));
    expect(summary(await feedOf(ministry, { types: ['SUPPLIER'] }))).toEqual([
      `SUPPLIER.CREATED:${suppliers.A}`,
      `SUPPLIER.CREATED:${suppliers.B}`,
    ]);
    // An edge's cursor continues from that change.
    expect(summary(await feedOf(ministry, { after: all[5]?.cursor }))).toEqual(summary(all.slice(6)));
    for (const after of ['nonsense', Buffer.from(JSON.stringify(['buildings', 1])).toString('base64url')]) {
      const refused = await system.query(changesQuery, { after }, { token: ministry.token });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it('hands out positions in commit order: a writer that records later waits for the one recording before it to commit', async () => {
    const events: string[] = [];
    const change = (id: string) => [{ type: 'BUILDING' as const, id, operation: 'UPDATED' as const, katoCode: ALMALY }];
    const first = system.db.transaction(async (tx) => {
      await recordChanges(tx, null, change(almatyBuilding));
      events.push('first recorded');
      await new Promise((resolve) => setTimeout(resolve, 300));
      events.push('first commits');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = system.db.transaction(async (tx) => {
      await recordChanges(tx, null, change(astanaBuilding));
      events.push('second recorded');
    });
    await Promise.all([first, second]);
    expect(events).toEqual(['first recorded', 'first commits', 'second recorded']);
    const [last, previous] = await system.db.execute<{ entity_id: string }>(
      sql`select entity_id::text from platform.changes order by position desc limit 2`,
    );
    expect([previous?.entity_id, last?.entity_id]).toEqual([almatyBuilding, astanaBuilding]);
  });

  it('a refused or rolled-back write leaves no change, and no fan-out job', async () => {
    const count = async () =>
      (
        await system.db.execute<{ changes: number; jobs: number }>(sql`
        select (select count(*)::int from platform.changes) as changes,
               (select count(*)::int from graphile_worker.jobs where task_identifier = 'webhook.fan-out') as jobs`)
      )[0];
    const before = await count();
    // A duplicate building: CONFLICT after the re-check, inside the write's transaction.
    const duplicate = await system.query(
      registerBuilding,
      {
        input: buildingInput({
          katoCode: ALMALY,
          cadastralNumber: (
            await system.db.execute<{ n: string }>(
              sql`select cadastral_number as n from buildings.buildings where id = ${almatyBuilding}::uuid`,
            )
          )[0]?.n,
        }),
      },
      { token: almaty.token },
    );
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // A building outside the caller's territory: FORBIDDEN.
    const outside = await system.query(registerBuilding, { input: buildingInput({ katoCode: ESIL }) }, { token: almaty.token });
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A bulk call with an invalid account (ALL_OR_NOTHING): BAD_USER_INPUT, nothing written.
    const invalid = await system.query(
      upsertAccounts,
      {
        supplierId: suppliers.A,
        accounts: [
          {
            buildingId: almatyBuilding,
            premiseNumber: '1',
            accountNumber: 'X-1',
            holderName: 'Holder',
            holderIin: '000000000000',
            service: 'WATER_SUPPLY',
            openedAt: '2024-01-15',
          },
        ],
      },
      { token: supplierA.token },
    );
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // A transaction that records changes and then fails keeps none of them.
    await expect(
      system.db.transaction(async (tx) => {
        await recordChanges(tx, null, [{ type: 'BUILDING', id: almatyBuilding, operation: 'UPDATED', katoCode: ALMALY }]);
        throw new Error('the change failed after recording');
      }),
    ).rejects.toThrow('the change failed after recording');
    expect(await count()).toEqual(before);
  });
});
