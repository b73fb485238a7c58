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
      await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
      await admin.end();
    },
  };
}
