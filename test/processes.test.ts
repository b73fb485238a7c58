import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgraphNames } from '../subgraphs/index.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { postGraphQL } from './support/system.js';

// The production shape (docker-compose): every subgraph and the gateway as its own process,
// started with the same entry points the containers use.
const root = join(import.meta.dirname, '..');
const portVariable = {
  buildings: 'BUILDINGS_PORT',
  condominium: 'CONDOMINIUM_PORT',
  utilities: 'UTILITIES_PORT',
  access: 'ACCESS_PORT',
  integration: 'INTEGRATION_PORT',
} as const;

function startProcess(entry: string, env: NodeJS.ProcessEnv, ready: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env: { ...process.env, LOG_LEVEL: 'info', ...env } });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`${entry} exited with ${code}:\n${output}`)));
  });
  return { child, url, exited };
}

describe('services as separate processes', () => {
  let database: TestDatabase;
  const children: ChildProcessWithoutNullStreams[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await database?.close();
  });

  it('subgraphs run alone, the gateway joins them by URL, and all stop on SIGTERM', async () => {
    const common = { DATABASE_URL: database.url, GATEWAY_SECRET: randomBytes(32).toString('hex') };
    const subgraphs = subgraphNames.map((name) => ({
      name,
      ...startProcess(
        `subgraphs/${name}/index.ts`,
        { ...common, [portVariable[name]]: '0' },
        new RegExp(`"url":"(http[^"]+)"[^\\n]*"msg":"${name} subgraph listening"`),
      ),
    }));
    children.push(...subgraphs.map((s) => s.child));
    const urls = Object.fromEntries(await Promise.all(subgraphs.map(async (s) => [`${s.name.toUpperCase()}_URL`, await s.url])));
    // The gateway needs neither the database nor the secret: empty values count as unset.
    const gateway = startProcess(
      'gateway/index.ts',
      { ...urls, DATABASE_URL: '', GATEWAY_SECRET: '', GATEWAY_PORT: '0' },
      /"url":"(http[^"]+)"[^\n]*"msg":"gateway listening"/,
    );
    children.push(gateway.child);

    const response = await postGraphQL(
      await gateway.url,
      '{ regions(level: 1) { katoCode } suppliers(first: 1) { edges { node { id } } } }',
    );
    expect(response.errors).toBeUndefined();
    // Every database holds the KATO regions (a migration loads them) and no supplier yet.
    expect(response.data?.regions.length).toBeGreaterThan(0);
    expect(response.data?.suppliers).toEqual({ edges: [] });
    // A subgraph on its own still refuses anyone but the gateway.
    expect((await postGraphQL(urls.BUILDINGS_URL as string, '{ __typename }')).status).toBe(401);

    for (const child of children) child.kill('SIGTERM');
    expect(await Promise.all([gateway.exited, ...subgraphs.map((s) => s.exited)])).toEqual(Array(subgraphs.length + 1).fill(0));
  }, 90_000);
});
