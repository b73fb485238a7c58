import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { type Actor, AuthFixture, makeBin } from './support/caller-fixtures.js';
import { callerHeaders } from './support/signed-request.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';
import { registerBuildingWithApartments } from './support/utilities-fixtures.js';

// Engineering networks (p.4.15): kept by their owner only; their figures are open; which
// buildings a network serves is read by the owner, national analysts and the local
// executive body of the network's territory.

const place = `mutation($supplierId: ID!, $input: EngineeringNetworkInput!) {
  placeEngineeringNetwork(supplierId: $supplierId, input: $input) {
    network { id kind name version owner { id } territory { katoCode } } receipt { operation } } }`;
const change = `mutation($id: ID!, $input: EngineeringNetworkInput!, $expectedVersion: Int) {
  updateEngineeringNetwork(id: $id, input: $input, expectedVersion: $expectedVersion) { network { id version wearPercent lastRepairOn } } }`;
const readOne = `query($id: ID!) { engineeringNetwork(id: $id) {
  id kind name territoryKato lengthKm yearCommissioned wearPercent lastRepairOn version buildings { id } } }`;

function network(buildingIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    kind: 'HEAT',
    name: 'Магистральная теплосеть ТЭЦ-2 — Алмалинский район',
    territoryKato: '751110000',
    lengthKm: '12.450',
    yearCommissioned: 1978,
    wearPercent: '63.5',
    lastRepairOn: '2023-08-15',
    buildingIds,
    ...overrides,
  };
}

describe('engineering networks', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let heat: Actor;
  let water: Actor;
  let almatyAkimat: Actor;
  let astanaAkimat: Actor;
  let analyst: Actor;
  let buildingId = '';
  let networkId = '';
  const supplierIds: Record<'heat' | 'water', string> = { heat: '', water: '' };

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    buildingId = await registerBuildingWithApartments(system, fixture, []);
    heat = await fixture.machine('NATURAL_MONOPOLY', [AccessFunction.EngineeringNetworksMaintain]);
    water = await fixture.person('UTILITY_SUPPLIER', [AccessFunction.EngineeringNetworksMaintain]);
    almatyAkimat = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: '750000000' });
    astanaAkimat = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: '710000000' });
    analyst = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    for (const [key, actor, services] of [
      ['heat', heat, ['HEAT']],
      ['water', water, ['WATER_SUPPLY', 'SEWERAGE']],
    ] as const) {
      const registered = await system.query(
        `mutation($input: RegisterSupplierInput!) { registerSupplier(input: $input) { supplier { id } } }`,
        { input: { subjectId: actor.subjectId, name: `Supplier ${key}`, bin: makeBin(), services } },
        { token: fixture.adminToken },
      );
      expect(registered.errors).toBeUndefined();
      supplierIds[key] = registered.data?.registerSupplier.supplier.id;
    }
    const placed = await system.query(place, { supplierId: supplierIds.heat, input: network([buildingId]) }, { token: heat.token });
    expect(placed.errors).toBeUndefined();
    expect(placed.data?.placeEngineeringNetwork).toMatchObject({
      network: { kind: 'HEAT', version: 1, owner: { id: supplierIds.heat }, territory: { katoCode: '751110000' } },
      receipt: { operation: 'utilities.placeEngineeringNetwork' },
    });
    networkId = placed.data?.placeEngineeringNetwork.network.id;
  });
  afterAll(async () => {
    await system?.close();
  });

  it("opens a network's figures to anyone, and its buildings only to the owner, analysts and its territory's akimat", async () => {
    const figures = `query($id: ID!) { engineeringNetwork(id: $id) {
      kind territoryKato lengthKm yearCommissioned wearPercent lastRepairOn owner { id } } }`;
    const anonymous = await system.query(figures, { id: networkId });
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data?.engineeringNetwork).toEqual({
      kind: 'HEAT',
      territoryKato: '751110000',
      lengthKm: '12.450',
      yearCommissioned: 1978,
      wearPercent: '63.50',
      lastRepairOn: '2023-08-15',
      owner: { id: supplierIds.heat },
    });
    // Asking for the buildings needs a sign-in: the answer says so (as for Building.meters).
    const anonymousLinks = await system.query(readOne, { id: networkId });
    expect(anonymousLinks.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(anonymousLinks.data)).not.toContain(buildingId);
    for (const reader of [heat, almatyAkimat, analyst]) {
      const response = await system.query(readOne, { id: networkId }, { token: reader.token });
      expect(response.errors).toBeUndefined();
      expect(response.data?.engineeringNetwork.buildings).toEqual([{ id: buildingId }]);
    }
    for (const outsider of [water, astanaAkimat]) {
      const response = await system.query(readOne, { id: networkId }, { token: outsider.token });
      expect(response.data?.engineeringNetwork.buildings).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('lists networks by territory, kind and owner, and under a Region, for anyone', async () => {
    const listed = await system.query(
      `query($katoCode: String) { engineeringNetworks(filter: { katoCode: $katoCode, kind: HEAT }) { edges { node { id owner { name } } } } }`,
      { katoCode: '750000000' },
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.engineeringNetworks.edges).toEqual([{ node: { id: networkId, owner: { name: 'Supplier heat' } } }]);
    const elsewhere = await system.query(`{ engineeringNetworks(filter: { katoCode: "710000000" }) { edges { node { id } } } }`);
    expect(elsewhere.data?.engineeringNetworks.edges).toEqual([]);
    const region = await system.query(`{ region(katoCode: "750000000") { nameRu engineeringNetworks { id kind } } }`);
    expect(region.errors).toBeUndefined();
    expect(region.data?.region.engineeringNetworks).toEqual([{ id: networkId, kind: 'HEAT' }]);
    const badKato = await system.query(`{ engineeringNetworks(filter: { katoCode: "75" }) { edges { node { id } } } }`);
    expect(badKato.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.katoCode' });
  });

  it("gives a Building the networks serving it within the caller's reach", async () => {
    const query = `query($id: ID!) { building(id: $id) { id engineeringNetworks { id name } } }`;
    const owner = await system.query(query, { id: buildingId }, { token: heat.token });
    expect(owner.errors).toBeUndefined();
    expect(owner.data?.building.engineeringNetworks.map((n: { id: string }) => n.id)).toEqual([networkId]);
    const akimat = await system.query(query, { id: buildingId }, { token: almatyAkimat.token });
    expect(akimat.data?.building.engineeringNetworks).toHaveLength(1);
    const otherOwner = await system.query(query, { id: buildingId }, { token: water.token });
    expect(otherOwner.errors).toBeUndefined();
    expect(otherOwner.data?.building.engineeringNetworks).toEqual([]);
    const anonymous = await system.query(query, { id: buildingId });
    expect(anonymous.data?.building).toEqual({ id: buildingId, engineeringNetworks: null });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a network carrying a service its owner does not supply, and invalid figures, naming every field; nothing written', async () => {
    const invalid = await system.query(
      place,
      {
        supplierId: supplierIds.heat,
        input: network([randomUUID()], { kind: 'WATER', wearPercent: '101', yearCommissioned: 3000, territoryKato: '75', lengthKm: '-1' }),
      },
      { token: heat.token },
    );
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(invalid.errors?.[0]?.extensions?.problems.map((problem: { field: string }) => problem.field).sort()).toEqual(
      ['input.kind', 'input.lastRepairOn', 'input.lengthKm', 'input.territoryKato', 'input.wearPercent', 'input.yearCommissioned'].sort(),
    );
    const unknownBuilding = await system.query(
      place,
      { supplierId: supplierIds.heat, input: network([randomUUID()]) },
      { token: heat.token },
    );
    expect(unknownBuilding.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.buildingIds[0]' });
    const all = await system.query(`{ engineeringNetworks { edges { node { id } } } }`);
    expect(all.data?.engineeringNetworks.edges).toHaveLength(1);
  });

  it("keeps a supplier from placing or changing another supplier's networks; the owner changes its own with a version check", async () => {
    const before = await system.query(readOne, { id: networkId }, { token: heat.token });
    const foreignPlace = await system.query(place, { supplierId: supplierIds.heat, input: network([]) }, { token: water.token });
    expect(foreignPlace.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const foreignChange = await system.query(change, { id: networkId, input: network([], { wearPercent: '10' }) }, { token: water.token });
    expect(foreignChange.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const akimatChange = await system.query(change, { id: networkId, input: network([]) }, { token: almatyAkimat.token });
    expect(akimatChange.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await system.query(change, { id: networkId, input: network([]) });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await system.query(readOne, { id: networkId }, { token: heat.token })).data).toEqual(before.data);

    const missing = await system.query(change, { id: randomUUID(), input: network([]) }, { token: heat.token });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const changed = await system.query(
      change,
      { id: networkId, input: network([buildingId], { wearPercent: '41.25', lastRepairOn: '2025-06-01' }), expectedVersion: 1 },
      { token: heat.token },
    );
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.updateEngineeringNetwork.network).toEqual({
      id: networkId,
      version: 2,
      wearPercent: '41.25',
      lastRepairOn: '2025-06-01',
    });
    const stale = await system.query(change, { id: networkId, input: network([]), expectedVersion: 1 }, { token: heat.token });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion' });
  });

  it('serves EngineeringNetwork entities to anyone, their buildings within the scope only', async () => {
    const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on EngineeringNetwork { id kind buildings { id } } } }`;
    const representations = [
      { __typename: 'EngineeringNetwork', id: networkId },
      { __typename: 'EngineeringNetwork', id: randomUUID() },
    ];
    const as = async (actor: Actor | null) =>
      postGraphQL(
        system.subgraphUrls.utilities,
        entities,
        { representations },
        callerHeaders(actor ? await actor.caller() : { kind: 'anonymous' }, system.gatewaySecret),
      );
    const owner = await as(heat);
    expect(owner.errors).toBeUndefined();
    expect(owner.data?._entities).toEqual([{ id: networkId, kind: 'HEAT', buildings: [{ id: buildingId }] }, null]);
    const other = await as(water);
    expect(other.data?._entities).toEqual([{ id: networkId, kind: 'HEAT', buildings: null }, null]);
    expect(other.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([['_entities.0.buildings', 'FORBIDDEN']]);
    const anonymous = await as(null);
    expect(anonymous.data?._entities?.[0]).toEqual({ id: networkId, kind: 'HEAT', buildings: null });
  });
});
