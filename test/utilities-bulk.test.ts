import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments, utilitiesCounts } from './support/utilities-fixtures.js';

// `upsertPersonalAccounts` through the gateway on the one bulk path (lib/bulk.ts): a result
// per account, ALL_OR_NOTHING and PER_ITEM, idempotency keys, and accounts checked against
// the register's buildings and premises.

const upsert = `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!, $mode: BulkMode, $key: String) {
  upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts, mode: $mode, idempotencyKey: $key) {
    created updated rejected replayed
    items { index key id status errors { field message } }
    receipt { id operation receivedAt recordedAt } } }`;

interface ItemResult {
  index: number;
  key: string | null;
  id: string | null;
  status: 'CREATED' | 'UPDATED' | 'REJECTED';
  errors: Array<{ field: string; message: string }>;
}

interface UpsertPayload {
  created: number;
  updated: number;
  rejected: number;
  replayed: boolean;
  items: ItemResult[];
  receipt: { id: string; operation: string; receivedAt: string; recordedAt: string } | null;
}

const fieldsOf = (item: ItemResult) => item.errors.map((error) => error.field);

describe('bulk upsert of personal accounts', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplier: Actor;
  let supplierId: string;
  /** Apartments 1–3. */
  let buildingA: string;
  /** Apartment 7 only. */
  let buildingB: string;
  let serial = 0;

  function account(overrides: Record<string, unknown> = {}) {
    serial += 1;
    return {
      key: `row-${serial}`,
      buildingId: buildingA,
      premiseNumber: '1',
      accountNumber: `BULK-${serial}`,
      holderName: 'Асанов Асан',
      holderIin: makeIin(),
      service: 'WATER_SUPPLY',
      openedAt: '2024-01-15',
      ...overrides,
    };
  }

  function send(variables: Record<string, unknown>, actor: Actor = supplier) {
    return system.query<{ upsertPersonalAccounts: UpsertPayload }>(upsert, { supplierId, ...variables }, { token: actor.token });
  }

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    buildingA = await registerBuildingWithApartments(system, fixture, ['1', '2', '3']);
    buildingB = await registerBuildingWithApartments(system, fixture, ['7']);
    supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    const registered = await system.query(
      `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
      { input: { subjectId: supplier.subjectId, name: 'Vodokanal', bin: makeBin(), services: ['WATER_SUPPLY', 'SEWERAGE'] } },
      { token: fixture.adminToken },
    );
    expect(registered.errors).toBeUndefined();
    supplierId = registered.data?.registerSupplier.supplier.id;
  });
  afterAll(async () => {
    await system?.close();
  });

  /** Two valid accounts around three invalid ones: a bad IIN, a building not in the register, a premise not in its building. */
  function mixedBatch() {
    return [
      account(),
      account({ holderIin: '123456789012' }),
      account({ buildingId: randomUUID() }),
      account({ buildingId: buildingB, premiseNumber: '1' }),
      account({ buildingId: buildingB, premiseNumber: null }),
    ];
  }

  it('PER_ITEM writes the valid accounts and reports each invalid one by index, key and field', async () => {
    const before = await utilitiesCounts(system.db);
    const accounts = mixedBatch();
    const response = await send({ accounts, mode: 'PER_ITEM' });
    expect(response.errors).toBeUndefined();
    const result = response.data!.upsertPersonalAccounts;
    expect(result).toMatchObject({
      created: 2,
      updated: 0,
      rejected: 3,
      replayed: false,
      receipt: { operation: 'utilities.upsertPersonalAccounts' },
    });
    expect(result.items.map((item) => [item.index, item.key, item.status, fieldsOf(item)])).toEqual([
      [0, accounts[0]!.key, 'CREATED', []],
      [1, accounts[1]!.key, 'REJECTED', ['accounts[1].holderIin']],
      [2, accounts[2]!.key, 'REJECTED', ['accounts[2].buildingId']],
      [3, accounts[3]!.key, 'REJECTED', ['accounts[3].premiseNumber']],
      [4, accounts[4]!.key, 'CREATED', []],
    ]);
    expect(result.items.filter((item) => item.status === 'REJECTED').every((item) => item.id === null)).toBe(true);
    // Messages say what to change and never repeat the holder's data.
    expect(result.items[3]?.errors[0]?.message).toMatch(/^accounts\[3\]\.premiseNumber: .*premise/);
    expect(JSON.stringify(result.items)).not.toContain(accounts[1]!.holderIin);

    const stored = await system.db.execute<{ id: string; account_number: string; premise_number: string | null }>(
      sql`select id, account_number, premise_number from utilities.personal_accounts where account_number = any(${`{${accounts.map((a) => a.accountNumber).join(',')}}`}::text[]) order by account_number`,
    );
    expect(stored.map((row) => row.account_number)).toEqual([accounts[0]!.accountNumber, accounts[4]!.accountNumber]);
    const writtenIds = new Set([result.items[0]?.id, result.items[4]?.id]);
    expect(new Set(stored.map((row) => row.id))).toEqual(writtenIds);
    const [receipt] = await system.db.execute<{ object_ids: string[] }>(
      sql`select object_ids from platform.receipts where id = ${result.receipt?.id}`,
    );
    expect(new Set(receipt?.object_ids)).toEqual(writtenIds);
    expect(await utilitiesCounts(system.db)).toEqual({
      ...before,
      accounts: before.accounts + 2,
      receipts: before.receipts + 1,
      versions: before.versions + 2,
    });
  });

  it('ALL_OR_NOTHING (the default) refuses the same call with BAD_USER_INPUT naming every problem, and stores none', async () => {
    const before = await utilitiesCounts(system.db);
    for (const mode of ['ALL_OR_NOTHING', undefined]) {
      const response = await send({ accounts: mixedBatch(), ...(mode ? { mode } : {}) });
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.extensions?.problems.map((problem: { field: string }) => problem.field)).toEqual([
        'accounts[1].holderIin',
        'accounts[2].buildingId',
        'accounts[3].premiseNumber',
      ]);
    }
    expect(await utilitiesCounts(system.db)).toEqual(before);
  });

  it('reports an account whose number is already in the call, and updates an account placed before', async () => {
    const first = account();
    const created = await send({ accounts: [first] });
    expect(created.data?.upsertPersonalAccounts).toMatchObject({ created: 1, updated: 0 });
    const changed = { ...first, key: 'again', holderName: 'Асанова Айгерим' };
    const response = await send({ accounts: [changed, { ...changed, key: 'twice' }], mode: 'PER_ITEM' });
    expect(response.errors).toBeUndefined();
    const result = response.data!.upsertPersonalAccounts;
    expect(result).toMatchObject({ created: 0, updated: 1, rejected: 1 });
    expect(result.items[0]).toMatchObject({ key: 'again', status: 'UPDATED', id: created.data?.upsertPersonalAccounts.items[0]?.id });
    expect(result.items[1]).toMatchObject({ key: 'twice', status: 'REJECTED', errors: [{ field: 'accounts[1].accountNumber' }] });
  });

  it('refuses per item an account of a building that is not in the register, and one of a premise its building lacks', async () => {
    const before = await utilitiesCounts(system.db);
    // Apartment 2 exists, but in building A; building B has only apartment 7.
    const accounts = [
      account({ buildingId: randomUUID(), premiseNumber: null }),
      account({ buildingId: buildingB, premiseNumber: '2' }),
      account({ buildingId: buildingB, premiseNumber: '7' }),
      account({ buildingId: buildingA, premiseNumber: '2' }),
      // Every problem of an item at once, the register's among them.
      account({ buildingId: randomUUID(), holderIin: '123456789012' }),
    ];
    const response = await send({ accounts, mode: 'PER_ITEM' });
    expect(response.errors).toBeUndefined();
    expect(response.data?.upsertPersonalAccounts.items.map((item) => [item.status, fieldsOf(item)])).toEqual([
      ['REJECTED', ['accounts[0].buildingId']],
      ['REJECTED', ['accounts[1].premiseNumber']],
      ['CREATED', []],
      ['CREATED', []],
      ['REJECTED', ['accounts[4].holderIin', 'accounts[4].buildingId']],
    ]);
    expect((await utilitiesCounts(system.db)).accounts).toBe(before.accounts + 2);

    // Nothing valid at all: nothing written, no receipt.
    const none = await send({ accounts: [account({ buildingId: randomUUID() })], mode: 'PER_ITEM' });
    expect(none.data?.upsertPersonalAccounts).toMatchObject({ created: 0, updated: 0, rejected: 1, receipt: null });
    expect(await utilitiesCounts(system.db)).toMatchObject({ accounts: before.accounts + 2, receipts: before.receipts + 1 });
  });

  it('replays the first result for the same idempotency key and content, writing nothing', async () => {
    const accounts = mixedBatch();
    const key = `replay-${randomUUID()}`;
    const first = await send({ accounts, mode: 'PER_ITEM', key });
    expect(first.errors).toBeUndefined();
    expect(first.data?.upsertPersonalAccounts.replayed).toBe(false);
    const afterFirst = await utilitiesCounts(system.db);

    const again = await send({ accounts, mode: 'PER_ITEM', key });
    expect(again.errors).toBeUndefined();
    expect(again.data?.upsertPersonalAccounts).toEqual({ ...first.data?.upsertPersonalAccounts, replayed: true });
    // No account created or updated (versions unchanged), no receipt, no second key.
    expect(await utilitiesCounts(system.db)).toEqual(afterFirst);
  });

  it('refuses the same idempotency key with other content as CONFLICT, writing nothing', async () => {
    const key = `conflict-${randomUUID()}`;
    const first = await send({ accounts: [account()], key });
    expect(first.errors).toBeUndefined();
    const before = await utilitiesCounts(system.db);
    const other = await send({ accounts: [account()], key });
    expect(other.data).toBeNull();
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(await utilitiesCounts(system.db)).toEqual(before);
  });

  it('runs 5 concurrent calls with one idempotency key once: one write, one receipt, the same receipt in every answer', async () => {
    const before = await utilitiesCounts(system.db);
    const accounts = Array.from({ length: 50 }, () => account({ premiseNumber: null }));
    const key = `concurrent-${randomUUID()}`;
    const responses = await Promise.all(Array.from({ length: 5 }, () => send({ accounts, key })));
    for (const response of responses) expect(response.errors).toBeUndefined();
    const results = responses.map((response) => response.data!.upsertPersonalAccounts);
    expect(new Set(results.map((result) => result.receipt?.id)).size).toBe(1);
    expect(results[0]?.receipt).not.toBeNull();
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(results.every((result) => result.created === 50 && result.updated === 0)).toBe(true);
    expect(new Set(results.map((result) => JSON.stringify(result.items))).size).toBe(1);
    expect(await utilitiesCounts(system.db)).toEqual({
      accounts: before.accounts + 50,
      receipts: before.receipts + 1,
      versions: before.versions + 50,
      idempotencyKeys: before.idempotencyKeys + 1,
    });
  });
});
