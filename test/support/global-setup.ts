import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, migrateDatabase, migrationsFolder } from '../../lib/migrate.js';
import { type PostgresServer, startPostgres, withDatabase } from '../../lib/postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL (maintenance database) the test files create their databases on. */
    postgresServerUrl: string;
    /** Name of the migrated template database each test file copies. */
    templateDatabase: string;
  }
}

let server: PostgresServer | undefined;

/** Names the template after the migrations, so a changed migration gets a fresh template. */
function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    if (file.endsWith('.sql') || file.endsWith('.json')) hash.update(file).update(readFileSync(join(migrationsFolder, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * One PostgreSQL for the run (DATABASE_URL, or embedded under .data/postgres-test) and
 * one migrated template database; each test file copies the template, which takes
 * milliseconds instead of replaying migrations.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  server = await startPostgres({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: process.env.TEST_PG_DIR ?? '.data/postgres-test',
    disposable: true,
    stopOnSignals: false,
  });
  const template = `housing_template_${migrationsHash()}`;
  const admin = postgres(withDatabase(server.url, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    const [existing] = await admin`select 1 from pg_database where datname = ${template}`;
    if (!existing) {
      // Build under a temporary name and rename when complete, so an interrupted run leaves no half-migrated template.
      const building = `${template}_building_${process.pid}`;
      const url = await ensureDatabase(withDatabase(server.url, 'postgres'), building);
      await migrateDatabase(url);
      // When it was made: templates of other migration sets are dropped only once they are old.
      await admin.unsafe(`comment on database "${building}" is '${Math.floor(Date.now() / 1000)}'`);
      // A run started at the same time may have finished the same template first.
      await admin.unsafe(`alter database "${building}" rename to "${template}"`).catch(async (error: unknown) => {
        const [done] = await admin`select 1 from pg_database where datname = ${template}`;
        if (!done) throw error;
        await admin.unsafe(`drop database if exists "${building}"`);
      });
    }
    // Test databases left by killed runs (named with their creation time: older than six hours),
    // and templates of other migration sets made over six hours ago. A database someone is
    // connected to, or one a run made recently, may belong to a run still going on this server.
    const sixHoursAgo = Math.floor(Date.now() / 1000) - 6 * 3600;
    const candidates = await admin<{ datname: string }[]>`
      select d.datname from pg_database d
       where (d.datname like 'housing_test_%'
              or (d.datname like 'housing_template_%' and d.datname <> ${template}
                  and coalesce(shobj_description(d.oid, 'pg_database'), '0')::bigint < ${sixHoursAgo}))
         and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`;
    const stale = candidates.filter(({ datname }) => {
      const created = /^housing_test_([0-9a-z]+)_/.exec(datname)?.[1];
      return !datname.startsWith('housing_test_') || (created !== undefined && Number.parseInt(created, 36) < sixHoursAgo);
    });
    for (const { datname } of stale) await admin.unsafe(`drop database if exists "${datname}"`).catch(() => {});
  } finally {
    await admin.end();
  }
  project.provide('postgresServerUrl', withDatabase(server.url, 'postgres'));
  project.provide('templateDatabase', template);
  return async () => {
    await server?.stop();
  };
}
