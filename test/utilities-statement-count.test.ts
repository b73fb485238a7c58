import { createRequire } from 'node:module';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { buildSubgraph, createSubgraphContext } from '../lib/subgraph-server.js';
import { definition as utilities } from '../subgraphs/utilities/definition.js';
import { SupplierRepository } from '../subgraphs/utilities/supplier-repository.js';
import { AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { insertBuildingsWithApartments } from './support/utilities-fixtures.js';

// The schema comes from @apollo/subgraph's CommonJS graphql; execute with the same copy.
const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * The utilities subgraph's bulk write and entity relations cost a fixed number of SQL
 * statements whatever their size: one upsert statement per batch (and one each for the
 * check of its buildings and premises), one statement for the accounts of a page of
 * buildings, one for a list of account entities.
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
});
