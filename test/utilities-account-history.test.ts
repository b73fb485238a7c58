import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// Personal accounts (p.4.11) are opened and closed with dates, and every change is kept in
// the account's history, written by the write path itself; the holder's name and IIN are
// personal data and never enter it, only that they changed.

const upsert = `mutation($id: ID!, $accounts: [PersonalAccountInput!]!) { upsertPersonalAccounts(supplierId: $id, accounts: $accounts) { created updated } }`;
const close = `mutation($id: ID!, $number: String!, $closedOn: Date!) {
  closePersonalAccount(supplierId: $id, accountNumber: $number, closedOn: $closedOn) { account { id closedAt } receipt { operation } } }`;
const history = `query($number: String) { personalAccounts(filter: { accountNumber: $number }) { edges { node {
  closedAt history { change changedBy fields { field old new } personalDataChanged } } } } }`;

describe('personal account history and closing', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplierA: Actor;
  let supplierB: Actor;
  let buildingId = '';
  const supplierIds: Record<'A' | 'B', string> = { A: '', B: '' };
  const firstIin = makeIin();
  const account = (overrides: Record<string, unknown> = {}) => ({
    buildingId,
    premiseNumber: '12',
    accountNumber: 'H-1',
    holderName: 'Сапарова Динара',
    holderIin: firstIin,
    service: 'WATER_SUPPLY',
    openedAt: '2024-03-01',
    ...overrides,
  });

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    buildingId = await registerBuildingWithApartments(system, fixture, ['12', '13']);
    supplierA = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    supplierB = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    for (const [key, actor] of [
      ['A', supplierA],
      ['B', supplierB],
    ] as const) {
      const registered = await system.query(
        `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
        { input: { subjectId: actor.subjectId, name: `Supplier ${key}`, bin: makeBin(), services: ['WATER_SUPPLY'] } },
        { token: fixture.adminToken },
      );
      supplierIds[key] = registered.data?.registerSupplier.supplier.id;
    }
  });
  afterAll(async () => {
    await system?.close();
  });

  it('keeps the opening and each update of an account, without the holder’s data, and nothing for an unchanged write', async () => {
    expect((await system.query(upsert, { id: supplierIds.A, accounts: [account()] }, { token: supplierA.token })).errors).toBeUndefined();
    const moved = await system.query(
      upsert,
      { id: supplierIds.A, accounts: [account({ premiseNumber: '13', holderName: 'Сапарова Динара Ермековна' })] },
      { token: supplierA.token },
    );
    expect(moved.data?.upsertPersonalAccounts).toEqual({ created: 0, updated: 1 });
    // The same content again changes nothing, and the history says so by adding nothing.
    await system.query(
      upsert,
      { id: supplierIds.A, accounts: [account({ premiseNumber: '13', holderName: 'Сапарова Динара Ермековна' })] },
      { token: supplierA.token },
    );

    const read = await system.query(history, { number: 'H-1' }, { token: supplierA.token });
    expect(read.errors).toBeUndefined();
    const entries = read.data?.personalAccounts.edges[0].node.history;
    expect(entries.map((entry: { change: string }) => entry.change)).toEqual(['OPENED', 'UPDATED']);
    expect(entries[0].changedBy).toMatch(/^digital-object:/);
    expect(entries[0].personalDataChanged.sort()).toEqual(['holderIin', 'holderName']);
    expect(entries[0].fields).toContainEqual({ field: 'premiseNumber', old: null, new: '12' });
    expect(entries[1]).toMatchObject({
      change: 'UPDATED',
      fields: [{ field: 'premiseNumber', old: '12', new: '13' }],
      personalDataChanged: ['holderName'],
    });
    expect(JSON.stringify(entries)).not.toMatch(/Сапарова|\d{12}/);
  });

  it('closes an account on a day, once, within its life, and keeps the closing in the history', async () => {
    const before = await system.query(history, { number: 'H-1' }, { token: supplierA.token });
    const early = await system.query(close, { id: supplierIds.A, number: 'H-1', closedOn: '2024-02-28' }, { token: supplierA.token });
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'closedOn' });
    const future = await system.query(close, { id: supplierIds.A, number: 'H-1', closedOn: '2999-01-01' }, { token: supplierA.token });
    expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'closedOn' });
    const foreign = await system.query(close, { id: supplierIds.A, number: 'H-1', closedOn: '2025-01-31' }, { token: supplierB.token });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // B names its own supplier but A's account number: B keeps no such account.
    const notKept = await system.query(close, { id: supplierIds.B, number: 'H-1', closedOn: '2025-01-31' }, { token: supplierB.token });
    expect(notKept.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'accountNumber' });
    const anonymous = await system.query(close, { id: supplierIds.A, number: 'H-1', closedOn: '2025-01-31' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await system.query(history, { number: 'H-1' }, { token: supplierA.token })).data).toEqual(before.data);

    const closed = await system.query(close, { id: supplierIds.A, number: 'H-1', closedOn: '2025-01-31' }, { token: supplierA.token });
    expect(closed.errors).toBeUndefined();
    expect(closed.data?.closePersonalAccount).toMatchObject({
      account: { closedAt: '2025-01-31' },
      receipt: { operation: 'utilities.closePersonalAccount' },
    });
    const again = await system.query(close, { id: supplierIds.A, number: 'H-1', closedOn: '2025-02-01' }, { token: supplierA.token });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const after = await system.query(history, { number: 'H-1' }, { token: supplierA.token });
    const node = after.data?.personalAccounts.edges[0].node;
    expect(node.closedAt).toBe('2025-01-31');
    expect(node.history.at(-1)).toMatchObject({ change: 'CLOSED', fields: [{ field: 'closedAt', old: null, new: '2025-01-31' }] });
  });
});
