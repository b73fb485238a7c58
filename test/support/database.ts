import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type ConnectOptions, connectDatabase, type Database } from '../../lib/db.js';
import { ensureDatabase } from '../../lib/migrate.js';

export interface TestDatabase {
  url: string;
  db: Database;
  close(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file; dropped on close. */
export async function createTestDatabase(options: ConnectOptions = {}): Promise<TestDatabase> {
  const serverUrl = inject('postgresServerUrl');
  // The creation time in the name lets a later run's sweep tell a killed run's database from a live one.
  const name = `housing_test_${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(serverUrl, name, inject('templateDatabase'));
  const handle = connectDatabase(url, options);
  return {
    url,
    db: handle.db,
    close: async () => {
      await handle.close();
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      // Pools closing in the background (the job worker's) finish first: a forced drop ends
      // their sessions mid-close, and a client that meets that rethrows it as uncaught.
      for (let waited = 0; waited < 3000; waited += 50) {
        const [open] = await admin<Array<{ n: number }>>`select count(*)::int as n from pg_stat_activity where datname = ${name}`;
        if (!open || open.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
      await admin.end();
    },
  };
}
