import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { definition as utilities } from '../subgraphs/utilities/definition.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { type SubgraphWithoutDatabase, startSubgraphWithoutDatabase } from './support/outage.js';
import { startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// The error convention of docs/architecture.md, on the utilities subgraph through the
// gateway: one case of every code, and SERVICE_UNAVAILABLE from a subgraph whose database
// is unreachable.

const registerSupplier = `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } receipt { id } } }`;
const upsert = `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!) {
  upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts) { created receipt { id } } }`;
const listAccounts = `query($filter: PersonalAccountFilter) { personalAccounts(first: 10, filter: $filter) { edges { node { id } } } }`;

describe('utilities errors', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplier: Actor;
  let buildingId: string;
  let bin: string;

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    buildingId = await registerBuildingWithApartments(system, fixture, []);
    supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    bin = makeBin();
    const registered = await system.query(
      registerSupplier,
      { input: { subjectId: supplier.subjectId, name: 'Vodokanal', bin, services: ['WATER_SUPPLY'] } },
      { token: fixture.adminToken },
    );
    expect(registered.errors).toBeUndefined();
  });
  afterAll(async () => {
    await system?.close();
  });

  async function rows(): Promise<{ accounts: number; suppliers: number; receipts: number }> {
    const [row] = await system.db.execute<{ accounts: number; suppliers: number; receipts: number }>(sql`
      select (select count(*) from utilities.personal_accounts)::int as accounts,
             (select count(*) from utilities.suppliers)::int as suppliers,
             (select count(*) from platform.receipts where operation like 'utilities.%')::int as receipts`);
    return row!;
  }

  function account() {
    return {
      buildingId,
      accountNumber: `E-${randomUUID().slice(0, 8)}`,
      holderName: 'Асанов Асан',
      holderIin: makeIin(),
      service: 'WATER_SUPPLY',
      openedAt: '2024-01-15',
    };
  }

  it('BAD_USER_INPUT names a malformed id, in a filter and in an argument', async () => {
    const filtered = await system.query(listAccounts, { filter: { buildingId: 'not-an-id' } }, { token: supplier.token });
    expect(filtered.data).toBeNull();
    expect(filtered.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.buildingId' });
    const looked = await system.query(`query($id: ID!) { supplier(id: $id) { id } }`, { id: '42' });
    expect(looked.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const write = await system.query(upsert, { supplierId: 'supplier-1', accounts: [account()] }, { token: supplier.token });
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'supplierId' });
  });

  it('NOT_FOUND for the target of a write that does not exist, naming the input field; nothing written', async () => {
    const before = await rows();
    const write = await system.query(upsert, { supplierId: randomUUID(), accounts: [account()] }, { token: supplier.token });
    expect(write.data).toBeNull();
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'supplierId' });
    const noSubject = await system.query(
      registerSupplier,
      { input: { subjectId: randomUUID(), name: 'Nobody', bin: makeBin(), services: ['GAS'] } },
      { token: fixture.adminToken },
    );
    expect(noSubject.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.subjectId' });
    expect(await rows()).toEqual(before);
  });

  it('null, and no error, for a look-up by id of nothing', async () => {
    const response = await system.query(
      `query($id: ID!) { supplier(id: $id) { id } personalAccount(id: $id) { id } }`,
      { id: randomUUID() },
      { token: supplier.token },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ supplier: null, personalAccount: null });
  });

  it('UNAUTHENTICATED for an anonymous caller on a protected field', async () => {
    const response = await system.query(listAccounts);
    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('FORBIDDEN when the caller’s rights do not allow it; nothing written', async () => {
    const before = await rows();
    const subject = await fixture.access.subject('UTILITY_SUPPLIER');
    const response = await system.query(
      registerSupplier,
      { input: { subjectId: subject.id, name: 'Self-registered', bin: makeBin(), services: ['GAS'] } },
      { token: supplier.token },
    );
    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await rows()).toEqual(before);
  });

  it('CONFLICT for a supplier whose BIN or subject is already registered; nothing written', async () => {
    const before = await rows();
    const subject = await fixture.access.subject('NATURAL_MONOPOLY');
    const sameBin = await system.query(
      registerSupplier,
      { input: { subjectId: subject.id, name: 'Twin', bin, services: ['GAS'] } },
      { token: fixture.adminToken },
    );
    expect(sameBin.data).toBeNull();
    expect(sameBin.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.bin' });
    const sameSubject = await system.query(
      registerSupplier,
      { input: { subjectId: supplier.subjectId, name: 'Again', bin: makeBin(), services: ['GAS'] } },
      { token: fixture.adminToken },
    );
    expect(sameSubject.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.subjectId' });
    expect(await rows()).toEqual(before);
  });
});

describe('utilities during a database outage', () => {
  let subgraph: SubgraphWithoutDatabase;
  const supplierSubject = randomUUID();
  const caller: Caller = {
    kind: 'machine',
    digitalObjectId: randomUUID(),
    digitalObjectStatus: 'LIVE',
    tokenId: randomUUID(),
    isAdministrator: false,
    grants: [
      {
        grantId: randomUUID(),
        subjectId: supplierSubject,
        subjectKind: 'UTILITY_SUPPLIER',
        territoryKato: null,
        functions: [AccessFunction.PersonalAccountsMaintain],
      },
    ],
  };

  beforeAll(async () => {
    subgraph = await startSubgraphWithoutDatabase(utilities);
  });
  afterAll(async () => {
    await subgraph?.close();
  });

  it('SERVICE_UNAVAILABLE when a rule needs the database (and the write is still refused)', async () => {
    const response = await subgraph.call(caller, upsert, {
      supplierId: randomUUID(),
      accounts: [
        {
          buildingId: randomUUID(),
          accountNumber: 'X-1',
          holderName: 'Асанов Асан',
          holderIin: makeIin(),
          service: 'WATER_SUPPLY',
          openedAt: '2024-01-15',
        },
      ],
    });
    expect(response.data).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
  });

  it('SERVICE_UNAVAILABLE when a resolver needs the database', async () => {
    const response = await subgraph.call({ kind: 'anonymous' }, '{ suppliers(first: 5) { edges { node { id } } } }');
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(JSON.stringify(response.errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });
});
