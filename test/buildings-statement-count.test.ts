import { createRequire } from 'node:module';
import DataLoader from 'dataloader';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { createSubgraphContext } from '../lib/subgraph-context.js';
import { buildSubgraph } from '../lib/subgraph-server.js';
import { buildings, premiseOwners, premises } from '../schema/buildings.js';
import { definition } from '../subgraphs/buildings/definition.js';
import { type BuildingLoaders, createBuildingLoaders } from '../subgraphs/buildings/loaders.js';
import { type PremiseRow, PremisesRepository } from '../subgraphs/buildings/premises-repository.js';
import { ALMALY, BOSTANDYK, bin, buildingInput, iin, insertTerritories, nationalCaller } from './support/buildings-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// The schema comes from @apollo/subgraph, which loads graphql's CommonJS build; executing
// it with the ES build vite would resolve for this file fails graphql's realm check.
const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * The N+1 guard: a page of buildings with their region, premises and owners costs the
 * same number of SQL statements for 5 buildings as for 50. A resolver that queried per
 * row would make the 50-building page cost ten times more, as the control test shows.
 */
describe('SQL statements per page of buildings', () => {
  let database: TestDatabase;
  let schema: GraphQLSchema;
  const statements: string[] = [];
  const caller = nationalCaller(AccessFunction.PersonalDataRead);

  beforeAll(async () => {
    // One connection, so postgres.js's one-off type query is not repeated by a fresh connection mid-test.
    database = await createTestDatabase({ max: 1, onQuery: (query) => statements.push(query) });
    await insertTerritories(database.db);
    const rows = Array.from({ length: 60 }, (_, i) => buildingInput({ katoCode: i % 2 ? ALMALY : BOSTANDYK }));
    const inserted = await database.db
      .insert(buildings)
      .values(rows as (typeof buildings.$inferInsert)[])
      .returning({ id: buildings.id });
    const premiseRows = await database.db
      .insert(premises)
      .values(
        inserted.flatMap(({ id }) =>
          [1, 2, 3].map((n) => ({ buildingId: id, kind: 'APARTMENT' as const, number: String(n), floor: n, area: 40 + n })),
        ),
      )
      .returning({ id: premises.id });
    await database.db.insert(premiseOwners).values(
      premiseRows.flatMap(({ id }, i) => [
        { premiseId: id, kind: 'PERSON' as const, identificationNumber: iin(i), name: `Owner ${i}`, share: 0.5 },
        { premiseId: id, kind: 'ORGANISATION' as const, identificationNumber: bin(i), name: `Company ${i}`, share: 0.5 },
      ]),
    );
    schema = buildSubgraph(definition);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function countStatements(
    query: string,
    variables: Record<string, unknown>,
    loaders?: BuildingLoaders,
  ): Promise<{ count: number; data: any }> {
    const contextValue = createSubgraphContext(definition, database.db, caller);
    if (loaders) contextValue.loaders = loaders;
    statements.length = 0;
    const result = await graphql({ schema, source: query, variableValues: variables, contextValue });
    expect(result.errors).toBeUndefined();
    return { count: statements.length, data: result.data };
  }

  const page = `query($first: Int!) {
    buildings(first: $first, filter: { katoCode: "750000000" }) {
      edges { node { id cadastralNumber region { katoCode nameRu parent { nameRu } }
        premises { number area owners { kind share identificationNumber name } } } }
    }
  }`;

  it('is the same for 5 and for 50 buildings with region, premises and owners', async () => {
    await countStatements(page, { first: 1 });
    const five = await countStatements(page, { first: 5 });
    const fifty = await countStatements(page, { first: 50 });
    expect(five.data.buildings.edges).toHaveLength(5);
    expect(fifty.data.buildings.edges).toHaveLength(50);
    expect(fifty.data.buildings.edges[49].node.premises[2].owners).toHaveLength(2);
    expect(fifty.data.buildings.edges[0].node.region.parent.nameRu).toBe('город Алматы');
    expect(fifty.count).toBe(five.count);
    // The page, the regions, their parents, the premises, the owners.
    expect(five.count).toBeLessThanOrEqual(5);
  });

  it('is the same for a page per territory, whatever the page size', async () => {
    const perRegion = `query($first: Int!) {
      regions(level: 2) { nameRu buildings(first: $first) { totalCount edges { node { id premises { owners { share } } } } } }
    }`;
    const five = await countStatements(perRegion, { first: 5 });
    const fifty = await countStatements(perRegion, { first: 50 });
    const sizes = fifty.data.regions.map((region: any) => [region.nameRu, region.buildings.edges.length, region.buildings.totalCount]);
    expect(sizes).toEqual(
      expect.arrayContaining([
        ['Алмалинский район', 30, 30],
        ['Бостандыкский район', 30, 30],
      ]),
    );
    expect(fifty.count).toBe(five.count);
    // The territories, one lateral page query, one lateral count, the premises, the owners.
    expect(five.count).toBeLessThanOrEqual(5);
  });

  it('would grow with the page if premises were loaded per building (control: the count does catch N+1)', async () => {
    const perRow = (): BuildingLoaders => {
      const loaders = createBuildingLoaders(database.db);
      const repository = new PremisesRepository(database.db);
      loaders.premisesByBuildingId = new DataLoader<string, PremiseRow[]>(async ([id]) => [await repository.byBuildingIds([id!])], {
        batch: false,
      });
      return loaders;
    };
    const five = await countStatements(page, { first: 5 }, perRow());
    const fifty = await countStatements(page, { first: 50 }, perRow());
    // At least one more statement per extra building (the owners' batches split along with them).
    expect(fifty.count - five.count).toBeGreaterThanOrEqual(45);
  });
});
