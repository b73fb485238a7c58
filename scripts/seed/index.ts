import { sql } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { Database } from '../../lib/db.js';
import { env } from '../../lib/env.js';
import { accessSeeder, demoPersons } from './access-seeder.js';
import { insertBuildings, placeDemoOwner } from './buildings-seeder.js';
import { condominiumSeeder } from './condominium-seeder.js';
import type { SeedContext, Seeder } from './seeder.js';
import { utilitiesSeeder } from './utilities-seeder.js';

export type { SeedContext, Seeder } from './seeder.js';

/** The seed used when none is given: `npm start` and `npm run seed` load the same data. */
export const DEFAULT_SEED = 1;

export interface SeedOptions {
  /** Number of buildings to generate. */
  buildings: number;
  seed?: number;
  /** "Today" of the data; defaults to the current UTC day, so runs on one day are identical. */
  referenceDate?: Date;
  log?: (line: string) => void;
}

export interface SeedReport {
  counts: Record<string, number>;
  elapsedMs: number;
}

const buildingsSeeder: Seeder = {
  name: 'buildings',
  seed: async ({ db, buildings, seed, referenceDate, log }) => {
    const step = Math.max(1000, Math.ceil(buildings / 10 / 1000) * 1000);
    let reported = 0;
    const counts = await insertBuildings(postgresClient(db), {
      buildings,
      seed,
      referenceDate,
      onProgress: (done) => {
        if (done >= reported + step && done < buildings) {
          reported = done;
          log(`  ${done} of ${buildings} buildings`);
        }
      },
    });
    if ((await placeDemoOwner(postgresClient(db), demoPersons.owner)) === 0)
      log('  no Almaty condominium apartment held by a person: no demo owner');
    return { ...counts };
  },
  // Cascade reaches every table of the register that refers to buildings (premises, owners, history…).
  reset: async (db) => {
    await db.execute(sql`truncate table buildings.buildings restart identity cascade`);
  },
};

/**
 * The demo seeders, in order. Another subgraph adds its demo data by appending its
 * seeder here (and its reset, which `--reset` calls). Territories are not demo data: a
 * migration loads them into every database (scripts/territories-migration.ts).
 */
export const demoSeeders: Seeder[] = [buildingsSeeder, accessSeeder, utilitiesSeeder, condominiumSeeder];

/** Runs every seeder in order and reports row counts and the elapsed time. */
export async function seedDemoData(db: Database, options: SeedOptions, seeders: readonly Seeder[] = demoSeeders): Promise<SeedReport> {
  const started = performance.now();
  const context: SeedContext = {
    db,
    buildings: options.buildings,
    seed: options.seed ?? DEFAULT_SEED,
    referenceDate: options.referenceDate ?? startOfUtcDay(new Date()),
    log: options.log ?? (() => {}),
  };
  const counts: Record<string, number> = {};
  for (const seeder of seeders) {
    context.log(`Seeding ${seeder.name}…`);
    Object.assign(counts, await seeder.seed(context));
  }
  return { counts, elapsedMs: Math.round(performance.now() - started) };
}

/** Deletes all demo data (territories stay: they are reference data). */
export async function resetDemoData(db: Database, seeders: readonly Seeder[] = demoSeeders): Promise<void> {
  for (const seeder of [...seeders].reverse()) await seeder.reset?.(db);
}

/**
 * For `npm start`: loads the demo data only into a fresh database (no buildings yet).
 * With 0 buildings asked for, loads none.
 */
export async function seedIfEmpty(
  db: Database,
  buildings: number = env().DEMO_BUILDINGS,
  options: Omit<SeedOptions, 'buildings'> & { seeders?: readonly Seeder[] } = {},
): Promise<SeedReport | null> {
  if (buildings <= 0) return null;
  const [row] = await db.execute<{ present: boolean }>(sql`select exists (select 1 from buildings.buildings) as present`);
  if (row?.present) return null;
  const { seeders, ...seedOptions } = options;
  return seedDemoData(db, { ...seedOptions, buildings }, seeders);
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** The postgres.js client under drizzle: bulk writes reserve its connections and send raw statements. */
export function postgresClient(db: Database): Sql {
  const client = (db as Database & { $client?: Sql }).$client;
  if (!client) throw new Error('Seeding needs a drizzle database over postgres.js (lib/db.ts connectDatabase).');
  return client;
}
