import { connectDatabase } from '../lib/db.js';
import { env } from '../lib/env.js';
import { ensureDatabase, migrateDatabase } from '../lib/migrate.js';
import { type PostgresServer, startPostgres } from '../lib/postgres-server.js';
import { bootstrapAdministrator } from '../subgraphs/access/bootstrap.js';

export interface PreparedDatabase {
  server: PostgresServer;
  /** URL of the migrated application database. */
  url: string;
}

/**
 * DATABASE_URL when set, otherwise the embedded PostgreSQL (creating database
 * `housing` on it); then the committed migrations, and the first administrator when
 * BOOTSTRAP_ADMIN_TOKEN is set and none exists yet.
 */
export async function prepareDatabase(
  log: (line: string) => void = console.log,
  options: { stopOnSignals?: boolean } = {},
): Promise<PreparedDatabase> {
  const config = env();
  const server = await startPostgres({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.EMBEDDED_PG_DIR,
    port: config.EMBEDDED_PG_PORT,
    stopOnSignals: options.stopOnSignals ?? true,
  });
  try {
    const url = server.embedded ? await ensureDatabase(server.url, 'housing') : server.url;
    log(server.embedded ? `Embedded PostgreSQL in ${config.EMBEDDED_PG_DIR} on ${new URL(url).port}` : 'Using DATABASE_URL');
    await migrateDatabase(url);
    if (config.BOOTSTRAP_ADMIN_TOKEN) {
      const handle = connectDatabase(url, { max: 1 });
      try {
        const result = await bootstrapAdministrator(handle.db, config.BOOTSTRAP_ADMIN_TOKEN);
        if (result.created) log('Created the first administrator for BOOTSTRAP_ADMIN_TOKEN.');
      } finally {
        await handle.close();
      }
    }
    return { server, url };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
