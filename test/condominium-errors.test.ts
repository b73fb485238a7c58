import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { definition } from '../subgraphs/condominium/definition.js';
import { buildingInput, insertTerritories } from './support/buildings-fixtures.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { type SubgraphWithoutDatabase, startSubgraphWithoutDatabase } from './support/outage.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// The error convention of docs/architecture.md, each code once, as the condominium
// subgraph answers it through the gateway (and, for an outage, straight from the subgraph).

const assign = `mutation($input: AssignManagementInput!) { assignManagement(input: $input) { assignment { id } receipt { id } } }`;
const history = `query($id: ID!) { managementHistory(buildingId: $id) { id } }`;

describe('condominium errors', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let buildingId: string;
  let osiId: string;

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    await insertTerritories(system.db);
    const registrar = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain]);
    const registered = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput() },
      { token: registrar.token },
    );
    expect(registered.errors).toBeUndefined();
    buildingId = registered.data?.registerBuilding.building.id;
    osiId = (await fixture.access.subject('OSI')).id;
  });
  afterAll(async () => {
    await system?.close();
  });

  it('BAD_USER_INPUT names the argument holding a malformed id', async () => {
    const response = await system.query(history, { id: 'not-an-id' });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'buildingId' });
    expect(response.errors?.[0]?.extensions?.problems).toEqual([{ field: 'buildingId', message: expect.stringContaining('buildingId') }]);
  });

  it('NOT_FOUND for a write whose target exists nowhere, naming the input field', async () => {
    const response = await system.query(assign, { input: { buildingId: randomUUID(), subjectId: osiId } }, { token: fixture.adminToken });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
    expect(response.data).toBeNull();
  });

  it('a look-up of nothing is null or empty, without an error', async () => {
    const unknown = await system.query(`query($id: ID!) { building(id: $id) { id management { subjectId } } }`, { id: randomUUID() });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.building).toBeNull();
    const unmanaged = await system.query(`query($id: ID!) { building(id: $id) { id management { subjectId } } }`, { id: buildingId });
    expect(unmanaged.errors).toBeUndefined();
    expect(unmanaged.data?.building).toEqual({ id: buildingId, management: null });
    const noHistory = await system.query(history, { id: randomUUID() });
    expect(noHistory.errors).toBeUndefined();
    expect(noHistory.data?.managementHistory).toEqual([]);
  });

  it('UNAUTHENTICATED for an anonymous caller of a protected field', async () => {
    const response = await system.query(assign, { input: { buildingId, subjectId: osiId } });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('FORBIDDEN for a signed-in caller whose rights do not allow it', async () => {
    const manager = await fixture.person('OSI', [AccessFunction.CondominiumManage], { subjectId: osiId });
    const response = await system.query(assign, { input: { buildingId, subjectId: osiId } }, { token: manager.token });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('CONFLICT when the subject already manages the building', async () => {
    const input = { buildingId, subjectId: osiId, validFrom: '2025-01-01' };
    const first = await system.query(assign, { input }, { token: fixture.adminToken });
    expect(first.errors).toBeUndefined();
    const again = await system.query(assign, { input }, { token: fixture.adminToken });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.subjectId' });
  });

  describe('with the database unreachable', () => {
    let subgraph: SubgraphWithoutDatabase;
    const administrator: Caller = { kind: 'person', personId: randomUUID(), tokenId: randomUUID(), isAdministrator: true, grants: [] };

    beforeAll(async () => {
      subgraph = await startSubgraphWithoutDatabase(definition);
    });
    afterAll(async () => {
      await subgraph?.close();
    });

    it('SERVICE_UNAVAILABLE from a resolver, for reads and writes alike', async () => {
      const read = await subgraph.call({ kind: 'anonymous' }, history, { id: randomUUID() });
      expect(read.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      const write = await subgraph.call(administrator, assign, { input: { buildingId: randomUUID(), subjectId: randomUUID() } });
      expect(write.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(write.data).toBeNull();
    });
  });
});
