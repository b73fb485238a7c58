import { createRequire } from 'node:module';
import { sql } from 'drizzle-orm';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { AccessFunction } from '../lib/auth/functions.js';
import type { FieldProblem } from '../lib/errors.js';
import { buildSubgraph, createSubgraphContext } from '../lib/subgraph-server.js';
import { tariffUnit, utilityService } from '../schema/utilities.js';
import { definition as utilities } from '../subgraphs/utilities/definition.js';
import { SupplierRepository } from '../subgraphs/utilities/supplier-repository.js';
import { type TariffFields, tariffOf } from '../subgraphs/utilities/tariff-manager.js';
import { checkTiers } from '../subgraphs/utilities/tariff-rules.js';
import { AuthFixture, makeBin } from './support/caller-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// The tariff rules of p.4.14 that test/utilities-tariffs.test.ts does not break one by one:
// the scale's size and last step, exactly one of a price and a scale, a service the supplier
// offers, each service's units (as the README states them), an exact duplicate period, a
// duplicate within one bulk call, and a bulk tariff backdated into a closed period.

// biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other subgraph tests
type Answer = { data?: any; errors?: readonly GraphQLError[] };

const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const supplier = { id: '00000000-0000-4000-8000-000000000001', services: ['ELECTRICITY', 'HEAT'] as const };
const base: TariffFields = { service: 'ELECTRICITY', unit: 'KILOWATT_HOUR', pricePerUnit: '25', validFrom: '2026-01-01' };

function problemsOf(overrides: Partial<TariffFields>, services: readonly string[] = supplier.services): string[] {
  const problems: FieldProblem[] = [];
  tariffOf({ ...base, ...overrides } as TariffFields, { id: supplier.id, services: services as never }, 'test', (f) => f, problems);
  return problems.map((problem) => problem.field);
}

describe('tariff rules (pure, one at a time)', () => {
  it('wants 1 to 10 steps, the last without a bound', () => {
    const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ upTo: i === n - 1 ? null : String((i + 1) * 10), price: '1' }));
    for (const [n, fields] of [
      [0, ['t']],
      [1, []],
      [10, []],
      [11, ['t']],
    ] as const) {
      const problems: FieldProblem[] = [];
      checkTiers(steps(n), 't', problems);
      expect(
        problems.map((p) => p.field),
        `${n} steps`,
      ).toEqual(fields);
    }
    const bounded: FieldProblem[] = [];
    checkTiers(
      [
        { upTo: '10', price: '1' },
        { upTo: '20', price: '2' },
      ],
      't',
      bounded,
    );
    expect(bounded.map((p) => p.field)).toEqual(['t[1].upTo']);
  });

  it('wants exactly one of a flat price and a scale, and a price that is a decimal of 4 places', () => {
    expect(problemsOf({ pricePerUnit: null, tiers: null })).toEqual(['tiers']);
    expect(problemsOf({ tiers: [{ upTo: null, price: '1' }] })).toEqual(['tiers']);
    for (const price of ['-1', '1.23456', 'x', '12345678901']) expect(problemsOf({ pricePerUnit: price }), price).toEqual(['pricePerUnit']);
    expect(problemsOf({ pricePerUnit: '1234567890.1234' })).toEqual([]);
  });

  it('refuses a service the supplier does not offer, even with its own unit', () => {
    expect(problemsOf({ service: 'WATER_SUPPLY', unit: 'CUBIC_METRE' })).toEqual(['service']);
    expect(problemsOf({ service: 'WATER_SUPPLY', unit: 'CUBIC_METRE' }, ['WATER_SUPPLY'])).toEqual([]);
  });

  it('prices each service only in its units', () => {
    // As README § Tariffs, billing and payments states them.
    const units: Record<string, string[]> = {
      ELECTRICITY: ['KILOWATT_HOUR'],
      WATER_SUPPLY: ['CUBIC_METRE'],
      SEWERAGE: ['CUBIC_METRE'],
      GAS: ['CUBIC_METRE'],
      HEAT: ['GIGACALORIE', 'SQUARE_METRE'],
      WASTE_REMOVAL: ['RESIDENT', 'SQUARE_METRE'],
      LIFT_MAINTENANCE: ['SQUARE_METRE', 'PREMISE'],
    };
    expect(Object.keys(units).sort()).toEqual([...utilityService.enumValues].sort());
    for (const service of utilityService.enumValues)
      for (const unit of tariffUnit.enumValues) {
        const fields = problemsOf({ service, unit }, utilityService.enumValues);
        expect(fields, `${service} per ${unit}`).toEqual(units[service]?.includes(unit) ? [] : ['unit']);
      }
  });
});

describe('tariff periods on the subgraph', () => {
  let database: TestDatabase;
  let schema: GraphQLSchema;
  let caller: Caller;
  let supplierId: string;

  const publish = `mutation($input: PublishTariffInput!) { publishTariff(input: $input) { tariff { id validFrom validTo } superseded { id } } }`;
  const publishMany = `mutation($supplierId: ID!, $tariffs: [TariffInput!]!) {
    publishTariffs(supplierId: $supplierId, tariffs: $tariffs, mode: PER_ITEM) { created rejected items { key status errors { field } } } }`;
  const period = (name: 'open' | 'close') => `mutation($supplierId: ID!, $month: Date!) {
    ${name}BillingPeriod(supplierId: $supplierId, month: $month) { billingPeriod { status } } }`;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 1 });
    const fixture = await AuthFixture.create(database.db);
    const actor = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.TariffsMaintain]);
    caller = await actor.caller();
    supplierId = (
      await new SupplierRepository(database.db).insert({
        subjectId: actor.subjectId,
        name: 'Energo',
        bin: makeBin(),
        services: ['ELECTRICITY', 'GAS'],
      })
    ).id;
    schema = buildSubgraph(utilities);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function run(source: string, variables: Record<string, unknown>): Promise<Answer> {
    return graphql({ schema, source, variableValues: variables, contextValue: createSubgraphContext(utilities, database.db, caller) });
  }
  const tariff = (overrides: Record<string, unknown> = {}) => ({ ...base, supplierId, ...overrides });

  it('refuses an exact duplicate of a published period, open-ended or bounded, and stores nothing', async () => {
    for (const bounds of [{ validFrom: '2026-01-01' }, { validFrom: '2025-01-01', validTo: '2025-06-30' }]) {
      const first = await run(publish, { input: tariff(bounds) });
      expect(first.errors, JSON.stringify(first.errors)).toBeUndefined();
      const again = await run(publish, { input: tariff({ ...bounds, pricePerUnit: '26' }) });
      expect(again.errors?.[0]?.extensions?.code, JSON.stringify(bounds)).toBe('CONFLICT');
      expect(again.errors?.[0]?.message).toContain(first.data?.publishTariff.tariff.id);
    }
    const [count] = await database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from utilities.tariffs where supplier_id = ${supplierId}`,
    );
    expect(count?.n).toBe(2);
  });

  it('refuses, in one bulk call, a period that repeats an earlier item of the call', async () => {
    const result = await run(publishMany, {
      supplierId,
      tariffs: [
        { key: 'gas', service: 'GAS', unit: 'CUBIC_METRE', pricePerUnit: '40', validFrom: '2026-03-01' },
        { key: 'gas-again', service: 'GAS', unit: 'CUBIC_METRE', pricePerUnit: '41', validFrom: '2026-03-01' },
      ],
    });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data?.publishTariffs).toEqual({
      created: 1,
      rejected: 1,
      items: [
        { key: 'gas', status: 'CREATED', errors: [] },
        { key: 'gas-again', status: 'REJECTED', errors: [{ field: 'tariffs[1].validFrom' }] },
      ],
    });
  });

  it('refuses a bulk tariff starting in or before a closed billing period, per item', async () => {
    for (const name of ['open', 'close'] as const) {
      const done = await run(period(name), { supplierId, month: '2026-06-01' });
      expect(done.errors, JSON.stringify(done.errors)).toBeUndefined();
    }
    const result = await run(publishMany, {
      supplierId,
      tariffs: [
        { key: 'in-june', service: 'GAS', unit: 'CUBIC_METRE', pricePerUnit: '45', validFrom: '2026-06-30' },
        { key: 'before', service: 'GAS', unit: 'CUBIC_METRE', pricePerUnit: '45', validFrom: '2026-02-01', validTo: '2026-02-28' },
        { key: 'july', service: 'GAS', unit: 'CUBIC_METRE', pricePerUnit: '45', validFrom: '2026-07-01' },
      ],
    });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data?.publishTariffs.items).toEqual([
      { key: 'in-june', status: 'REJECTED', errors: [{ field: 'tariffs[0].validFrom' }] },
      { key: 'before', status: 'REJECTED', errors: [{ field: 'tariffs[1].validFrom' }] },
      { key: 'july', status: 'CREATED', errors: [] },
    ]);
  });
});
