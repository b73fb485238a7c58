import { createRequire } from 'node:module';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { createSubgraphContext } from '../lib/subgraph-context.js';
import type { SubgraphDefinition } from '../lib/subgraph-schema.js';
import { buildSubgraph } from '../lib/subgraph-server.js';
import { buildings } from '../schema/buildings.js';
import { definition as buildingsDefinition } from '../subgraphs/buildings/definition.js';
import { territoriesData } from '../subgraphs/buildings/territories-data.js';
import { definition as condominiumDefinition } from '../subgraphs/condominium/definition.js';
import { definition as utilitiesDefinition } from '../subgraphs/utilities/definition.js';
import { buildingInput, nationalCaller } from './support/buildings-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// See test/buildings-statement-count.test.ts: the schema needs graphql's CommonJS build.
const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const regionCodes = territoriesData.filter((territory) => territory.level === 1).map((territory) => territory.katoCode);

/**
 * The ministry dashboard costs each subgraph the same number of SQL statements for 3
 * regions as for all 20: every figure is loaded for all regions of the request at once.
 * Each subgraph is run in process with the part of the dashboard the gateway sends it.
 */
describe('SQL statements of the analytics dashboard', () => {
  let database: TestDatabase;
  const statements: string[] = [];
  const caller: Caller = nationalCaller(AccessFunction.AnalyticsRead);

  beforeAll(async () => {
    database = await createTestDatabase({ max: 1, onQuery: (query) => statements.push(query) });
    // A building in every region, so that no region's figures are trivially empty.
    await database.db
      .insert(buildings)
      .values(regionCodes.map((code) => buildingInput({ katoCode: code.slice(0, 4).padEnd(9, '1') })) as (typeof buildings.$inferInsert)[]);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function countStatements(definition: SubgraphDefinition<any>, schema: GraphQLSchema, query: string, variables = {}) {
    const contextValue = createSubgraphContext(definition, database.db, caller);
    statements.length = 0;
    const result = await graphql({ schema, source: query, variableValues: variables, contextValue });
    expect(result.errors).toBeUndefined();
    return { count: statements.length, data: result.data as any };
  }

  describe('buildings: the regions and their register figures', () => {
    let schema: GraphQLSchema;
    beforeAll(() => {
      schema = buildSubgraph(buildingsDefinition);
    });
    const figures = `katoCode nameRu buildingStatistics { registered emergency needingCapitalRepair barrierFreeShare confirmationOverdue completeness
      byCondition { condition count } byDecadeBuilt { decade count } }`;

    it('is the same for 3 regions as for all 20', async () => {
      const dashboard = `query($codes: [String!]) { regions(level: 1, katoCodes: $codes) { ${figures} } }`;
      await countStatements(buildingsDefinition, schema, dashboard);
      const many = await countStatements(buildingsDefinition, schema, dashboard);
      const few = await countStatements(buildingsDefinition, schema, dashboard, { codes: regionCodes.slice(0, 3) });
      expect(many.data.regions).toHaveLength(20);
      expect(many.data.regions.every((region: any) => region.buildingStatistics.registered === 1)).toBe(true);
      expect(few.data.regions.map((region: any) => region.katoCode)).toEqual(regionCodes.slice(0, 3));
      expect(many.count).toBe(few.count);
      // The territories, the summary's headline figures, its breakdowns, the overdue confirmations.
      expect(few.count).toBe(4);
    });

    it('reads only the headline statement when no breakdown is asked for', async () => {
      const headline = `{ regions(level: 1) { katoCode buildingStatistics { registered emergency needingCapitalRepair barrierFreeShare completeness } } }`;
      const { count, data } = await countStatements(buildingsDefinition, schema, headline);
      expect(data.regions.every((region: any) => region.buildingStatistics.registered === 1)).toBe(true);
      // The territories and the headline figures.
      expect(count).toBe(2);
    });
  });

  // What the gateway sends a subgraph that adds fields to Region: one _entities call with every region of the answer.
  const entities = (fields: string) =>
    `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Region { katoCode ${fields} } } }`;
  const representations = (codes: readonly string[]) => ({
    representations: codes.map((katoCode) => ({ __typename: 'Region', katoCode })),
  });

  for (const [name, definition, fields, expected] of [
    [
      'utilities',
      utilitiesDefinition,
      `utilityStatistics(month: "2026-10-01") { meterCoverage { service share } readingsReceived readingsSeries { month readings }
       metersRead tariffs { service average } collection { billed paid collectionRate } collectionSeries { month billed } debt }
       networkWear { fromPercent networks } outageStatistics(month: "2026-10-01") { current planned emergency }`,
      // Coverage, readings (the series), meters read, money, tariffs, network wear, outages.
      7,
    ],
    [
      'condominium',
      condominiumDefinition,
      `managementForms { form buildingCount } unmanagedBuildingCount
       reportCompliance(kind: MONTHLY, year: 2026, month: 10) { owing onTime late missing due onTimeShare }
       capitalRepairFund { accrued paid spent balance } overdueOwnerRequestCount`,
      // Managed buildings on today and on the period's last day (one statement for both days), the register's
      // counts, the period's publications, the funds, the overdue requests.
      5,
    ],
  ] as const) {
    it(`${name}: is the same for 3 regions as for all 20`, async () => {
      const schema = buildSubgraph(definition as SubgraphDefinition<any>);
      const query = entities(fields);
      await countStatements(definition as SubgraphDefinition<any>, schema, query, representations(regionCodes));
      const many = await countStatements(definition as SubgraphDefinition<any>, schema, query, representations(regionCodes));
      const few = await countStatements(definition as SubgraphDefinition<any>, schema, query, representations(regionCodes.slice(0, 3)));
      expect(many.data._entities).toHaveLength(20);
      expect(few.data._entities).toHaveLength(3);
      expect(many.count).toBe(few.count);
      expect(few.count).toBe(expected);
    });
  }
});
