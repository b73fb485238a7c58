import { createRequire } from 'node:module';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { buildSubgraph, createSubgraphContext } from '../lib/subgraph-server.js';
import { buildings } from '../schema/buildings.js';
import { territoriesData } from '../subgraphs/buildings/territories-data.js';
import { definition as utilities } from '../subgraphs/utilities/definition.js';
import { OutageRepository } from '../subgraphs/utilities/outage-repository.js';
import { SupplierRepository } from '../subgraphs/utilities/supplier-repository.js';
import { buildingInput } from './support/buildings-fixtures.js';
import { AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { insertBuildingsWithApartments } from './support/utilities-fixtures.js';

// The schema comes from @apollo/subgraph's CommonJS graphql; execute with the same copy.
const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * The utilities subgraph's bulk write and entity relations cost a fixed number of SQL
 * statements whatever their size: one upsert statement per batch (and one each for the
 * check of its buildings and premises), one statement for the accounts of a page of
 * buildings, one for a list of account entities, one for the outages of all regions of an
 * `_entities` call and one for the buildings of all those outages.
 */
describe('SQL statements of the utilities subgraph', () => {
  let database: TestDatabase;
  let schema: GraphQLSchema;
  let caller: Caller;
  let supplierId: string;
  const statements: string[] = [];
  /** Buildings of the register with apartments "1" to "100": accounts must name existing ones. */
  let buildingIds: string[] = [];

  beforeAll(async () => {
    // One connection, so postgres.js's one-off type query is not repeated by a fresh connection mid-test.
    database = await createTestDatabase({ max: 1, onQuery: (query) => statements.push(query) });
    const fixture = await AuthFixture.create(database.db);
    // The buildings subgraph is not running here: the register's rows are written straight.
    buildingIds = await insertBuildingsWithApartments(database.db, 30, 100);
    const supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain, AccessFunction.TariffsMaintain]);
    caller = await supplier.caller();
    supplierId = (
      await new SupplierRepository(database.db).insert({
        subjectId: supplier.subjectId,
        name: 'Vodokanal',
        bin: makeBin(),
        services: ['WATER_SUPPLY'],
      })
    ).id;
    schema = buildSubgraph(utilities);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function countStatements(source: string, variables: Record<string, unknown>): Promise<{ count: number; data: any }> {
    const contextValue = createSubgraphContext(utilities, database.db, caller);
    statements.length = 0;
    const result = await graphql({ schema, source, variableValues: variables, contextValue });
    expect(result.errors).toBeUndefined();
    return { count: statements.length, data: result.data };
  }

  const upsert = `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!) {
    upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts) { created updated } }`;

  function accounts(prefix: string, n: number) {
    return Array.from({ length: n }, (_, i) => ({
      buildingId: buildingIds[i % buildingIds.length],
      premiseNumber: String((i % 100) + 1),
      accountNumber: `${prefix}-${i}`,
      holderName: 'Holder',
      holderIin: makeIin(),
      service: 'WATER_SUPPLY',
      openedAt: '2025-03-01',
    }));
  }

  it('writes a batch of personal accounts in one statement, the same for 1 account as for 3,000', async () => {
    const one = await countStatements(upsert, { supplierId, accounts: accounts('ONE', 1) });
    expect(one.data.upsertPersonalAccounts).toEqual({ created: 1, updated: 0 });
    const upserts = statements.filter((statement) => /insert into utilities\.personal_accounts/i.test(statement));
    expect(upserts).toHaveLength(1);

    const many = await countStatements(upsert, { supplierId, accounts: accounts('MANY', 3000) });
    expect(many.data.upsertPersonalAccounts).toEqual({ created: 3000, updated: 0 });
    expect(statements.filter((statement) => /insert into utilities\.personal_accounts/i.test(statement))).toHaveLength(1);
    expect(many.count).toBe(one.count);

    const again = await countStatements(upsert, { supplierId, accounts: accounts('MANY', 3000) });
    expect(again.data.upsertPersonalAccounts).toEqual({ created: 0, updated: 3000 });
    expect(again.count).toBe(one.count);
  });

  const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on Building { id personalAccounts(first: 5) { id accountNumber supplier { id } } }
    ... on PersonalAccount { id accountNumber building { id } supplier { id } } } }`;

  it('resolves the accounts of 3 or 30 buildings, and 3 or 150 account entities, in the same number of statements', async () => {
    const buildings = (n: number) => buildingIds.slice(0, n).map((id) => ({ __typename: 'Building', id }));
    const few = await countStatements(entities, { representations: buildings(3) });
    const all = await countStatements(entities, { representations: buildings(30) });
    expect(all.data._entities).toHaveLength(30);
    expect(all.data._entities.every((building: any) => building.personalAccounts.length === 5)).toBe(true);
    expect(all.count).toBe(few.count);

    const ids: string[] = all.data._entities.flatMap((building: any) => building.personalAccounts.map((account: any) => account.id));
    const accountRefs = (n: number) => ids.slice(0, n).map((id) => ({ __typename: 'PersonalAccount', id }));
    const fewAccounts = await countStatements(entities, { representations: accountRefs(3) });
    const manyAccounts = await countStatements(entities, { representations: accountRefs(150) });
    expect(manyAccounts.data._entities.map((account: any) => account?.id)).toEqual(ids.slice(0, 150));
    expect(manyAccounts.count).toBe(fewAccounts.count);
  });
  it('charges 1 or 50 accounts in the same number of statements, the lines in one insert', async () => {
    const month = '2026-01-01';
    await countStatements(upsert, { supplierId, accounts: [...accounts('CH1', 1), ...accounts('CH50', 50)] });
    await countStatements(`mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id } } }`, {
      input: { supplierId, service: 'WATER_SUPPLY', unit: 'CUBIC_METRE', pricePerUnit: '98.76', validFrom: month },
    });
    await countStatements(
      `mutation($supplierId: ID!, $month: Date!) { openBillingPeriod(supplierId: $supplierId, month: $month) { billingPeriod { id } } }`,
      { supplierId, month },
    );
    const charge = `mutation($supplierId: ID!, $month: Date!, $accounts: [ChargeAccountInput!]!) {
      chargeAccounts(supplierId: $supplierId, month: $month, accounts: $accounts) { charges { kind amount } } }`;
    const items = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ accountNumber: `${prefix}-${i}`, meteredVolume: '2' }));
    const one = await countStatements(charge, { supplierId, month, accounts: items('CH1', 1) });
    expect(one.data.chargeAccounts.charges).toEqual([{ kind: 'CHARGE', amount: '197.52' }]);
    const inserts = () => statements.filter((statement) => /insert into "?utilities"?\."?charges"?/i.test(statement));
    expect(inserts()).toHaveLength(1);
    const many = await countStatements(charge, { supplierId, month, accounts: items('CH50', 50) });
    expect(many.data.chargeAccounts.charges).toHaveLength(50);
    expect(inserts()).toHaveLength(1);
    expect(many.count).toBe(one.count);
  });

  describe('outages of regions', () => {
    const regionCodes = territoriesData.filter((territory) => territory.level === 1).map((territory) => territory.katoCode);
    /** Per region, the ids of its not-ended outages in id order (what Region.outages lists). */
    const expected = new Map<string, string[]>();
    /** Per outage, the ids of its buildings in id order. */
    const buildingsOfOutage = new Map<string, string[]>();

    beforeAll(async () => {
      // Three buildings in every region (the register's rows written straight).
      const inRegion = new Map<string, Array<{ buildingId: string; katoCode: string }>>();
      for (const code of regionCodes) {
        const rows = await database.db
          .insert(buildings)
          .values(
            [1, 2, 3].map(
              (n) => buildingInput({ katoCode: code.slice(0, 4).padEnd(8, '1') + String(n) }) as unknown as typeof buildings.$inferInsert,
            ),
          )
          .returning({ id: buildings.id, katoCode: buildings.katoCode });
        inRegion.set(
          code,
          rows.map((row) => ({ buildingId: row.id, katoCode: row.katoCode })),
        );
      }
      const repository = new OutageRepository(database.db);
      const day = 86_400_000;
      const publish = async (affected: Array<{ buildingId: string; katoCode: string }>, ended: boolean) => {
        const startsAt = new Date(Date.now() + (ended ? -2 : 1) * day);
        const outage = await repository.insert(supplierId, {
          service: 'WATER_SUPPLY',
          kind: 'PLANNED',
          startsAt,
          endsAt: new Date(startsAt.getTime() + day),
          message: 'Плановое отключение.',
          buildings: affected,
        });
        buildingsOfOutage.set(outage.id, affected.map((building) => building.buildingId).sort());
        return outage.id;
      };
      const notEnded = new Map<string, string[]>(regionCodes.map((code) => [code, []]));
      for (const [index, code] of regionCodes.entries()) {
        const affected = inRegion.get(code) ?? [];
        // Four not ended (one affecting all three buildings), one ended that no list shows.
        for (const building of affected) notEnded.get(code)?.push(await publish([building], false));
        notEnded.get(code)?.push(await publish(affected, false));
        await publish(affected.slice(0, 1), true);
        // One outage across two neighbouring regions is listed in both.
        const next = regionCodes[(index + 1) % regionCodes.length] as string;
        const across = await publish([...affected.slice(1, 2), ...(inRegion.get(next) ?? []).slice(0, 1)], false);
        notEnded.get(code)?.push(across);
        notEnded.get(next)?.push(across);
      }
      for (const [code, ids] of notEnded) expected.set(code, ids.sort());
    });

    const regionOutages = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Region { katoCode outages(first: 3) { id buildings(first: 2) { id } } one: outages(first: 1) { id } } } }`;

    it('lists the outages of 3 or 20 regions, and their buildings, in one statement each', async () => {
      const regions = (codes: readonly string[]) => codes.map((katoCode) => ({ __typename: 'Region', katoCode }));
      const few = await countStatements(regionOutages, { representations: regions(regionCodes.slice(0, 3)) });
      const many = await countStatements(regionOutages, { representations: regions(regionCodes) });
      expect(many.data._entities).toHaveLength(20);
      expect(many.count).toBe(few.count);
      const outageStatements = statements.filter((statement) => /from "utilities"\."outages"/i.test(statement));
      const buildingStatements = statements.filter((statement) => /from utilities\.outage_buildings ob/i.test(statement));
      expect(outageStatements).toHaveLength(1);
      expect(buildingStatements).toHaveLength(1);
      expect(many.count).toBe(2);

      // Each region its own first outages by id (an outage of two regions in both), each
      // outage its own first buildings by id, whatever else the request asked for.
      const idsOf = (list: Array<{ id: string }>) => list.map((item) => item.id);
      const listed: Array<{
        katoCode: string;
        outages: Array<{ id: string; buildings: Array<{ id: string }> }>;
        one: Array<{ id: string }>;
      }> = many.data._entities;
      for (const region of listed) {
        const ids = expected.get(region.katoCode) ?? [];
        expect(ids).toHaveLength(6);
        expect(idsOf(region.outages)).toEqual(ids.slice(0, 3));
        expect(idsOf(region.one)).toEqual(ids.slice(0, 1));
        for (const outage of region.outages) {
          expect(idsOf(outage.buildings)).toEqual((buildingsOfOutage.get(outage.id) ?? []).slice(0, 2));
        }
      }
    });

    it('lists no outages for first: 0 or a code that is not a KATO code, and refuses more than 500', async () => {
      const { data } = await countStatements(
        `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Region { outages(first: 0) { id } } } }`,
        { representations: [{ __typename: 'Region', katoCode: regionCodes[0] }] },
      );
      expect(data._entities).toEqual([{ outages: [] }]);
      const odd = await countStatements(regionOutages, { representations: [{ __typename: 'Region', katoCode: '75' }] });
      expect(odd.data._entities).toEqual([{ katoCode: '75', outages: [], one: [] }]);
      const tooMany = await graphql({
        schema,
        source: `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Region { outages(first: 501) { id } } } }`,
        variableValues: { representations: [{ __typename: 'Region', katoCode: regionCodes[0] }] },
        contextValue: createSubgraphContext(utilities, database.db, caller),
      });
      expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    });
  });
});
