import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { connectDatabase } from '../lib/db.js';
import { migrateDatabase, migrationsFolder } from '../lib/migrate.js';
import { withDatabase } from '../lib/postgres-server.js';
import { createAccessSeeder, demoPersons } from '../scripts/seed/access-seeder.js';
import { placeDemoOwner } from '../scripts/seed/buildings-seeder.js';
import { type DemoTokens, readDemoTokens } from '../scripts/seed/demo-tokens.js';
import { demoSeeders, seedDemoData } from '../scripts/seed/index.js';
import { generateActivity, generateRegister, planDistricts } from './national-dataset.js';

/**
 * The benchmark's dataset at `buildings` buildings (the national size is 300,000): the
 * register, management, reports, capital repair, requests and a few months of utilities,
 * generated on the server by bench/national-dataset.ts, with the demo users, suppliers and
 * OSI of the demo seeders placed among them (the analyst's token reads the dashboard). Kept
 * between runs in a database named after its size, the migrations and the generator, so a
 * rerun measures at once.
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
  /** Every generated table's rows (the demo seeders' few rows not counted). */
  rows: Record<string, number>;
  /** Phase 1: buildings, premises and owners. */
  registerSeconds: number;
  /** The demo seeders (users, tokens, demo suppliers and OSI). */
  demoSeconds: number;
  /** Phase 2: management, reports, capital repair, requests, utilities. */
  activitySeconds: number;
  databaseMiB: number;
  /** The last month of the generated readings, charges and payments. */
  month: string;
  /** How many months up to `month` the readings, charges, payments and contributions cover. */
  months: number;
  generatedAt: string;
}

export interface GenerateOptions {
  buildings: number;
  month: string;
  months: number;
  /** "Today" of the data (YYYY-MM-DD). */
  referenceDate: string;
  tokensFile: string;
  log?: (line: string) => void;
}

/** Generates the dataset into the migrated, empty database at `url`. */
export async function generateDataset(url: string, options: GenerateOptions) {
  const log = options.log ?? (() => {});
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  try {
    const plans = planDistricts(options.buildings);
    log(`Generating ${options.buildings.toLocaleString('en')} buildings with their premises and owners…`);
    let started = performance.now();
    const register = await generateRegister(sql, plans, { referenceDate: options.referenceDate, log });
    const registerSeconds = (performance.now() - started) / 1000;
    await sql`analyze buildings.buildings, buildings.premises, buildings.premise_owners`;

    log('Placing the demo users, suppliers and OSI…');
    started = performance.now();
    const demoOwners = await placeDemoOwner(sql, demoPersons.owner);
    if (demoOwners === 0) log('  no Almaty condominium apartment held by a person: no demo owner');
    const seeding = connectDatabase(url, { max: 2 });
    try {
      const seeders = demoSeeders
        .filter((seeder) => seeder.name !== 'buildings')
        .map((seeder) => (seeder.name === 'access' ? createAccessSeeder({ tokensFile: options.tokensFile }) : seeder));
      await seedDemoData(
        seeding.db,
        { buildings: options.buildings, seed: 1, referenceDate: new Date(`${options.referenceDate}T00:00:00Z`) },
        seeders,
      );
    } finally {
      await seeding.close();
    }
    const demoSeconds = (performance.now() - started) / 1000;

    log(`Generating management, reports, requests and ${options.months} months of utilities…`);
    started = performance.now();
    const activity = await generateActivity(sql, plans, {
      month: options.month,
      months: options.months,
      referenceDate: options.referenceDate,
      log,
    });
    await sql.unsafe('analyze');
    const activitySeconds = (performance.now() - started) / 1000;
    return { rows: { ...register, ...activity }, registerSeconds, demoSeconds, activitySeconds };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function generatorHash(): string {
  const hash = createHash('sha256');
  for (const file of ['national-dataset.ts', 'dataset.ts']) hash.update(readFileSync(join(import.meta.dirname, file)));
  return hash.digest('hex').slice(0, 6);
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

export async function prepareDataset(
  adminUrl: string,
  buildings: number,
  log: (line: string) => void,
  options: { months?: number } = {},
): Promise<Dataset> {
  const months = options.months ?? 2;
  const name = `housing_bench_${buildings}_${months}m_${migrationsHash()}${generatorHash()}`;
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
    const month = benchMonth();
    const generated = await generateDataset(url, {
      buildings,
      month,
      months,
      referenceDate: new Date().toISOString().slice(0, 10),
      tokensFile,
      log,
    });
    await admin.unsafe(`alter database ${building} rename to ${name}`);
    const [size] = await admin<Array<{ bytes: string }>>`select pg_database_size(${name})::text as bytes`;
    const rows = generated.rows;
    const round = (seconds: number) => Math.round(seconds * 10) / 10;
    const generation: Generation = {
      buildings: rows.buildings ?? 0,
      premises: rows.premises ?? 0,
      owners: rows.owners ?? 0,
      accounts: rows.accounts ?? 0,
      meters: rows.meters ?? 0,
      readings: rows.readings ?? 0,
      charges: rows.charges ?? 0,
      payments: rows.payments ?? 0,
      rows,
      registerSeconds: round(generated.registerSeconds),
      demoSeconds: round(generated.demoSeconds),
      activitySeconds: round(generated.activitySeconds),
      databaseMiB: Math.round(Number(size?.bytes ?? 0) / 2 ** 20),
      month,
      months,
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
