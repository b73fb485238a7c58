import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anonymousCaller, type Caller } from '../../lib/auth/caller.js';
import { createAccessSeeder } from '../../scripts/seed/access-seeder.js';
import { type DemoRole, readDemoTokens } from '../../scripts/seed/demo-tokens.js';
import { demoSeeders, seedDemoData } from '../../scripts/seed/index.js';
import { callerForToken } from '../../subgraphs/access/caller-resolution.js';
import { loadSamples, plausibleValue, type Samples } from './hostile-samples.js';
import { type ComposedGraph, operationFor, type RootField } from './hostile-schema.js';
import { callerHeaders } from './signed-request.js';
import { type GraphQLResponse, postGraphQL, startTestSystem, type TestSystem } from './system.js';

export interface HostileSystem {
  system: TestSystem;
  /** The demo users' tokens: administrator, analyst, akimat, supplierWater, … */
  tokens: Partial<Record<DemoRole, string>>;
  samples: Samples;
  /** The demo administrator as the access service resolves its token. */
  administrator: Caller;
  close(): Promise<void>;
}

/** One way a request reaches the graph: through the gateway with a token or none, or straight to a subgraph with a signed caller. */
export interface Route {
  who: string;
  send(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
}

/**
 * The whole system on a fresh database holding a small demo data set (subjects, persons,
 * grants, digital objects, buildings, suppliers, accounts, tariffs), with the gateway's
 * per-caller quotas off and its alias and cost limits raised: the hostile tests send
 * thousands of requests from one caller and mean to reach the resolvers, not the limits
 * (test/gateway-limits.test.ts and test/gateway-quotas.test.ts hold those).
 * Background work (the job queue's worker) is off: nothing changes the database but requests.
 */
export async function startHostileSystem(options: { buildings?: number } = {}): Promise<HostileSystem> {
  process.env.GATEWAY_QUOTAS = 'false';
  process.env.GATEWAY_MAX_ALIASES = '1000';
  process.env.GATEWAY_MAX_COST = '100000000';
  const system = await startTestSystem({ backgroundWork: false });
  const directory = await mkdtemp(join(tmpdir(), 'hostile-'));
  try {
    const tokensFile = join(directory, 'demo-tokens.json');
    const seeders = demoSeeders.map((seeder) => (seeder.name === 'access' ? createAccessSeeder({ tokensFile }) : seeder));
    await seedDemoData(system.db, { buildings: options.buildings ?? 12, seed: 9 }, seeders);
    const demo = (await readDemoTokens(tokensFile)) ?? {};
    const tokens = Object.fromEntries(Object.entries(demo).map(([role, entry]) => [role, entry.token])) as Partial<
      Record<DemoRole, string>
    >;
    if (!tokens.administrator) throw new Error('The demo data issued no administrator token.');
    const samples = await loadSamples(system.db);
    const administrator = await callerForToken(system.db, tokens.administrator);
    return {
      system,
      tokens,
      samples,
      administrator,
      close: async () => {
        await system.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await system.close();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/** The subgraph the gateway's plan sends a call of `root` to (the owner of a mutation or a root query). */
export function ownerOf(graph: ComposedGraph, root: RootField, samples: Samples): string {
  const args = Object.fromEntries(
    root.field.args
      .filter((argument) => argument.type.toString().endsWith('!'))
      .map((argument) => [argument.name, plausibleValue(argument.type, argument.name, samples)]),
  );
  const owners = [...graph.subgraphsOf(operationFor(root, args, 'variables').query)];
  if (owners.length !== 1) throw new Error(`${root.field.name} is planned to ${owners.length} subgraphs: ${owners.join(', ')}`);
  return owners[0]!;
}

/**
 * The administrator and the anonymous public through the gateway, and both straight to
 * `owner` with a caller header signed for it: what any other federation router sends,
 * without our gateway's own input checks in front.
 */
export function routesTo(hostile: HostileSystem, owner: string): Route[] {
  const { system, tokens, administrator } = hostile;
  const url = system.subgraphUrls[owner as keyof typeof system.subgraphUrls];
  if (!url) throw new Error(`No subgraph named ${owner}.`);
  const direct = (who: string, caller: Caller): Route => ({
    who: `${who} straight to ${owner}`,
    send: (query, variables = {}) => postGraphQL(url, query, variables, callerHeaders(caller, system.gatewaySecret, { audience: [owner] })),
  });
  return [
    { who: 'administrator via the gateway', send: (query, variables) => system.query(query, variables, { token: tokens.administrator! }) },
    { who: 'anonymous via the gateway', send: (query, variables) => system.query(query, variables) },
    direct('administrator', administrator),
    direct('anonymous', anonymousCaller),
  ];
}
