import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { env } from '../lib/env.js';
import {
  ALMALY,
  ALMATY,
  ASTANA,
  BOSTANDYK,
  BUILDING_FIELDS,
  buildingInput,
  ESIL,
  iin,
  insertTerritories,
  REGISTER,
  viaGateway,
} from './support/buildings-fixtures.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

/**
 * The open part (p.21): the register read anonymously through the gateway, with every
 * filter, keyset pagination, look-ups, territories and directories.
 */
describe('reading the building register through the gateway, anonymously', () => {
  let system: TestSystem;
  const ids: Record<string, string> = {};
  const inputs: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    system = await startTestSystem();
    await insertTerritories(system.db);
    const fixture = await AuthFixture.create(system.db);
    const ministry = viaGateway(
      system,
      await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain, AccessFunction.PremisesMaintain]),
    );
    const specs: Record<string, Record<string, unknown>> = {
      almaly1970: { katoCode: ALMALY, yearBuilt: 1970, condition: 'OPERATING' },
      almaly1985: { katoCode: ALMALY, yearBuilt: 1985, condition: 'EMERGENCY', heatingSupplyType: 'AUTONOMOUS', heatingSupplyKind: null },
      almaly2001: {
        katoCode: `${ALMALY} көше 5`,
        yearBuilt: 2001,
        condition: 'OPERATING_NEEDS_CAPITAL_REPAIR',
        lastCapitalRepairDate: null,
      },
      bostandyk1960: { katoCode: BOSTANDYK, yearBuilt: 1960, condition: 'EMERGENCY', lastCapitalRepairDate: null },
      bostandyk2010: {
        katoCode: BOSTANDYK,
        yearBuilt: 2010,
        condition: 'OPERATING',
        heatingSupplyType: 'INDIVIDUAL_INSTALLATIONS',
        heatingSupplyKind: null,
        lastCapitalRepairDate: null,
      },
      esil2015: { katoCode: ESIL, yearBuilt: 2015, condition: 'OPERATING', lastCapitalRepairDate: null },
      astana1999: { katoCode: ASTANA, yearBuilt: 1999, condition: 'NOT_OPERATING', lastCapitalRepairDate: null },
    };
    for (const [name, spec] of Object.entries(specs)) {
      inputs[name] = buildingInput(spec);
      const response = await ministry(REGISTER, { input: inputs[name] });
      if (response.errors) throw new Error(JSON.stringify(response.errors));
      ids[name] = response.data!.registerBuilding.building.id;
    }
    await ministry(`mutation($id: ID!) { retireBuilding(id: $id, reason: "Снесён.") { building { id } } }`, { id: ids.astana1999 });
    await system.db.execute(sql`update buildings.buildings set confirmed_at = now() - interval '400 days' where id = ${ids.bostandyk2010}`);
    await system.db.execute(sql`update buildings.buildings set confirmed_at = null where id = ${ids.esil2015}`);
    await ministry(`mutation($id: ID!, $p: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $p) { building { id } } }`, {
      id: ids.almaly1970,
      p: [{ kind: 'APARTMENT', number: '1', owners: [{ kind: 'PERSON', identificationNumber: iin(11), name: 'Жұмабаев Асқар' }] }],
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  const namesOf = (response: any): string[] =>
    response.data.buildings.edges.map((edge: any) => Object.keys(ids).find((name) => ids[name] === edge.node.id)).sort();

  async function list(filter: Record<string, unknown>, first = 100) {
    const response = await system.query(
      `query($filter: BuildingFilter, $first: Int) { buildings(first: $first, filter: $filter) { edges { node { id } } } }`,
      { filter, first },
    );
    expect(response.errors).toBeUndefined();
    return namesOf(response);
  }

  it('returns a page of buildings in Almaty with all 29 fields and their region', async () => {
    const response = await system.query(`query { buildings(first: 10, filter: { katoCode: "${ALMATY}" }) {
      totalCount edges { cursor node { ${BUILDING_FIELDS} region { katoCode kind level nameKk nameRu parent { katoCode nameRu } } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`);
    expect(response.errors).toBeUndefined();
    const page = response.data!.buildings;
    expect(page.totalCount).toBe(5);
    expect(namesOf(response)).toEqual(['almaly1970', 'almaly1985', 'almaly2001', 'bostandyk1960', 'bostandyk2010']);
    const almaly = page.edges.find((edge: any) => edge.node.id === ids.almaly1970).node;
    for (const [field, value] of Object.entries(inputs.almaly1970!)) expect(almaly[field], field).toEqual(value);
    expect(almaly.region).toEqual({
      katoCode: ALMALY,
      kind: 'DISTRICT',
      level: 2,
      nameKk: 'Алмалы ауданы',
      nameRu: 'Алмалинский район',
      parent: { katoCode: ALMATY, nameRu: 'город Алматы' },
    });
    expect(page.pageInfo).toMatchObject({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: page.edges[0].cursor,
      endCursor: page.edges[4].cursor,
    });
  });

  it('filters by territory: a district code covers the buildings under it, a city code its districts', async () => {
    expect(await list({ katoCode: ALMALY })).toEqual(['almaly1970', 'almaly1985', 'almaly2001']);
    expect(await list({ katoCode: ASTANA })).toEqual(['astana1999', 'esil2015']);
    expect(await list({ katoCode: ESIL })).toEqual(['esil2015']);
  });

  it('filters by condition, heating type, year built range, emergency, overdue confirmation and status', async () => {
    expect(await list({ conditions: ['EMERGENCY', 'NOT_OPERATING'] })).toEqual(['almaly1985', 'astana1999', 'bostandyk1960']);
    expect(await list({ heatingSupplyTypes: ['AUTONOMOUS', 'INDIVIDUAL_INSTALLATIONS'] })).toEqual(['almaly1985', 'bostandyk2010']);
    expect(await list({ yearBuiltFrom: 1985, yearBuiltTo: 2010 })).toEqual(['almaly1985', 'almaly2001', 'astana1999', 'bostandyk2010']);
    expect(await list({ emergency: true })).toEqual(['almaly1985', 'bostandyk1960']);
    expect(await list({ emergency: false, katoCode: ALMATY })).toEqual(['almaly1970', 'almaly2001', 'bostandyk2010']);
    // A retired building needs no confirmation, whatever its date.
    expect(await list({ confirmationOverdue: true })).toEqual(['bostandyk2010', 'esil2015']);
    expect(await list({ confirmationOverdue: false, katoCode: ASTANA })).toEqual(['astana1999']);
    expect(await list({ status: 'RETIRED' })).toEqual(['astana1999']);
    expect(await list({ katoCode: ALMATY, emergency: true, yearBuiltFrom: 1980 })).toEqual(['almaly1985']);
  });

  it('pages with keyset cursors through every building exactly once, in id order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pageNumber = 0; pageNumber < 10; pageNumber++) {
      const response: any = await system.query(
        `query($after: String) { buildings(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
        { after },
      );
      expect(response.errors).toBeUndefined();
      const { edges, pageInfo } = response.data.buildings;
      seen.push(...edges.map((edge: any) => edge.node.id));
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(Object.values(ids).sort());
  });

  it('refuses a page larger than MAX_PAGE_SIZE, a forged cursor and a malformed KATO code, naming the argument', async () => {
    const max = env().MAX_PAGE_SIZE;
    const cases: [string, string][] = [
      [`{ buildings(first: ${max + 1}) { edges { cursor } } }`, 'first'],
      [`{ buildings(first: -1) { edges { cursor } } }`, 'first'],
      [`{ buildings(after: "${Buffer.from('building:1 or 1=1').toString('base64url')}") { edges { cursor } } }`, 'after'],
      [`{ buildings(filter: { katoCode: "75%" }) { edges { cursor } } }`, 'filter.katoCode'],
    ];
    for (const [query, field] of cases) {
      const response = await system.query(query);
      expect(response.errors?.[0]?.extensions, query).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const largest = await system.query(`{ buildings(first: ${max}) { edges { cursor } } }`);
    expect(largest.errors).toBeUndefined();
  });

  it('looks buildings up by id, cadastral number and address registration code; null when absent', async () => {
    const response = await system.query(
      `query($id: ID!, $cadastral: String!, $code: String!) {
        building(id: $id) { cadastralNumber }
        buildingByCadastralNumber(cadastralNumber: $cadastral) { id }
        buildingByAddressRegistrationCode(addressRegistrationCode: $code) { id }
        upper: building(id: "${ids.esil2015!.toUpperCase()}") { id }
        missing: building(id: "00000000-0000-4000-8000-000000000000") { id }
        noCadastral: buildingByCadastralNumber(cadastralNumber: "nope") { id }
      }`,
      { id: ids.bostandyk1960, cadastral: inputs.almaly1985!.cadastralNumber, code: inputs.esil2015!.addressRegistrationCode },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      building: { cadastralNumber: inputs.bostandyk1960!.cadastralNumber },
      buildingByCadastralNumber: { id: ids.almaly1985 },
      buildingByAddressRegistrationCode: { id: ids.esil2015 },
      upper: { id: ids.esil2015 },
      missing: null,
      noCadastral: null,
    });
    // A malformed id is an input error naming the argument (docs/architecture.md), not an empty look-up.
    const garbage = await system.query(`{ garbage: building(id: "not an id") { id } }`);
    expect(garbage.data?.garbage ?? null).toBeNull();
    expect(garbage.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('lists the whole KATO tree when no level is given', async () => {
    const response = await system.query('{ all: regions { katoCode level } top: regions(level: 1) { katoCode } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.top).toHaveLength(20);
    expect(response.data?.all.length).toBeGreaterThan(response.data?.top.length);
    expect(new Set(response.data?.all.map((region: { level: number }) => region.level))).toEqual(new Set([1, 2]));
  });

  it('serves the KATO tree as Region entities with their buildings', async () => {
    const response = await system.query(`{
      regions(level: 1) { katoCode kind nameRu children { katoCode } }
      almaty: region(katoCode: "${ALMATY}") {
        parent { katoCode }
        buildings(first: 10, filter: { katoCode: "${BOSTANDYK}" }) { totalCount edges { node { id } } }
        outside: buildings(filter: { katoCode: "${ESIL}" }) { totalCount edges { node { id } } }
      }
      almaly: region(katoCode: "${ALMALY}") { parent { nameKk } buildings(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } } }
      nowhere: region(katoCode: "999999999") { katoCode }
    }`);
    expect(response.errors).toBeUndefined();
    const data = response.data!;
    // The whole tree is there (the migration loads it): 17 regions and 3 cities of republican significance.
    expect(data.regions).toHaveLength(20);
    const level1 = new Map(data.regions.map((region: any) => [region.katoCode, region]));
    expect(level1.get(ASTANA)).toMatchObject({
      kind: 'CITY_OF_REPUBLICAN_SIGNIFICANCE',
      nameRu: 'город Астана',
      children: expect.arrayContaining([{ katoCode: ESIL }]),
    });
    expect(level1.get(ALMATY)).toMatchObject({
      kind: 'CITY_OF_REPUBLICAN_SIGNIFICANCE',
      nameRu: 'город Алматы',
      children: expect.arrayContaining([{ katoCode: ALMALY }, { katoCode: BOSTANDYK }]),
    });
    expect(data.almaty.parent).toBeNull();
    expect(data.almaty.buildings.totalCount).toBe(2);
    expect(data.almaty.buildings.edges.map((edge: any) => edge.node.id).sort()).toEqual([ids.bostandyk1960, ids.bostandyk2010].sort());
    expect(data.almaty.outside).toEqual({ totalCount: 0, edges: [] });
    expect(data.almaly.parent.nameKk).toBe('Алматы қаласы');
    expect(data.almaly.buildings.totalCount).toBe(3);
    expect(data.almaly.buildings.edges).toHaveLength(2);
    expect(data.almaly.buildings.pageInfo.hasNextPage).toBe(true);
    expect(data.nowhere).toBeNull();
  });

  it('gives every directory with Kazakh and Russian labels', async () => {
    const response = await system.query(`{ directories { name annexFields titleKk titleRu values { code labelKk labelRu } } }`);
    expect(response.errors).toBeUndefined();
    const condition = response.data!.directories.find((directory: any) => directory.name === 'BuildingCondition');
    expect(condition.annexFields).toEqual([27]);
    expect(condition.titleRu).toBe('Состояние дома');
    expect(condition.values.find((value: any) => value.code === 'EMERGENCY')).toEqual({
      code: 'EMERGENCY',
      labelKk: 'Апатты деп танылды',
      labelRu: 'Признан аварийным',
    });
    expect(response.data!.directories.find((directory: any) => directory.name === 'SupplySystemType').annexFields).toEqual([17, 21]);
  });

  it("shows the public premises and shares but not the owners' identities", async () => {
    const response = await system.query(
      `query($id: ID!) { building(id: $id) { premises { kind number owners { kind share identificationNumber name } } } }`,
      { id: ids.almaly1970 },
    );
    expect(response.data!.building.premises).toEqual([
      { kind: 'APARTMENT', number: '1', owners: [{ kind: 'PERSON', share: 1, identificationNumber: null, name: null }] },
    ]);
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(JSON.stringify(response)).not.toContain(iin(11));
    expect(JSON.stringify(response)).not.toContain('Жұмабаев');
  });

  it('refuses mutations from an anonymous caller at the gateway', async () => {
    const response = await system.query(REGISTER, { input: buildingInput() });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
