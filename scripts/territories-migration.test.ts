import { readFileSync } from 'node:fs';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { territories } from '../schema/buildings.js';
import { territoriesData } from '../subgraphs/buildings/territories-data.js';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { latestTerritoriesMigration, renderTerritoriesMigration } from './territories-migration.js';

const byCode = (a: { katoCode: string }, b: { katoCode: string }) => a.katoCode.localeCompare(b.katoCode);

describe('the territories migration', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('is what scripts/territories-migration.ts renders from territories-data.ts', () => {
    const file = latestTerritoriesMigration();
    expect(
      readFileSync(file, 'utf8'),
      `${file} differs from territories-data.ts: generate a new migration (npx drizzle-kit generate --custom --name buildings_territories), then fill it with npx tsx scripts/territories-migration.ts`,
    ).toBe(renderTerritoriesMigration(territoriesData));
  });

  it('leaves every migrated database with exactly the rows of territories-data.ts', async () => {
    const stored = await database.db.select().from(territories).orderBy(asc(territories.katoCode));
    expect(stored).toHaveLength(78);
    expect(stored).toEqual([...territoriesData].sort(byCode));
  });

  it('runs again on a database that has territories already, restoring their values', async () => {
    await database.db.update(territories).set({ nameRu: 'старое название', level: 3 }).where(eq(territories.katoCode, '750000000'));
    await database.db.execute(sql.raw(renderTerritoriesMigration(territoriesData)));
    const stored = await database.db.select().from(territories).orderBy(asc(territories.katoCode));
    expect(stored).toEqual([...territoriesData].sort(byCode));
  });

  it('quotes values so that any name is stored as written', () => {
    const [first] = territoriesData;
    if (!first) throw new Error('No territories.');
    expect(renderTerritoriesMigration([{ ...first, nameRu: "город O'Нил" }])).toContain("'город O''Нил'");
  });
});
