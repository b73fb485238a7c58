import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { connectDatabase } from '../lib/db.js';
import { migrateDatabase, migrationsFolder } from '../lib/migrate.js';
import { withDatabase } from '../lib/postgres-server.js';
import { createAccessSeeder } from '../scripts/seed/access-seeder.js';
import { type DemoTokens, readDemoTokens } from '../scripts/seed/demo-tokens.js';
import { demoSeeders, seedDemoData } from '../scripts/seed/index.js';

/**
 * The benchmark's dataset: the demo data of `buildings` buildings (the national size is
 * 300,000) plus a month of utilities at the same scale, generated once and kept between
 * runs in a database named after its size and the migrations, so a rerun measures at once.
 */

export interface Dataset {
  url: string;
  name: string;
  tokens: DemoTokens;
  /** How the dataset was made (kept beside it, so a reused one still reports it). */
  generation: Generation;
  reused: boolean;
}

export interface Generation {
  buildings: number;
  premises: number;
  owners: number;
  accounts: number;
  meters: number;
  readings: number;
  charges: number;
  payments: number;
  seedSeconds: number;
  utilitiesSeconds: number;
  databaseMiB: number;
  /** The month of the generated readings, charges and payments. */
  month: string;
  generatedAt: string;
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    if (file.endsWith('.sql') || file.endsWith('.json')) hash.update(file).update(readFileSync(join(migrationsFolder, file)));
  }
  return hash.digest('hex').slice(0, 10);
}

/** The month before this one: closed in real life, so its figures are complete. */
export function benchMonth(): string {
  const date = new Date();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() - 1);
  return date.toISOString().slice(0, 10);
}

export async function prepareDataset(adminUrl: string, buildings: number, log: (line: string) => void): Promise<Dataset> {
  const name = `housing_bench_${buildings}_${migrationsHash()}`;
  const tokensFile = `.data/${name}-tokens.json`;
  const generationFile = `.data/${name}.json`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [existing] = await admin`select 1 from pg_database where datname = ${name}`;
    const tokens = await readDemoTokens(tokensFile);
    if (existing && tokens && existsSync(generationFile)) {
      log(`Reusing the dataset ${name}.`);
      const generation = JSON.parse(readFileSync(generationFile, 'utf8')) as Generation;
      return { url: withDatabase(adminUrl, name), name, tokens, generation, reused: true };
    }
    // Built under another name and renamed when whole: an interrupted run leaves no half dataset.
    const building = `${name}_building`;
    await admin.unsafe(`drop database if exists ${building} with (force)`);
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${building}`);
    const url = withDatabase(adminUrl, building);
    await migrateDatabase(url);
    log(`Generating ${buildings.toLocaleString('en')} buildings with their premises and owners…`);
    const seeding = connectDatabase(url, { max: 2 });
    const seeders = demoSeeders.map((seeder) => (seeder.name === 'access' ? createAccessSeeder({ tokensFile }) : seeder));
    const seeded = await seedDemoData(seeding.db, { buildings, seed: 1 }, seeders);
    await seeding.close();
    const month = benchMonth();
    log('Generating a month of utilities for every apartment…');
    const started = performance.now();
    const utilities = await generateUtilities(url, month);
    const utilitiesSeconds = (performance.now() - started) / 1000;
    await admin.unsafe(`alter database ${building} rename to ${name}`);
    const [size] = await admin<Array<{ bytes: string }>>`select pg_database_size(${name})::text as bytes`;
    const generation: Generation = {
      buildings: seeded.counts.buildings ?? 0,
      premises: seeded.counts.premises ?? 0,
      owners: seeded.counts.premiseOwners ?? 0,
      ...utilities,
      seedSeconds: Math.round(seeded.elapsedMs / 100) / 10,
      utilitiesSeconds: Math.round(utilitiesSeconds * 10) / 10,
      databaseMiB: Math.round(Number(size?.bytes ?? 0) / 2 ** 20),
      month,
      generatedAt: new Date().toISOString(),
    };
    writeFileSync(generationFile, JSON.stringify(generation, null, 2));
    const issued = await readDemoTokens(tokensFile);
    if (!issued) throw new Error('The demo seed issued no tokens.');
    return { url: withDatabase(adminUrl, name), name, tokens: issued, generation, reused: false };
  } finally {
    await admin.end();
  }
}

/**
 * A water account for every apartment without one, a meter for 7 in 10 of them, a reading
 * from 9 in 10 meters, the month's charge for every account and a payment for 17 in 20:
 * set-wise statements on the server (no row crosses the wire), one per table. The rows are
 * written straight, not through the write path: they are data to read, for the benchmark.
 */
async function generateUtilities(
  url: string,
  month: string,
): Promise<Pick<Generation, 'accounts' | 'meters' | 'readings' | 'charges' | 'payments'>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [supplier] = await sql<Array<{ id: string }>>`
      select id from utilities.suppliers where 'WATER_SUPPLY' = any(services) order by created_at limit 1`;
    const [tariff] = await sql<Array<{ id: string }>>`
      select id from utilities.tariffs where supplier_id = ${supplier!.id} and service = 'WATER_SUPPLY' and published_at is not null
       order by valid_from desc limit 1`;
    if (!supplier || !tariff) throw new Error('The demo seed placed no water supplier with a published tariff.');
    const s = supplier.id;
    const count = async (query: PromiseLike<{ count: number }>) => (await query).count;
    const accounts = await count(sql`
      insert into utilities.personal_accounts (supplier_id, building_id, premise_number, account_number, holder_name, holder_iin, service, opened_at)
      select ${s}, p.building_id, p.number, 'B' || lpad(row_number() over (order by p.id)::text, 9, '0'), 'Bench holder', '851231300019',
             'WATER_SUPPLY', '2020-01-01'
        from buildings.premises p
       where p.kind = 'APARTMENT'
         and not exists (select 1 from utilities.personal_accounts a
                          where a.building_id = p.building_id and a.premise_number = p.number and a.service = 'WATER_SUPPLY')`);
    const meters = await count(sql`
      insert into utilities.meters (supplier_id, kind, building_id, premise_number, kato_code, service, serial_number, capacity_digits,
                                    tariff_zones, status, installed_at)
      select ${s}, 'INDIVIDUAL', a.building_id, a.premise_number, b.kato_code, 'WATER_SUPPLY', 'BM' || a.account_number, 6, 1, 'INSTALLED', '2020-01-01'
        from utilities.personal_accounts a join buildings.buildings b on b.id = a.building_id
       where a.account_number like 'B%' and (hashtext(a.account_number) & 2147483647) % 10 < 7`);
    const readings = await count(sql`
      insert into utilities.meter_readings (meter_id, supplier_id, kato_code, zone, taken_on, value, consumption, kind, source)
      select m.id, ${s}, m.kato_code, 1, ${month}::date + 14, 100 + (hashtext(m.serial_number) & 2147483647) % 900, null, 'CURRENT', 'SUPPLIER'
        from utilities.meters m
       where m.serial_number like 'BM%' and (hashtext(m.serial_number || 'r') & 2147483647) % 10 < 9`);
    await sql`insert into utilities.billing_periods (supplier_id, month) values (${s}, ${month}) on conflict do nothing`;
    const [period] = await sql<
      Array<{ id: string }>
    >`select id from utilities.billing_periods where supplier_id = ${s} and month = ${month}`;
    const charges = await count(sql`
      insert into utilities.charges (supplier_id, account_id, billing_period_id, month, kato_code, service, kind, basis, volume, tariff_id, amount_tiyn)
      select ${s}, a.id, ${period!.id}, ${month}, b.kato_code, 'WATER_SUPPLY', 'CHARGE', 'READING', 10, ${tariff.id},
             100000 + (hashtext(a.account_number) & 2147483647) % 50000
        from utilities.personal_accounts a join buildings.buildings b on b.id = a.building_id
       where a.account_number like 'B%'`);
    const payments = await count(sql`
      insert into utilities.payments (supplier_id, account_id, billing_period_id, amount_tiyn, paid_on, channel, agent_name, reference)
      select ${s}, c.account_id, c.billing_period_id, c.amount_tiyn, ${month}::date + 19, 'BANK', 'Bench bank', 'B' || c.id
        from utilities.charges c
       where c.billing_period_id = ${period!.id} and (hashtext(c.id::text) & 2147483647) % 20 < 17`);
    await sql`analyze utilities.personal_accounts, utilities.meters, utilities.meter_readings, utilities.charges, utilities.payments`;
    return { accounts, meters, readings, charges, payments };
  } finally {
    await sql.end();
  }
}
