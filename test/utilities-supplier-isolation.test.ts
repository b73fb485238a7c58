import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { callerHeaders } from './support/signed-request.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// A supplier reaches its own personal accounts and nobody else's: through every root
// field, through `_entities` sent straight to the subgraph, and through the entity
// extension of Building. Analysts read all accounts but no personal data without the right.

/** A building of the register with apartment 12, registered through the buildings subgraph: accounts must name real premises. */
let buildingId = '';

const registerSupplier = `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id subjectId } receipt { id operation } } }`;
const upsert = `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!) {
  upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts) { created updated receipt { id operation receivedAt recordedAt } } }`;
const listAccounts = `query($filter: PersonalAccountFilter) { personalAccounts(first: 100, filter: $filter) {
  edges { node { id accountNumber holderName holderIin supplier { id name } } } pageInfo { hasNextPage } } }`;

function account(accountNumber: string, overrides: Record<string, unknown> = {}) {
  return {
    buildingId,
    premiseNumber: '12',
    accountNumber,
    holderName: 'Асанов Асан',
    holderIin: makeIin(),
    service: 'WATER_SUPPLY',
    openedAt: '2024-01-15',
    ...overrides,
  };
}

describe('supplier isolation', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let supplierA: Actor;
  let supplierB: Actor;
  let analyst: Actor;
  let analystWithPersonalData: Actor;
  /** Each acts for a registered supplier with one function only: the other operation is not theirs. */
  let tariffsOnlyA: Actor;
  let accountsOnlyB: Actor;
  const supplierIds: Record<'A' | 'B', string> = { A: '', B: '' };
  const accountIds: Record<'A' | 'B', string[]> = { A: [], B: [] };

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    buildingId = await registerBuildingWithApartments(system, fixture, ['12']);
    const maintain = [
      AccessFunction.PersonalAccountsMaintain,
      AccessFunction.TariffsMaintain,
      AccessFunction.SupplierRegisterMaintain,
      AccessFunction.EngineeringNetworksMaintain,
    ];
    supplierA = await fixture.machine('UTILITY_SUPPLIER', maintain);
    supplierB = await fixture.person('UTILITY_SUPPLIER', maintain);
    analyst = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    analystWithPersonalData = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead, AccessFunction.PersonalDataRead]);
    tariffsOnlyA = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.TariffsMaintain], { subjectId: supplierA.subjectId });
    accountsOnlyB = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain], { subjectId: supplierB.subjectId });

    for (const [key, actor] of [
      ['A', supplierA],
      ['B', supplierB],
    ] as const) {
      const registered = await system.query(
        registerSupplier,
        { input: { subjectId: actor.subjectId, name: `Supplier ${key}`, bin: makeBin(), services: ['WATER_SUPPLY', 'SEWERAGE'] } },
        { token: fixture.adminToken },
      );
      expect(registered.errors).toBeUndefined();
      supplierIds[key] = registered.data?.registerSupplier.supplier.id;
    }
    const a = await system.query(
      upsert,
      { supplierId: supplierIds.A, accounts: [account('A-1'), account('A-2'), account('SAME-NO')] },
      { token: supplierA.token },
    );
    expect(a.errors).toBeUndefined();
    expect(a.data?.upsertPersonalAccounts.created).toBe(3);
    const b = await system.query(
      upsert,
      { supplierId: supplierIds.B, accounts: [account('B-1'), account('SAME-NO', { holderName: 'Бекова Бибигуль' })] },
      { token: supplierB.token },
    );
    expect(b.errors).toBeUndefined();
    for (const [key, actor] of [
      ['A', supplierA],
      ['B', supplierB],
    ] as const) {
      const listed = await system.query(listAccounts, {}, { token: actor.token });
      accountIds[key] = listed.data?.personalAccounts.edges.map((edge: any) => edge.node.id);
    }
  });
  afterAll(async () => {
    await system?.close();
  });

  it('lists only the accounts of the supplier the caller acts for, holder data included', async () => {
    const own = await system.query(listAccounts, {}, { token: supplierA.token });
    expect(own.errors).toBeUndefined();
    const nodes = own.data?.personalAccounts.edges.map((edge: any) => edge.node);
    expect(nodes.map((node: any) => node.accountNumber).sort()).toEqual(['A-1', 'A-2', 'SAME-NO']);
    expect(new Set(nodes.map((node: any) => node.supplier.id))).toEqual(new Set([supplierIds.A]));
    expect(nodes.every((node: any) => /^\d{12}$/.test(node.holderIin) && node.holderName === 'Асанов Асан')).toBe(true);

    const filtered = await system.query(listAccounts, { filter: { supplierId: supplierIds.B } }, { token: supplierA.token });
    expect(filtered.data?.personalAccounts.edges).toEqual([]);
    const byNumber = await system.query(listAccounts, { filter: { accountNumber: 'SAME-NO' } }, { token: supplierA.token });
    expect(byNumber.data?.personalAccounts.edges.map((edge: any) => edge.node.holderName)).toEqual(['Асанов Асан']);
  });

  it("returns null for another supplier's account looked up by id", async () => {
    const query = `query($id: ID!) { personalAccount(id: $id) { id accountNumber holderIin } }`;
    for (const id of accountIds.B) {
      const response = await system.query(query, { id }, { token: supplierA.token });
      expect(response.errors).toBeUndefined();
      expect(response.data?.personalAccount).toBeNull();
    }
    const own = await system.query(query, { id: accountIds.A[0] }, { token: supplierA.token });
    expect(own.data?.personalAccount.id).toBe(accountIds.A[0]);
  });

  it('refuses accounts, listed or by id, to anonymous callers and to a signed-in caller whose grants reach none', async () => {
    const byId = `query($id: ID!) { personalAccount(id: $id) { id accountNumber } }`;
    const anonymous = await system.query(byId, { id: accountIds.A[0] });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.personalAccount ?? null).toBeNull();
    // Acts for supplier A, but with TARIFFS_MAINTAIN only.
    const noAccountsRight = await system.query(byId, { id: accountIds.A[0] }, { token: tariffsOnlyA.token });
    expect(noAccountsRight.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(noAccountsRight.data?.personalAccount ?? null).toBeNull();
    const list = await system.query(listAccounts, {}, { token: tariffsOnlyA.token });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(list.data).toBeNull();
  });

  it('keeps each function to its own operation, even for the supplier the caller acts for', async () => {
    const before = await system.query(listAccounts, {}, { token: supplierA.token });
    const write = await system.query(
      upsert,
      { supplierId: supplierIds.A, accounts: [account('A-1', { holderName: 'Overwritten' }), account('A-9')] },
      { token: tariffsOnlyA.token },
    );
    // Refused by the rule itself (it names the missing function), not only by the write's re-check.
    expect(write.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: expect.stringContaining('PERSONAL_ACCOUNTS_MAINTAIN'),
    });
    expect(write.data).toBeNull();
    expect((await system.query(listAccounts, {}, { token: supplierA.token })).data).toEqual(before.data);

    const tariff = await system.query(
      `mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id } } }`,
      { input: { supplierId: supplierIds.B, service: 'WATER_SUPPLY', pricePerUnit: '1.00', unit: 'CUBIC_METRE', validFrom: '2026-01-01' } },
      { token: accountsOnlyB.token },
    );
    expect(tariff.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('TARIFFS_MAINTAIN') });
    expect(tariff.data).toBeNull();
    const tariffs = await system.query(`query($id: ID) { tariffs(filter: { supplierId: $id }) { edges { node { id } } } }`, {
      id: supplierIds.B,
    });
    expect(tariffs.data?.tariffs.edges).toEqual([]);
  });

  it('finds a supplier and an account by an id written in upper case', async () => {
    const supplier = await system.query(`query($id: ID!) { supplier(id: $id) { id name } }`, { id: supplierIds.A.toUpperCase() });
    expect(supplier.data?.supplier).toEqual({ id: supplierIds.A, name: 'Supplier A' });
    const own = await system.query(
      `query($id: ID!) { personalAccount(id: $id) { id } }`,
      { id: accountIds.A[0]?.toUpperCase() },
      { token: supplierA.token },
    );
    expect(own.data?.personalAccount).toEqual({ id: accountIds.A[0] });
  });

  it("refuses writes to another supplier's accounts and tariffs, and writes nothing", async () => {
    const before = await system.query(listAccounts, {}, { token: supplierB.token });
    const write = await system.query(
      upsert,
      { supplierId: supplierIds.B, accounts: [account('B-1', { holderName: 'Overwritten' }), account('B-9')] },
      { token: supplierA.token },
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(write.data).toBeNull();
    const tariff = await system.query(
      `mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id } } }`,
      { input: { supplierId: supplierIds.B, service: 'WATER_SUPPLY', pricePerUnit: '1.00', unit: 'CUBIC_METRE', validFrom: '2026-01-01' } },
      { token: supplierA.token },
    );
    expect(tariff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const after = await system.query(listAccounts, {}, { token: supplierB.token });
    expect(after.data).toEqual(before.data);
    const tariffs = await system.query(`{ tariffs(filter: { service: WATER_SUPPLY }) { edges { node { id } } } }`);
    expect(tariffs.data?.tariffs.edges).toEqual([]);
  });

  it("refuses keeping another supplier's passport, and changes nothing", async () => {
    const passportOf = `query($id: ID!) { supplier(id: $id) { services naturalMonopoly version licences { number } } }`;
    const before = await system.query(passportOf, { id: supplierIds.B });
    const write = await system.query(
      `mutation($id: ID!, $input: SupplierPassportInput!) { updateSupplierPassport(supplierId: $id, input: $input) { supplier { version } } }`,
      {
        id: supplierIds.B,
        input: { services: ['GAS'], naturalMonopoly: true, territoryKatos: [], buildingIds: [], licences: [] },
      },
      { token: supplierA.token },
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(write.data).toBeNull();
    expect((await system.query(passportOf, { id: supplierIds.B })).data).toEqual(before.data);
  });

  it("keeps a supplier from another supplier's networks: no placing, no change, no served buildings, also through _entities", async () => {
    const input = {
      kind: 'WATER',
      name: 'Водопровод',
      territoryKato: '751110000',
      yearCommissioned: 1990,
      wearPercent: '40',
      buildingIds: [buildingId],
    };
    const placed = await system.query(
      `mutation($id: ID!, $input: EngineeringNetworkInput!) { placeEngineeringNetwork(supplierId: $id, input: $input) { network { id } } }`,
      { id: supplierIds.A, input },
      { token: supplierA.token },
    );
    expect(placed.errors).toBeUndefined();
    const networkId = placed.data?.placeEngineeringNetwork.network.id;
    const foreignPlace = await system.query(
      `mutation($id: ID!, $input: EngineeringNetworkInput!) { placeEngineeringNetwork(supplierId: $id, input: $input) { network { id } } }`,
      { id: supplierIds.A, input },
      { token: supplierB.token },
    );
    expect(foreignPlace.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const foreignChange = await system.query(
      `mutation($id: ID!, $input: EngineeringNetworkInput!) { updateEngineeringNetwork(id: $id, input: $input) { network { id } } }`,
      { id: networkId, input: { ...input, wearPercent: '1' } },
      { token: supplierB.token },
    );
    expect(foreignChange.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const read = `query($id: ID!) { engineeringNetwork(id: $id) { wearPercent buildings { id } } }`;
    const asB = await system.query(read, { id: networkId }, { token: supplierB.token });
    expect(asB.data?.engineeringNetwork).toEqual({ wearPercent: '40.00', buildings: null });
    expect(asB.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const entities = await postGraphQL(
      system.subgraphUrls.utilities,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on EngineeringNetwork { id buildings { id } } } }`,
      { r: [{ __typename: 'EngineeringNetwork', id: networkId }] },
      callerHeaders(await supplierB.caller(), system.gatewaySecret),
    );
    expect(entities.data?._entities).toEqual([{ id: networkId, buildings: null }]);
    expect(entities.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asA = await system.query(read, { id: networkId }, { token: supplierA.token });
    expect(asA.data?.engineeringNetwork.buildings).toEqual([{ id: buildingId }]);
  });

  it("an upsert with another supplier's account number creates the caller's own account, leaving theirs untouched", async () => {
    const write = await system.query(
      upsert,
      { supplierId: supplierIds.A, accounts: [account('SAME-NO', { holderName: 'Асанов Асан' }), account('B-1')] },
      { token: supplierA.token },
    );
    expect(write.errors).toBeUndefined();
    expect(write.data?.upsertPersonalAccounts).toMatchObject({ created: 1, updated: 1 });
    const b = await system.query(listAccounts, { filter: { accountNumber: 'SAME-NO' } }, { token: supplierB.token });
    expect(b.data?.personalAccounts.edges.map((edge: any) => edge.node.holderName)).toEqual(['Бекова Бибигуль']);
    const bOwn = await system.query(listAccounts, {}, { token: supplierB.token });
    expect(bOwn.data?.personalAccounts.edges).toHaveLength(2);
  });

  describe('_entities sent straight to the utilities subgraph with a gateway-signed caller', () => {
    const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on PersonalAccount { id accountNumber holderIin }
      ... on Building { id personalAccounts(first: 50) { id accountNumber } } } }`;

    async function asCaller(actor: Actor | null, representations: unknown[]) {
      const caller = actor ? await actor.caller() : { kind: 'anonymous' as const };
      return postGraphQL(system.subgraphUrls.utilities, entities, { representations }, callerHeaders(caller, system.gatewaySecret));
    }

    it("resolves another supplier's accounts to null and the caller's own to data", async () => {
      const representations = [...accountIds.B, ...accountIds.A].map((id) => ({ __typename: 'PersonalAccount', id }));
      const response = await asCaller(supplierA, representations);
      expect(response.errors).toBeUndefined();
      const resolved = response.data?._entities as Array<{ id: string } | null>;
      expect(resolved.slice(0, accountIds.B.length)).toEqual(accountIds.B.map(() => null));
      expect(resolved.slice(accountIds.B.length).map((entity) => entity?.id)).toEqual(accountIds.A);
    });

    it("gives a Building only the caller's own accounts", async () => {
      const response = await asCaller(supplierB, [{ __typename: 'Building', id: buildingId }]);
      expect(response.errors).toBeUndefined();
      const accountsOfBuilding = (response.data?._entities?.[0]?.personalAccounts ?? []) as Array<{ accountNumber: string }>;
      const numbers = accountsOfBuilding.map((a) => a.accountNumber).sort();
      expect(numbers).toEqual(['B-1', 'SAME-NO']);
    });

    it('refuses Building.personalAccounts and PersonalAccount entities to callers whose grants reach no account', async () => {
      const building = `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Building { id personalAccounts(first: 50) { id accountNumber } } } }`;
      const asBuilding = async (actor: Actor | null) => {
        const caller = actor ? await actor.caller() : { kind: 'anonymous' as const };
        return postGraphQL(
          system.subgraphUrls.utilities,
          building,
          { representations: [{ __typename: 'Building', id: buildingId }] },
          callerHeaders(caller, system.gatewaySecret),
        );
      };
      for (const [actor, code] of [
        [null, 'UNAUTHENTICATED'],
        [tariffsOnlyA, 'FORBIDDEN'],
      ] as const) {
        const response = await asBuilding(actor);
        // The Building itself is open; only its accounts are refused.
        expect(response.data?._entities).toEqual([{ id: buildingId, personalAccounts: null }]);
        expect(response.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([
          ['_entities.0.personalAccounts', code],
        ]);
      }

      const account = await asCaller(tariffsOnlyA, [{ __typename: 'PersonalAccount', id: accountIds.A[0] }]);
      expect(account.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(account.data?._entities ?? null).toBeNull();
    });

    it('refuses anonymous callers, and types without an entity policy, as a whole', async () => {
      const anonymous = await asCaller(null, [{ __typename: 'PersonalAccount', id: accountIds.A[0] }]);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(anonymous.data?._entities ?? null).toBeNull();
      const mixed = await asCaller(supplierA, [
        { __typename: 'PersonalAccount', id: accountIds.A[0] },
        { __typename: 'Tariff', id: randomUUID() },
      ]);
      expect(mixed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(mixed.data?._entities ?? null).toBeNull();
    });

    it('never serves `_service`, even to a signed administrator', async () => {
      const admin = await callerOf(fixture.adminToken);
      const response = await postGraphQL(
        system.subgraphUrls.utilities,
        '{ _service { sdl } }',
        {},
        callerHeaders(admin, system.gatewaySecret),
      );
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(response.data ?? null)).not.toContain('PersonalAccount');
    });

    async function callerOf(token: string) {
      const { callerForToken } = await import('../subgraphs/access/caller-resolution.js');
      return callerForToken(system.db, token);
    }
  });

  it('gives a national analyst every account but no holder data without PERSONAL_DATA_READ', async () => {
    const plain = await system.query(listAccounts, {}, { token: analyst.token });
    const nodes = plain.data?.personalAccounts.edges.map((edge: any) => edge.node);
    expect(nodes).toHaveLength(accountIds.A.length + accountIds.B.length + 1);
    expect(nodes.every((node: any) => node.holderIin === null && node.holderName === null)).toBe(true);
    // One refusal per field path (holderIin, holderName), counting the rows it stands for.
    expect(plain.errors?.length).toBe(2);
    expect(plain.errors?.map((error) => error.extensions?.count)).toEqual([nodes.length, nodes.length]);
    expect(new Set(plain.errors?.map((error) => error.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
    // The refusal message names the right, never the data.
    expect(JSON.stringify(plain.errors)).not.toMatch(/\d{12}|Асанов|Бекова/);

    const withRight = await system.query(listAccounts, {}, { token: analystWithPersonalData.token });
    expect(withRight.errors).toBeUndefined();
    expect(withRight.data?.personalAccounts.edges.every((edge: any) => /^\d{12}$/.test(edge.node.holderIin))).toBe(true);
  });

  it('lets anonymous callers read the open part (suppliers, published tariffs) and nothing else', async () => {
    const published = await system.query(
      `mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id pricePerUnit } receipt { operation } } }`,
      { input: { supplierId: supplierIds.A, service: 'SEWERAGE', pricePerUnit: '123.45', unit: 'CUBIC_METRE', validFrom: '2026-01-01' } },
      { token: supplierA.token },
    );
    expect(published.errors).toBeUndefined();
    expect(published.data?.publishTariff).toMatchObject({
      tariff: { pricePerUnit: '123.4500' },
      receipt: { operation: 'utilities.publishTariff' },
    });

    const open =
      await system.query(`{ suppliers(first: 10) { edges { node { id name bin services tariffs { service pricePerUnit unit } } } }
      tariffs { edges { node { service pricePerUnit supplier { id } } } } }`);
    expect(open.errors).toBeUndefined();
    expect(open.data?.suppliers.edges.map((edge: any) => edge.node.id).sort()).toEqual([supplierIds.A, supplierIds.B].sort());
    expect(open.data?.tariffs.edges).toEqual([
      { node: { service: 'SEWERAGE', pricePerUnit: '123.4500', supplier: { id: supplierIds.A } } },
    ]);

    const closed = await system.query(listAccounts);
    expect(closed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(closed.data).toBeNull();
    const write = await system.query(upsert, { supplierId: supplierIds.A, accounts: [account('X-1')] });
    expect(write.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
