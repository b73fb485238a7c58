import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { freePort } from '../../lib/free-port.js';
import { ensureDatabase, migrateDatabase } from '../../lib/migrate.js';
import { type PostgresServer, startPostgres } from '../../lib/postgres-server.js';

/**
 * A PostgreSQL of one test's own, which it may crash, stop and restart: never the run's
 * shared server, which other test files use at the same time. Its data folder is under
 * `.data/` and is not disposable (fsync on), like the one `npm start` keeps.
 */
export interface OwnPostgres {
  dataDir: string;
  port: number;
  /** URL of its migrated `housing` database. */
  url: string;
  /** The running server, replaced by `restart()`. */
  server: PostgresServer;
  /** Starts the server again on the same folder and port (after `crash()` or `stop()`). */
  restart(): Promise<void>;
  /** Fast shutdown (what an operator's restart does first): sessions end with 57P01. */
  stop(): Promise<void>;
  /** Kills the postmaster and every process of it with SIGKILL at once, as a power cut would end them. */
  crash(): Promise<void>;
  /** Stops the server and deletes its folder. */
  destroy(): Promise<void>;
}

const quiet = () => {};

export async function startOwnPostgres(name: string): Promise<OwnPostgres> {
  const dataDir = resolve('.data', `${name}-${process.pid}-${randomBytes(3).toString('hex')}`);
  const port = await freePort();
  const start = () => startPostgres({ dataDir, port, stopOnSignals: false, log: quiet });
  let server = await start();
  const url = await ensureDatabase(server.url, 'housing');
  await migrateDatabase(url);
  const own: OwnPostgres = {
    dataDir,
    port,
    url,
    server,
    async restart() {
      server = await start();
      own.server = server;
    },
    stop: () => server.stop(),
    async crash() {
      const postmaster = postmasterPid(dataDir);
      if (postmaster === undefined) throw new Error(`No postmaster runs in ${dataDir}.`);
      const children = childrenOf(postmaster);
      process.kill(postmaster, 'SIGKILL');
      for (const pid of children) killQuietly(pid);
      await waitUntil(() => [postmaster, ...children].every((pid) => !isAlive(pid)), 10_000, 'the killed PostgreSQL processes to end');
      await server.stop(); // only forgets the dead process
    },
    async destroy() {
      await server.stop().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return own;
}

/** The pid in the first line of `postmaster.pid`, if the file exists. */
export function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Direct children of `parent` (a postmaster's backends and workers), from /proc. */
export function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat, after the parenthesised command name.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
