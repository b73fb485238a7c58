import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../lib/db.js';
import { buildings, premiseOwners, premises, territories } from '../schema/buildings.js';
import { BuildingGenerator } from '../scripts/seed/building-generator.js';
import { insertBuildings } from '../scripts/seed/buildings-seeder.js';
import { demoSeeders, postgresClient, resetDemoData, type SeedReport, seedDemoData, seedIfEmpty } from '../scripts/seed/index.js';
import {
  type PremiseInput,
  todayInKazakhstan,
  validateAnnexFields,
  validatePremises,
  validateRetireReason,
} from '../subgraphs/buildings/building-validation.js';
import { territoriesData } from '../subgraphs/buildings/territories-data.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// The demo-data generator against a real database: what it writes passes the register's
// own rules, stays within the building totals, covers the country, and is reproducible.

const BUILDINGS = 800;
const SEED = 5;
const now = new Date();
const referenceDate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
/** The register's seeder only: the other subgraphs' demo data has tests of its own. */
const seeders = demoSeeders.filter((seeder) => seeder.name === 'buildings');

async function scalar(db: Database, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await db.execute<{ value: number | string }>(query);
  return Number(row?.value);
}

/** A digest of every stored column of every generated row, ids included. */
async function fingerprint(db: Database): Promise<string> {
  const [row] = await db.execute<{ digest: string }>(sql`
    select md5(
      (select string_agg(b::text, E'\n' order by b.id) from buildings.buildings b) ||
      (select string_agg(p::text, E'\n' order by p.id) from buildings.premises p) ||
      (select string_agg(o::text, E'\n' order by o.id) from buildings.premise_owners o)
    ) as digest`);
  return row?.digest ?? '';
}

describe('demo data generator', () => {
  let database: TestDatabase;
  let report: SeedReport;

  beforeAll(async () => {
    database = await createTestDatabase();
    report = await seedDemoData(database.db, { buildings: BUILDINGS, seed: SEED, referenceDate }, seeders);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('reports the rows it wrote, and never lists more premises than a building has', async () => {
    const { db } = database;
    expect(report.counts).toEqual({
      buildings: BUILDINGS,
      premises: await scalar(db, sql`select count(*) as value from buildings.premises`),
      premiseOwners: await scalar(db, sql`select count(*) as value from buildings.premise_owners`),
    });
    expect(await scalar(db, sql`select count(*) as value from buildings.buildings`)).toBe(BUILDINGS);
    expect(await scalar(db, sql`select count(*) as value from buildings.territories`)).toBe(territoriesData.length);
    expect(report.counts.premises).toBeGreaterThan(BUILDINGS * 10);
    expect(report.counts.premiseOwners).toBeGreaterThan(report.counts.premises ?? 0);

    expect(
      await scalar(
        db,
        sql`
      select count(*) as value from buildings.buildings b
       where (select count(*) from buildings.premises p where p.building_id = b.id) > b.total_premises_count
          or (select count(*) from buildings.premises p where p.building_id = b.id and p.kind = 'APARTMENT') <> b.apartment_count
          or b.apartment_count + b.non_residential_premises_count > b.total_premises_count`,
      ),
    ).toBe(0);
    // Every apartment has one or two owners.
    expect(
      await scalar(
        db,
        sql`
      select count(*) as value from buildings.premises p
       where p.kind = 'APARTMENT' and (select count(*) from buildings.premise_owners o where o.premise_id = p.id) not between 1 and 2`,
      ),
    ).toBe(0);
  });

  it('places buildings all over the country, Almaty city included, at district and city codes', async () => {
    const { db } = database;
    expect(await scalar(db, sql`select count(*) as value from buildings.buildings where kato_code like '75%'`)).toBeGreaterThan(
      BUILDINGS * 0.12,
    );
    expect(await scalar(db, sql`select count(distinct left(kato_code, 2)) as value from buildings.buildings`)).toBe(20);
    expect(
      await scalar(
        db,
        sql`
      select count(*) as value from buildings.buildings b
       where not exists (select 1 from buildings.territories t where t.kato_code = b.kato_code and t.level = 2)`,
      ),
    ).toBe(0);
    const almaty = await db.select({ id: buildings.id }).from(buildings).where(sql`${buildings.katoCode} like '7511%'`).limit(1);
    expect(almaty).toHaveLength(1);
  });

  it('stores only records and premises that the register rules accept', async () => {
    const { db } = database;
    const known = new Set((await db.select({ code: territories.katoCode }).from(territories)).map((t) => t.code));
    const today = todayInKazakhstan();
    const stored = await db.select().from(buildings).orderBy(asc(buildings.id));
    const premiseRows = await db.select().from(premises).orderBy(asc(premises.id));
    const ownerRows = await db.select().from(premiseOwners).orderBy(asc(premiseOwners.id));
    const ownersOf = new Map<string, PremiseInput['owners']>();
    for (const owner of ownerRows) {
      ownersOf.set(owner.premiseId, [
        ...(ownersOf.get(owner.premiseId) ?? []),
        { kind: owner.kind, identificationNumber: owner.identificationNumber, name: owner.name, share: owner.share },
      ]);
    }
    const premisesOf = new Map<string, PremiseInput[]>();
    for (const premise of premiseRows) {
      premisesOf.set(premise.buildingId, [
        ...(premisesOf.get(premise.buildingId) ?? []),
        { kind: premise.kind, number: premise.number, floor: premise.floor, area: premise.area, owners: ownersOf.get(premise.id) ?? [] },
      ]);
    }
    let retired = 0;
    for (const building of stored) {
      const { registerExitReason, ...record } = building;
      expect(validateAnnexFields(record, { today, katoKnown: known.has(record.katoCode.slice(0, 9)) }), building.cadastralNumber).toEqual(
        [],
      );
      expect(validatePremises(premisesOf.get(building.id) ?? [], { building, existing: [] }), building.cadastralNumber).toEqual([]);
      if (building.status === 'RETIRED') {
        retired += 1;
        expect(validateRetireReason(registerExitReason ?? '')).toEqual([]);
      } else {
        expect(registerExitReason).toBeNull();
      }
    }
    expect(retired).toBeGreaterThan(0);
    expect(stored.some((b) => b.condition === 'EMERGENCY')).toBe(true);
    const yearAgo = Date.now() - 365 * 86_400_000;
    const overdue = stored.filter((b) => b.status === 'REGISTERED' && (b.confirmedAt?.getTime() ?? 0) < yearAgo).length;
    expect(overdue / BUILDINGS).toBeGreaterThan(0.05);
    expect(overdue / BUILDINGS).toBeLessThan(0.15);
  });

  it('writes the same rows for the same seed and day, and other rows for another seed', async () => {
    const expected = await fingerprint(database.db);
    const other = await createTestDatabase();
    try {
      await seedDemoData(other.db, { buildings: BUILDINGS, seed: SEED, referenceDate }, seeders);
      expect(await fingerprint(other.db)).toBe(expected);

      await resetDemoData(other.db, seeders);
      expect(await scalar(other.db, sql`select count(*) as value from buildings.premise_owners`)).toBe(0);
      await seedDemoData(other.db, { buildings: BUILDINGS, seed: SEED + 1, referenceDate }, seeders);
      expect(await fingerprint(other.db)).not.toBe(expected);
      const [first] = await other.db
        .select({ cadastralNumber: buildings.cadastralNumber, id: buildings.id })
        .from(buildings)
        .orderBy(asc(buildings.id))
        .limit(1);
      const [mine] = await database.db
        .select({ cadastralNumber: buildings.cadastralNumber, id: buildings.id })
        .from(buildings)
        .orderBy(asc(buildings.id))
        .limit(1);
      expect(first?.id).not.toBe(mine?.id);
    } finally {
      await other.close();
    }
  });

  it('refuses to add demo buildings to a register that has some, and changes nothing', async () => {
    const before = await fingerprint(database.db);
    await expect(seedDemoData(database.db, { buildings: 10, seed: 99, referenceDate }, seeders)).rejects.toThrow(
      `The register already has ${BUILDINGS} buildings; reset it first`,
    );
    expect(await fingerprint(database.db)).toBe(before);
  });

  it('rolls every connection back when PostgreSQL rejects a row, and reports its message', async () => {
    const other = await createTestDatabase();
    try {
      // PostgreSQL will reject building 2,500, in the fifth chunk, while other chunks wait uncommitted on the other connection.
      const generator = new BuildingGenerator({ seed: 1, territories: territoriesData, referenceDate });
      for (let i = 0; i < 2499; i++) generator.next();
      const rejected = generator.next().building.addressRegistrationCode;
      await other.db.execute(
        sql.raw(`alter table buildings.buildings add constraint demo_failure check (address_registration_code <> '${rejected}')`),
      );
      await expect(insertBuildings(postgresClient(other.db), { buildings: 3000, seed: 1, referenceDate, chunkSize: 500 })).rejects.toThrow(
        /violates check constraint "demo_failure"/,
      );
      expect(await scalar(other.db, sql`select count(*) as value from buildings.buildings`)).toBe(0);
      expect(await scalar(other.db, sql`select count(*) as value from buildings.premises`)).toBe(0);
      expect(
        await scalar(
          other.db,
          sql`select count(*) as value from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
        ),
      ).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('on start, seeds an empty register only; the territories come from the migration, not the seeder', async () => {
    const other = await createTestDatabase();
    try {
      expect(await scalar(other.db, sql`select count(*) as value from buildings.territories`)).toBe(territoriesData.length);
      const first = await seedIfEmpty(other.db, 40, { seeders, referenceDate, seed: SEED });
      expect(first?.counts).not.toHaveProperty('territories');
      expect(first?.counts.buildings).toBe(40);

      // A later start adds nothing.
      expect(await seedIfEmpty(other.db, 40, { seeders, referenceDate, seed: SEED })).toBeNull();
      expect(await scalar(other.db, sql`select count(*) as value from buildings.buildings`)).toBe(40);
      expect(await scalar(other.db, sql`select count(*) as value from buildings.territories`)).toBe(territoriesData.length);
    } finally {
      await other.close();
    }
  });
});
