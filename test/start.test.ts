import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postGraphQL } from './support/system.js';

// `npm start` as a newcomer runs it: no DATABASE_URL, so an embedded PostgreSQL in a data
// folder of its own; then Ctrl-C (SIGINT) must stop everything, the database included.
describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'housing-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves demo data through the gateway and stops cleanly on SIGINT', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EMBEDDED_PG_DIR: join(dataDir, 'postgres'),
      DEMO_BUILDINGS: '60',
      GATEWAY_PORT: '0',
      BUILDINGS_PORT: '0',
      CONDOMINIUM_PORT: '0',
      UTILITIES_PORT: '0',
      ACCESS_PORT: '0',
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env, cwd: join(import.meta.dirname, '..') });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not become ready:\n${output}`)), 90_000);
      void exited.then((code) => reject(new Error(`npm start exited with ${code} before it was ready:\n${output}`)));
      const poll = setInterval(() => {
        const match = /Gateway ready at (\S+)/.exec(output);
        if (match?.[1]) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(match[1]);
        }
      }, 100);
    });
    const response = await postGraphQL<{ buildings: { edges: Array<{ node: { katoCode: string; region: { katoCode: string } } }> } }>(
      url,
      '{ buildings(first: 5, filter: { katoCode: "750000000" }) { edges { node { katoCode region { katoCode } } } } }',
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.buildings.edges.length).toBeGreaterThan(0);
    for (const { node } of response.data!.buildings.edges) expect(node.katoCode.startsWith('75')).toBe(true);

    const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(true);
    const postgresPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // The embedded server is gone: its pid file removed and its process ended.
    expect(existsSync(pidFile)).toBe(false);
    expect(() => process.kill(postgresPid, 0)).toThrow();
  }, 120_000);
});
