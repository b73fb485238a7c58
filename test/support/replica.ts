import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from '../../lib/free-port.js';
import { ensureDatabase, migrateDatabase } from '../../lib/migrate.js';

const run = promisify(execFile);

/**
 * A primary PostgreSQL and a streaming replica of it (pg_basebackup -R), both of this test's
 * own, from the machine's PostgreSQL binaries (PG_BIN, default the Debian layout of 15). The
 * embedded PostgreSQL of npm ships no pg_basebackup, hence the machine's. PostgreSQL refuses
 * to run as root: as root the clusters run as the `postgres` user.
 */
export interface ReplicaPair {
  /** The migrated `housing` database on the primary. */
  primaryUrl: string;
  /** The same database on the replica (read-only). */
  replicaUrl: string;
  /** Stops applying WAL on the replica (`pg_wal_replay_pause()`): it keeps receiving, and lags. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  destroy(): Promise<void>;
}

const binDir = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const tools = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Why a replica cannot run here, or null when it can. */
export function replicaUnavailable(): string | null {
  const missing = tools.filter((tool) => !existsSync(join(binDir, tool)));
  if (missing.length > 0) return `PostgreSQL binaries missing in ${binDir} (${missing.join(', ')}); set PG_BIN`;
  return null;
}

async function asPostgres(tool: string, args: string[]): Promise<void> {
  const command = join(binDir, tool);
  if (isRoot) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
  else await run(command, args);
}

const serverOptions = (port: number) =>
  `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c max_connections=60 -c wal_level=replica`;

export async function startReplicaPair(): Promise<ReplicaPair> {
  const root = await mkdtemp(join(tmpdir(), 'housing-replica-'));
  if (isRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(root, Number(stdout.trim()), Number(group.trim()));
  }
  await chmod(root, 0o700);
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const stopAll = async () => {
    for (const dir of [replicaDir, primaryDir])
      if (existsSync(join(dir, 'postmaster.pid'))) await asPostgres('pg_ctl', ['-D', dir, '-m', 'immediate', 'stop']).catch(() => {});
    await rm(root, { recursive: true, force: true });
  };
  try {
    // initdb's default pg_hba.conf trusts loopback connections, replication ones included.
    await asPostgres('initdb', [
      '--no-sync',
      '-D',
      primaryDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--lc-collate=C',
    ]);
    await asPostgres('pg_ctl', ['-D', primaryDir, '-l', join(root, 'primary.log'), '-o', serverOptions(primaryPort), '-w', 'start']);
    const server = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
    const primaryUrl = await ensureDatabase(server, 'housing');
    await migrateDatabase(primaryUrl);
    await asPostgres('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
      '--checkpoint=fast',
      '--no-sync',
    ]);
    await asPostgres('pg_ctl', ['-D', replicaDir, '-l', join(root, 'replica.log'), '-o', serverOptions(replicaPort), '-w', 'start']);
    const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/housing`;
    const onReplica = async (statement: string) => {
      const client = postgres(replicaUrl, { max: 1, onnotice: () => {} });
      try {
        await client.unsafe(statement);
      } finally {
        await client.end();
      }
    };
    return {
      primaryUrl,
      replicaUrl,
      pauseReplay: () => onReplica('select pg_wal_replay_pause()'),
      resumeReplay: () => onReplica('select pg_wal_replay_resume()'),
      destroy: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
