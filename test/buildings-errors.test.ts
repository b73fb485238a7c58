import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousCaller, grantsOf } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { BuildingRegisterManager, type RegistrationInput } from '../subgraphs/buildings/building-register-manager.js';
import { definition } from '../subgraphs/buildings/definition.js';
import {
  ALMALY,
  ASTANA,
  buildingInput,
  insertTerritories,
  nationalCaller,
  REGISTER,
  rowCounts,
  type Send,
  viaGateway,
} from './support/buildings-fixtures.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { type SubgraphWithoutDatabase, startSubgraphWithoutDatabase } from './support/outage.js';
import { startTestSystem, type TestSystem } from './support/system.js';

/**
 * The error convention of docs/architecture.md, once per code, in the buildings subgraph:
 * through the gateway, and straight to a buildings subgraph whose database is down.
 */
describe('buildings: one error convention', () => {
  let system: TestSystem;
  let ministry: Send;
  let astanaBody: Send;
  let registered: { id: string; cadastralNumber: string };
  const nowhere = '00000000-0000-4000-8000-00000000beef';
  const updateLift = `mutation($id: ID!) { updateBuilding(id: $id, input: { liftCount: 1 }) { building { id } receipt { id } } }`;

  beforeAll(async () => {
    system = await startTestSystem();
    await insertTerritories(system.db);
    const fixture = await AuthFixture.create(system.db);
    ministry = viaGateway(system, await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain]));
    astanaBody = viaGateway(
      system,
      await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: ASTANA }),
    );
    const input = buildingInput({ katoCode: ALMALY });
    const response = await ministry(REGISTER, { input: { ...input, cadastralNumber: `${String(input.cadastralNumber)}-KZ` } });
    expect(response.errors).toBeUndefined();
    registered = response.data!.registerBuilding.building;
  });
  afterAll(async () => {
    await system?.close();
  });

  it('BAD_USER_INPUT names the argument or filter field holding a malformed id or code', async () => {
    const argument = await system.query(`{ building(id: "12345") { id } }`);
    expect(argument.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const filter = await system.query(`{ buildings(filter: { katoCode: "75-11" }) { edges { cursor } } }`);
    expect(filter.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.katoCode' });
    const region = await system.query(`{ region(katoCode: "Almaty") { nameRu } }`);
    expect(region.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'katoCode' });
    const before = await rowCounts(system.db);
    const write = await ministry(updateLift, { id: 'building-1' });
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(await rowCounts(system.db)).toEqual(before);
  });

  it('NOT_FOUND for a write whose target does not exist, naming the argument; nothing written', async () => {
    const before = await rowCounts(system.db);
    const response = await ministry(updateLift, { id: nowhere });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(await rowCounts(system.db)).toEqual(before);
  });

  it('null, and no error, for a look-up that finds nothing', async () => {
    const response = await system.query(
      `query($id: ID!) { building(id: $id) { id } region(katoCode: "999999999") { nameRu } buildingByCadastralNumber(cadastralNumber: "none") { id } }`,
      {
        id: nowhere,
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ building: null, region: null, buildingByCadastralNumber: null });
  });

  it('UNAUTHENTICATED for an anonymous caller on a mutation', async () => {
    const before = await rowCounts(system.db);
    const response = await system.query(updateLift, { id: registered.id });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await rowCounts(system.db)).toEqual(before);
  });

  it("FORBIDDEN for a caller whose right does not reach the building's territory", async () => {
    const before = await rowCounts(system.db);
    const response = await astanaBody(updateLift, { id: registered.id });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.data?.updateBuilding ?? null).toBeNull();
    expect(await rowCounts(system.db)).toEqual(before);
  });

  it('CONFLICT for a duplicate cadastral number, also written in another case or with spaces around it', async () => {
    const before = await rowCounts(system.db);
    for (const cadastralNumber of [
      registered.cadastralNumber,
      ` ${registered.cadastralNumber}`,
      `${registered.cadastralNumber} `,
      registered.cadastralNumber.toLowerCase(),
    ]) {
      const response = await ministry(REGISTER, { input: buildingInput({ cadastralNumber }) });
      expect(response.errors?.[0]?.extensions, JSON.stringify(cadastralNumber)).toMatchObject({
        code: 'CONFLICT',
        field: 'input.cadastralNumber',
      });
    }
    expect(await rowCounts(system.db)).toEqual(before);
  });

  it('CONFLICT for a concurrent near-duplicate: a registration of the same number in another spelling waits for the first, then is refused', async () => {
    const caller = nationalCaller(AccessFunction.BuildingRegisterMaintain);
    const acting = { caller, grantsInForce: grantsOf(caller).map((grant) => grant.grantId) };
    const input = buildingInput() as RegistrationInput;
    const number = `${input.cadastralNumber}-Race`;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let written = () => {};
    const firstWrote = new Promise<void>((resolve) => {
      written = resolve;
    });
    const first = system.db.transaction(async (tx) => {
      await new BuildingRegisterManager(tx, acting).register({ ...input, cadastralNumber: number });
      written();
      await held;
    });
    await firstWrote;
    const second = Promise.allSettled([
      system.db.transaction((tx) =>
        new BuildingRegisterManager(tx, acting).register({
          ...(buildingInput() as RegistrationInput),
          cadastralNumber: ` ${number.toLowerCase()}`,
        }),
      ),
    ]);
    // The second waits for the first's transaction; the unique index alone would let it through.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await first;
    const [outcome] = await second;
    expect(outcome?.status).toBe('rejected');
    expect((outcome as PromiseRejectedResult).reason.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.cadastralNumber' });
  });

  describe('with the database down', () => {
    let outage: SubgraphWithoutDatabase;
    beforeAll(async () => {
      outage = await startSubgraphWithoutDatabase(definition);
    });
    afterAll(async () => {
      await outage?.close();
    });

    it('SERVICE_UNAVAILABLE from a resolver (a look-up) and from a rule (a write whose rule reads the building), still refusing', async () => {
      const read = await outage.call(anonymousCaller, `query($id: ID!) { building(id: $id) { id } }`, { id: nowhere });
      expect(read.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(read.data?.building ?? null).toBeNull();
      const write = await outage.call(nationalCaller(AccessFunction.BuildingRegisterMaintain), updateLift, { id: nowhere });
      expect(write.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(write.errors?.[0]?.path).toEqual(['updateBuilding']);
      expect(write.data?.updateBuilding ?? null).toBeNull();
    });
  });
});
