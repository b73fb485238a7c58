import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../lib/free-port.js';
import { startPostgres } from '../lib/postgres-server.js';
import { isAlive, postmasterPid, sleep, waitUntil } from './support/postgres-process.js';
import { type GraphQLResponse, postGraphQL } from './support/system.js';

// `npm start` as an operator runs it, its embedded PostgreSQL on a port the test knows
// (EMBEDDED_PG_PORT): it keeps serving after that database restarts, and SIGTERM stops it
// gracefully. Each test has its own data folder under .data/.

const root = join(import.meta.dirname, '..');
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  dataDir: string;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

async function npmStart(): Promise<Started> {
  const folder = resolve(root, '.data', `operations-start-${process.pid}-${randomBytes(3).toString('hex')}`);
  folders.push(folder);
  const dataDir = join(folder, 'postgres');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EMBEDDED_PG_DIR: dataDir,
    EMBEDDED_PG_PORT: String(port),
    DEMO_BUILDINGS: '60',
    GATEWAY_PORT: '0',
    BUILDINGS_PORT: '0',
    CONDOMINIUM_PORT: '0',
    UTILITIES_PORT: '0',
    ACCESS_PORT: '0',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env, cwd: root });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let early: number | null | undefined;
  void exited.then((code) => (early = code));
  await waitUntil(
    () => {
      if (early !== undefined) throw new Error(`npm start exited with ${early} before it was ready:\n${output}`);
      return /Gateway ready at (\S+)/.test(output);
    },
    90_000,
    `npm start to be ready:\n${output}`,
  );
  const url = /Gateway ready at (\S+)/.exec(output)?.[1] ?? '';
  return { child, url, dataDir, port, output: () => output, exited };
}

const buildingsQuery = '{ buildings(first: 3) { edges { node { id katoCode } } } }';

function buildingsServed(response: GraphQLResponse): boolean {
  return response.status === 200 && !response.errors && (response.data?.buildings?.edges?.length ?? 0) > 0;
}

/** One request on a connection of its own (no kept-alive socket from earlier requests). */
function freshRequest(url: string, query: string): Promise<{ status: number }> {
  return new Promise((done, fail) => {
    const body = JSON.stringify({ query });
    const request = httpRequest(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => done({ status: response.statusCode ?? 0 }));
      },
    );
    request.on('error', fail);
    request.end(body);
  });
}

describe('npm start in operation', () => {
  it('keeps serving after its embedded database restarts, without restarting the process', async () => {
    const started = await npmStart();
    let restarted: Awaited<ReturnType<typeof startPostgres>> | undefined;
    try {
      expect(buildingsServed(await postGraphQL(started.url, buildingsQuery))).toBe(true);

      // The operator restarts PostgreSQL: a fast shutdown of its postmaster, then a new one on the same folder and port.
      const postmaster = postmasterPid(started.dataDir);
      expect(postmaster).toBeDefined();
      process.kill(postmaster!, 'SIGINT');
      await waitUntil(() => !isAlive(postmaster!), 20_000, 'the postmaster to stop');
      const during = await postGraphQL(started.url, buildingsQuery);
      expect(during.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      restarted = await startPostgres({ dataDir: started.dataDir, port: started.port, stopOnSignals: false, log: () => {} });

      await waitUntil(async () => buildingsServed(await postGraphQL(started.url, buildingsQuery)), 20_000, 'npm start to serve again');
      expect(started.child.exitCode).toBeNull();
      expect(started.output()).not.toMatch(/TypeError|Unhandled/);

      started.child.kill('SIGINT');
      expect(await started.exited).toBe(0);
    } finally {
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
      await restarted?.stop();
    }
  }, 180_000);

  it('on SIGTERM finishes the request in flight, refuses new ones, stops its database and exits 0', async () => {
    const started = await npmStart();
    const holder = postgres(`postgres://postgres:postgres@127.0.0.1:${started.port}/housing`, { max: 2, onnotice: () => {} });
    try {
      expect(buildingsServed(await postGraphQL(started.url, buildingsQuery))).toBe(true);

      // A slow request: it waits on a lock the test holds, so it is in flight when SIGTERM arrives.
      const reserved = await holder.reserve();
      await reserved`begin`;
      await reserved`lock table buildings.buildings in access exclusive mode`;
      const inFlight = postGraphQL(started.url, buildingsQuery);
      await waitUntil(
        async () => {
          const [row] = await holder<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and application_name = 'kz-housing-graph'`;
          return (row?.n ?? 0) > 0;
        },
        20_000,
        'the request to wait on the lock',
      );

      started.child.kill('SIGTERM');
      await sleep(500);
      // New requests are refused: the gateway no longer listens (or, on an open connection, answers 503).
      const refused = await freshRequest(started.url, buildingsQuery).then(
        (reply) => `HTTP ${reply.status}`,
        (error: NodeJS.ErrnoException) => error.code ?? String(error),
      );
      expect(['ECONNREFUSED', 'ECONNRESET', 'HTTP 503']).toContain(refused);
      expect(started.child.exitCode).toBeNull();

      await reserved`commit`;
      reserved.release();
      const finished = await inFlight;
      expect(buildingsServed(finished), JSON.stringify(finished)).toBe(true);
      await holder.end({ timeout: 1 });

      expect(await started.exited).toBe(0);
      expect(postmasterPid(started.dataDir)).toBeUndefined();
    } finally {
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
      await holder.end({ timeout: 1 }).catch(() => {});
    }
  }, 180_000);
});
