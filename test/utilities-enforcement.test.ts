import { createRequire } from 'node:module';
import { count, eq } from 'drizzle-orm';
import type { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { entitiesRule } from '../lib/auth/entities.js';
import { AccessFunction } from '../lib/auth/functions.js';
import { connectDatabase, type Database } from '../lib/db.js';
import { formatError } from '../lib/errors.js';
import { createSubgraphContext } from '../lib/subgraph-context.js';
import { buildSubgraph, type SubgraphDefinition } from '../lib/subgraph-server.js';
import { personalAccounts } from '../schema/utilities.js';
import { definition as utilities } from '../subgraphs/utilities/definition.js';
import { SupplierRepository } from '../subgraphs/utilities/supplier-repository.js';
import { type Actor, AuthFixture, makeBin, makeIin } from './support/caller-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { insertBuildingsWithApartments } from './support/utilities-fixtures.js';

// A rule that cannot read the database refuses, and the write writes nothing: the rule's
// error is not turned into FORBIDDEN, it reaches `formatError`, which answers an outage
// SERVICE_UNAVAILABLE (split from test/auth-enforcement.test.ts, which asserted FORBIDDEN
// before the error convention; the subgraph is executed in process here, so each error is
// formatted as the server formats it).

// The schema objects come from @apollo/subgraph's CommonJS graphql; execute with the same copy.
const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const upsert = `mutation($supplierId: ID!, $accounts: [PersonalAccountInput!]!) {
  upsertPersonalAccounts(supplierId: $supplierId, accounts: $accounts) { created updated receipt { id recordedAt } } }`;

/** What postgres.js throws when the server went away mid-request. */
const outage = () => Object.assign(new Error('write CONNECTION_ENDED 127.0.0.1:5432'), { code: 'CONNECTION_ENDED' });

let buildingId: string;

function accounts(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    buildingId,
    premiseNumber: String(i + 1),
    accountNumber: `${prefix}-${i}`,
    holderName: 'Holder',
    holderIin: makeIin(),
    service: 'ELECTRICITY',
    openedAt: '2025-03-01',
  }));
}

async function accountCount(db: Database, supplierId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(personalAccounts).where(eq(personalAccounts.supplierId, supplierId));
  return row?.n ?? -1;
}

/** The codes the subgraph's server would answer with. */
function codes(errors: readonly GraphQLError[] | undefined): unknown[] {
  return (errors ?? []).map((error) => formatError(error.toJSON(), error, () => {}).extensions?.code);
}

describe('a rule that throws refuses', () => {
  let database: TestDatabase;
  let fixture: AuthFixture;
  let supplier: Actor;
  let caller: Caller;
  let supplierId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    fixture = await AuthFixture.create(database.db);
    supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    caller = await supplier.caller();
    supplierId = (
      await new SupplierRepository(database.db).insert({
        subjectId: supplier.subjectId,
        name: 'Energo',
        bin: makeBin(),
        services: ['ELECTRICITY'],
      })
    ).id;
    [buildingId] = (await insertBuildingsWithApartments(database.db, 1, 5)) as [string];
  });
  afterAll(async () => {
    await database?.close();
  });

  async function execute(
    definition: SubgraphDefinition,
    source: string,
    variables: Record<string, unknown>,
    db: Database,
    prepare?: (context: ReturnType<typeof createSubgraphContext>) => void,
  ) {
    const context = createSubgraphContext(definition, db, caller);
    prepare?.(context);
    return graphql({ schema: buildSubgraph(definition), source, variableValues: variables, contextValue: context });
  }

  it('sanity: the same write passes when its rule can read the database', async () => {
    const result = await execute(utilities, upsert, { supplierId, accounts: accounts('OK', 2) }, database.db);
    expect(result.errors).toBeUndefined();
    expect(await accountCount(database.db, supplierId)).toBe(2);
  });

  it('refuses with SERVICE_UNAVAILABLE, and writes nothing, when the rule loses the database mid-check', async () => {
    const result = await execute(utilities, upsert, { supplierId, accounts: accounts('DOWN', 3) }, database.db, (context) => {
      (context.loaders as { supplierById: { load: unknown } }).supplierById.load = () => Promise.reject(outage());
    });
    expect(codes(result.errors)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(result.data).toBeNull();
    expect(await accountCount(database.db, supplierId)).toBe(2);
  });

  it('refuses with SERVICE_UNAVAILABLE, not an internal error, when the database handle is closed', async () => {
    const closed = connectDatabase(database.url, { max: 1 });
    await closed.close();
    const result = await execute(utilities, upsert, { supplierId, accounts: accounts('CLOSED', 1) }, closed.db);
    expect(codes(result.errors)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(await accountCount(database.db, supplierId)).toBe(2);
  });

  it('refuses the whole _entities call when an entity policy throws', async () => {
    const throwing: SubgraphDefinition = {
      ...utilities,
      permissions: {
        ...(utilities.permissions as Record<string, object>),
        Query: {
          ...(utilities.permissions as Record<string, object>).Query,
          _entities: entitiesRule({
            PersonalAccount: () => {
              throw outage();
            },
          }),
        },
      },
    };
    const [own] = await database.db
      .select({ id: personalAccounts.id })
      .from(personalAccounts)
      .where(eq(personalAccounts.supplierId, supplierId))
      .limit(1);
    const result = await execute(
      throwing,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on PersonalAccount { id accountNumber } } }',
      { r: [{ __typename: 'PersonalAccount', id: own?.id }] },
      database.db,
    );
    expect(codes(result.errors)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(result.data?._entities ?? null).toBeNull();
  });
});
