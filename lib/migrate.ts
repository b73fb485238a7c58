import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { installJobQueue } from './jobs.js';
import { withDatabase } from './postgres-server.js';

export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** Identifier check for database names we create ourselves (never from user input). */
const safeDatabaseName = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates `database` on the server behind `serverUrl` unless it exists; returns its URL. */
export async function ensureDatabase(serverUrl: string, database: string, template?: string): Promise<string> {
  if (!safeDatabaseName.test(database) || (template && !safeDatabaseName.test(template))) {
    throw new Error(`Refusing to create database with an unexpected name: ${database}`);
  }
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 as present from pg_database where datname = ${database}`;
    if (!row) {
      await admin.unsafe(`create database "${database}"${template ? ` template "${template}"` : ''}`);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  return withDatabase(serverUrl, database);
}

/**
 * Applies the committed drizzle-kit migrations, then installs or upgrades the job queue's
 * own schema (`graphile_worker`, `lib/jobs.ts`). Idempotent, and safe when several
 * services start at once: an advisory lock lets one of them migrate at a time.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(727001)`;
    await migrate(drizzle(client), { migrationsFolder, migrationsSchema: 'public' });
    await installJobQueue(url);
  } finally {
    await client`select pg_advisory_unlock(727001)`.catch(() => {});
    await client.end({ timeout: 5 });
  }
}
