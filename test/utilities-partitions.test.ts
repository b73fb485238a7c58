import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingManager } from '../subgraphs/utilities/billing-manager.js';
import { ofMetersStatement } from '../subgraphs/utilities/reading-repository.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// Readings and charges are partitioned by month (migrations 0010 and 0019): the statements
// that read them for the months asked name only those months' partitions in their plans.

const meterId = '00000000-0000-4000-8000-000000000001';
const supplierId = '00000000-0000-4000-8000-000000000002';
const periodId = '00000000-0000-4000-8000-000000000003';

/** The tables a statement's plan scans. */
async function scanned(database: TestDatabase, statement: SQL): Promise<string[]> {
  const [row] = await database.db.execute<{ 'QUERY PLAN': unknown }>(sql`explain (format json) ${statement}`);
  const names = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const relation = (node as Record<string, unknown>)['Relation Name'];
      if (typeof relation === 'string') names.add(relation);
      Object.values(node).forEach(walk);
    }
  };
  walk(row?.['QUERY PLAN']);
  return [...names].sort();
}

describe('monthly partitions of readings and charges', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('a meter’s readings of two months read those two partitions only', async () => {
    const plan = await scanned(database, ofMetersStatement([meterId], '2026-02-10', '2026-03-20', { readSubjects: null }));
    expect(plan.filter((name) => name.startsWith('meter_readings'))).toEqual(['meter_readings_2026_02', 'meter_readings_2026_03']);
  });

  it('a period’s charges read that month’s partition only', async () => {
    const query = new BillingManager(database.db).linesOfPeriod(supplierId, periodId, '2026-01-01');
    const plan = await scanned(database, query.getSQL());
    expect(plan.filter((name) => name.startsWith('charges'))).toEqual(['charges_2026_01']);
  });

  it('every month has its partition, and each line carries its KATO code', async () => {
    const [row] = await database.db.execute<{ partitions: number; kato: string }>(sql`
      select (select count(*)::int from pg_inherits where inhparent = 'utilities.charges'::regclass) as partitions,
             (select is_nullable from information_schema.columns
               where table_schema = 'utilities' and table_name = 'charges' and column_name = 'kato_code') as kato`);
    // 2020-01 to 24 months ahead, and the default partition.
    expect(row?.partitions).toBeGreaterThan(24 + 6 * 12);
    expect(row?.kato).toBe('NO');
  });
});
