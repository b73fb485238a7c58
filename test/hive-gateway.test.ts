import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../lib/free-port.js';
import { subgraphNames } from '../lib/subgraph-names.js';
import { createAccessSeeder } from '../scripts/seed/access-seeder.js';
import { readDemoTokens } from '../scripts/seed/demo-tokens.js';
import { demoSeeders, seedDemoData } from '../scripts/seed/index.js';
import { type GraphQLResponse, postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

// A gateway anyone can replace: Hive Gateway (The Guild's router, from npm) serves the
// COMMITTED supergraph with nothing but gateway/hive/gateway.config.ts. No import of this
// project's code, no database, no secret: it only calls the access service's `POST /caller`.
// For the same requests it must answer exactly what our gateway answers.

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const hiveBin = join(dirname(require.resolve('@graphql-hive/gateway/package.json')), 'dist', 'bin.js');

interface Hive {
  url: string;
  child: ChildProcess;
  output(): string;
}

/** Starts the Hive Gateway CLI as an operator would, with a minimal environment: routing URLs, nothing else. */
async function startHive(system: TestSystem, options: { rustPlanner: boolean }): Promise<Hive> {
  const port = await freePort();
  const environment: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...Object.fromEntries(subgraphNames.map((name) => [`${name.toUpperCase()}_URL`, system.subgraphUrls[name]])),
    ...(options.rustPlanner ? { HIVE_ROUTER_RUNTIME: 'true' } : {}),
  };
  const args = [
    hiveBin,
    'supergraph',
    'schema/supergraph.graphql',
    '--config-path',
    'gateway/hive/gateway.config.ts',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
  ];
  const child = spawn(process.execPath, args, { cwd: root, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Hive Gateway exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readiness`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`Hive Gateway did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (options.rustPlanner) expect(output).toContain('Using Hive Router Runtime');
  return { url, child, output: () => output };
}

async function stopHive(hive: Hive | undefined): Promise<void> {
  if (!hive || hive.child.exitCode !== null) return;
  const exited = new Promise((resolve) => hive.child.once('exit', resolve));
  hive.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (hive.child.exitCode === null) hive.child.kill('SIGKILL');
}

const codes = (response: GraphQLResponse) => (response.errors ?? []).map((error) => error.extensions?.code);

const OPEN_BUILDINGS = `query Buildings($after: String) {
  buildings(first: 25, after: $after) {
    edges { node { id cadastralNumber katoCode yearBuilt floorCount heatingSupplyType condition region { katoCode nameKk nameRu } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SUPPLIERS = `{ suppliers(first: 20) { edges { node { name bin services tariffs { service pricePerUnit unit validFrom } } } } }`;
const SUPPLIER_ACCOUNTS = `{ personalAccounts(first: 100) {
  edges { node { accountNumber service premiseNumber openedAt holderName holderIin supplier { name } building { cadastralNumber region { nameRu } } } }
  pageInfo { hasNextPage }
} }`;
const ME = `{ me { isAdministrator grants { id functions subject { kind name } } } }`;
const ADMINISTRATOR = `{
  me { isAdministrator }
  applications(first: 20) { edges { node { digitalObjectName functions status subject { name } } } }
  subjects(first: 20) { edges { node { kind name identificationNumber } } }
}`;

it('the Hive configuration uses nothing of ours: no import but Hive, no database, no secret', async () => {
  const config = await readFile(join(root, 'gateway/hive/gateway.config.ts'), 'utf8');
  expect([...config.matchAll(/\bfrom\s+'([^']+)'/g)].map((match) => match[1])).toEqual(['@graphql-hive/gateway']);
  expect(config).not.toMatch(/import\(|require\(|GATEWAY_SECRET|DATABASE_URL|postgres/);
});

describe.each([
  { planner: 'JavaScript (stitching) planner', rustPlanner: false },
  { planner: 'Rust query planner (Hive Router runtime)', rustPlanner: true },
])('Hive Gateway with only its configuration file, $planner', ({ rustPlanner }) => {
  let system: TestSystem;
  let hive: Hive | undefined;
  let tokensDir: string;
  let administrator: string;
  let supplier: string;

  beforeAll(async () => {
    system = await startTestSystem();
    tokensDir = await mkdtemp(join(tmpdir(), 'hive-demo-tokens-'));
    const tokensFile = join(tokensDir, 'demo-tokens.json');
    const seeders = demoSeeders.map((seeder) => (seeder.name === 'access' ? createAccessSeeder({ tokensFile }) : seeder));
    await seedDemoData(system.db, { buildings: 120, seed: 11 }, seeders);
    const tokens = await readDemoTokens(tokensFile);
    administrator = tokens?.administrator?.token as string;
    supplier = tokens?.supplierWater?.token as string;
    expect(administrator && supplier).toBeTruthy();
    hive = await startHive(system, { rustPlanner });
  });
  afterAll(async () => {
    await stopHive(hive);
    await system?.close();
    if (tokensDir) await rm(tokensDir, { recursive: true, force: true });
  });

  /** The same request through both routers. */
  async function both(query: string, variables: Record<string, unknown> = {}, token?: string) {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const ours = await postGraphQL(system.gatewayUrl, query, variables, headers);
    const theirs = await postGraphQL((hive as Hive).url, query, variables, headers);
    return { ours, theirs };
  }

  function expectSame({ ours, theirs }: { ours: GraphQLResponse; theirs: GraphQLResponse }) {
    expect(theirs.data ?? null, (hive as Hive).output()).toEqual(ours.data ?? null);
    expect(codes(theirs)).toEqual(codes(ours));
    expect(theirs.status).toBe(ours.status);
  }

  it('answers the open part as our gateway does: pages of buildings with their region, suppliers with tariffs', async () => {
    const first = await both(OPEN_BUILDINGS);
    expect(first.ours.errors).toBeUndefined();
    expect(first.ours.data?.buildings.edges).toHaveLength(25);
    expectSame(first);
    expectSame(await both(OPEN_BUILDINGS, { after: first.ours.data?.buildings.pageInfo.endCursor }));
    const suppliers = await both(SUPPLIERS);
    expect(suppliers.ours.errors).toBeUndefined();
    expect(suppliers.ours.data?.suppliers.edges.some((edge: { node: { tariffs: unknown[] } }) => edge.node.tariffs.length > 0)).toBe(true);
    expectSame(suppliers);
  });

  it("answers a supplier's system its own personal accounts with the holders' personal data, and an administrator's queries", async () => {
    const accounts = await both(SUPPLIER_ACCOUNTS, {}, supplier);
    expect(accounts.ours.errors).toBeUndefined();
    expect(accounts.ours.data?.personalAccounts.edges.length).toBeGreaterThan(0);
    expect(accounts.ours.data?.personalAccounts.edges[0].node.holderIin).toMatch(/^\d{12}$/);
    expectSame(accounts);
    const admin = await both(ADMINISTRATOR, {}, administrator);
    expect(admin.ours.errors).toBeUndefined();
    expect(admin.ours.data?.me.isAdministrator).toBe(true);
    expectSame(admin);
  });

  it('refuses as our gateway does: anonymous callers on protected fields, bad tokens with 401', async () => {
    const anonymous = await both(SUPPLIER_ACCOUNTS);
    expect(codes(anonymous.ours)).toEqual(['UNAUTHENTICATED']);
    expectSame(anonymous);
    // One root field: when a subgraph answers `data: null` for several root fields at once
    // (a non-null field refused), Hive's JavaScript planner reports "Unexpected error."
    // instead of the subgraph's FORBIDDEN; its Rust planner and our gateway pass it through.
    const forbidden = await both(`{ applications(first: 5) { edges { node { digitalObjectName } } } }`, {}, supplier);
    expect(codes(forbidden.ours)).toEqual(['FORBIDDEN']);
    expectSame(forbidden);
    const badToken = await both(ME, {}, 'kzh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(badToken.ours.status).toBe(401);
    expectSame(badToken);
  });

  it("refuses the supplier's system on the very next request through Hive once its grant is revoked through our gateway", async () => {
    const me = await postGraphQL(system.gatewayUrl, ME, {}, { authorization: `Bearer ${supplier}` });
    const grantIds: string[] = me.data?.me.grants.map((grant: { id: string }) => grant.id) ?? [];
    expect(grantIds.length).toBeGreaterThan(0);
    expect((await postGraphQL((hive as Hive).url, SUPPLIER_ACCOUNTS, {}, { authorization: `Bearer ${supplier}` })).errors).toBeUndefined();
    for (const grantId of grantIds) {
      const ended = await postGraphQL(
        system.gatewayUrl,
        `mutation($grantId: ID!) { endGrant(input: { grantId: $grantId, ground: REVOKED, comment: "Agreement terminated" }) { endedGrants { id } } }`,
        { grantId },
        { authorization: `Bearer ${administrator}` },
      );
      expect(ended.errors).toBeUndefined();
    }
    const theirs = await postGraphQL((hive as Hive).url, SUPPLIER_ACCOUNTS, {}, { authorization: `Bearer ${supplier}` });
    expect(codes(theirs)).toEqual(['FORBIDDEN']);
    const ours = await postGraphQL(system.gatewayUrl, SUPPLIER_ACCOUNTS, {}, { authorization: `Bearer ${supplier}` });
    expect(theirs.data ?? null).toEqual(ours.data ?? null);
    expect(codes(theirs)).toEqual(codes(ours));
  });
});
