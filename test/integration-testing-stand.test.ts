import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { ALMALY, ALMATY, buildingInput } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// The testing stand (p.17) through the gateway: a digital object still in TESTING calls
// any mutation and is answered as a live one would be (checked, validated, with ids and a
// receipt), flagged `testRun`, and nothing of it is kept: no row, no receipt, no change in
// the feed, no idempotency key, no job. Once the Administrator marks it tested (LIVE), the
// same call writes for real.

const upsert = `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!, $key: String) {
  upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts, idempotencyKey: $key) {
    created updated replayed testRun items { id status } receipt { id operation receivedAt recordedAt } } }`;
const publishTariff = `mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id pricePerUnit } receipt { id } testRun } }`;
const registerBuilding = `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id katoCode } receipt { id } testRun } }`;
const markTested = `mutation($id: ID!) { markDigitalObjectTested(digitalObjectId: $id) { digitalObject { id status } } }`;
const createWebhook = `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } signingSecret testRun } }`;

interface Kept extends Record<string, number> {
  accounts: number;
  tariffs: number;
  buildings: number;
  receipts: number;
  changes: number;
  keys: number;
  subscriptions: number;
  jobs: number;
}

describe('the testing stand', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplier: Actor;
  let akimat: Actor;
  let supplierId: string;
  let buildingId: string;

  const accounts = () => [
    {
      buildingId,
      premiseNumber: '1',
      accountNumber: 'T-1',
      holderName: 'Holder',
      holderIin: makeIin(),
      service: 'WATER_SUPPLY',
      openedAt: '2024-01-15',
    },
    {
      buildingId,
      premiseNumber: '2',
      accountNumber: 'T-2',
      holderName: 'Holder',
      holderIin: makeIin(),
      service: 'WATER_SUPPLY',
      openedAt: '2024-01-15',
    },
  ];

  /** What a write keeps: its rows, receipts, changes, idempotency keys, jobs. */
  async function kept(): Promise<Kept> {
    const [row] = await system.db.execute<Kept>(sql`
      select (select count(*)::int from utilities.personal_accounts) as accounts,
             (select count(*)::int from utilities.tariffs) as tariffs,
             (select count(*)::int from buildings.buildings) as buildings,
             (select count(*)::int from platform.receipts) as receipts,
             (select count(*)::int from platform.changes) as changes,
             (select count(*)::int from platform.idempotency_keys) as keys,
             (select count(*)::int from integration.webhook_subscriptions) as subscriptions,
             (select count(*)::int from graphile_worker.jobs) as jobs`);
    if (!row) throw new Error('The counts were not read.');
    return row;
  }

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    buildingId = await registerBuildingWithApartments(system, fixture, ['1', '2']);
    supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain, AccessFunction.TariffsMaintain], {
      testing: true,
    });
    const registered = await system.query(
      `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
      { input: { subjectId: supplier.subjectId, name: 'Vodokanal', bin: makeBin(), services: ['WATER_SUPPLY'] } },
      { token: fixture.adminToken },
    );
    expect(registered.errors).toBeUndefined();
    supplierId = registered.data?.registerSupplier.supplier.id;
    const territory = await fixture.access.subject('LOCAL_EXECUTIVE_BODY', { territoryKato: ALMATY });
    akimat = await fixture.machine('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], {
      subjectId: territory.id,
      testing: true,
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  it('a TESTING object’s bulk upsert answers like a real one, flagged, and keeps no row, receipt, change, key or job', async () => {
    const before = await kept();
    const response = await system.query(upsert, { supplierId, accounts: accounts(), key: 'stand-1' }, { token: supplier.token });
    expect(response.errors).toBeUndefined();
    const answer = response.data?.upsertPersonalAccounts;
    expect(answer).toMatchObject({
      created: 2,
      updated: 0,
      replayed: false,
      testRun: true,
      receipt: { operation: 'utilities.upsertPersonalAccounts' },
    });
    expect(answer.items.every((item: { id: string | null; status: string }) => item.id !== null && item.status === 'CREATED')).toBe(true);
    expect(await kept()).toEqual(before);
    // Run again with the same key: not a replay, since nothing was kept.
    const again = await system.query(upsert, { supplierId, accounts: accounts(), key: 'stand-1' }, { token: supplier.token });
    expect(again.data?.upsertPersonalAccounts).toMatchObject({ created: 2, replayed: false, testRun: true });
  });

  it('refuses what a live object would be refused, in the same words', async () => {
    const invalid = [{ ...accounts()[0], holderIin: '123', premiseNumber: '99' }];
    const response = await system.query(upsert, { supplierId, accounts: invalid }, { token: supplier.token });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(response.errors?.[0]?.extensions?.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'accounts[0].holderIin',
      'accounts[0].premiseNumber',
    ]);
  });

  it('a TESTING object’s single writes (a tariff, a building registration) are answered and not kept', async () => {
    const before = await kept();
    const tariff = await system.query(
      publishTariff,
      { input: { supplierId, service: 'WATER_SUPPLY', pricePerUnit: '123.45', unit: 'CUBIC_METRE', validFrom: '2026-01-01' } },
      { token: supplier.token },
    );
    expect(tariff.errors).toBeUndefined();
    expect(tariff.data?.publishTariff).toMatchObject({ testRun: true, tariff: { pricePerUnit: '123.4500' } });
    const building = await system.query(registerBuilding, { input: buildingInput({ katoCode: ALMALY }) }, { token: akimat.token });
    expect(building.errors).toBeUndefined();
    expect(building.data?.registerBuilding).toMatchObject({ testRun: true, building: { katoCode: ALMALY } });
    const webhook = await system.query(
      createWebhook,
      { input: { url: 'https://billing.example.kz/hooks', types: ['BUILDING'], notifyEmail: 'it@akimat.kz' } },
      { token: akimat.token },
    );
    expect(webhook.errors).toBeUndefined();
    expect(webhook.data?.createWebhookSubscription.testRun).toBe(true);
    expect(await kept()).toEqual(before);
  });

  it('the same object writes for real once the Administrator marks it tested (LIVE)', async () => {
    const digitalObjectId = (supplier.owner as { digitalObjectId: string }).digitalObjectId;
    const marked = await system.query(markTested, { id: digitalObjectId }, { token: fixture.adminToken });
    expect(marked.data?.markDigitalObjectTested.digitalObject.status).toBe('LIVE');
    const before = await kept();
    const response = await system.query(upsert, { supplierId, accounts: accounts(), key: 'stand-1' }, { token: supplier.token });
    expect(response.errors).toBeUndefined();
    expect(response.data?.upsertPersonalAccounts).toMatchObject({ created: 2, replayed: false, testRun: false });
    const after = await kept();
    expect(after).toMatchObject({
      accounts: before.accounts + 2,
      receipts: before.receipts + 1,
      changes: before.changes + 2,
      keys: before.keys + 1,
    });
    const receiptId = response.data?.upsertPersonalAccounts.receipt.id;
    const [stored] = await system.db.execute<{ id: string }>(sql`select id::text from platform.receipts where id = ${receiptId}::uuid`);
    expect(stored?.id).toBe(receiptId);
  });
});
