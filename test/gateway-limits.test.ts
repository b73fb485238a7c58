import { readFileSync } from 'node:fs';
import { Lexer, Source, TokenKind } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerEndpointOf } from '../gateway/caller-client.js';
import { defaultLimits, type GatewayLimits } from '../gateway/limits.js';
import { startGateway } from '../gateway/server.js';
import { parseEnv } from '../lib/env.js';
import type { RunningServer } from '../lib/http-server.js';
import { demoSeeders, seedDemoData } from '../scripts/seed/index.js';
import { type GraphQLResponse, postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

/**
 * Finding 1 and 2 of issue 9: every request limit of the gateway at its bound (answered)
 * and just past it (refused with HTTP 4xx and the limit's own code, before any subgraph is
 * asked), with the default limits where a test can reach them and with small ones where
 * it cannot; and the hostile requests that used to freeze or flood the gateway.
 */
describe('request limits at the gateway', () => {
  let system: TestSystem;
  /** The default limits (the environment's), quotas off so that the budget is not what refuses. */
  let gateway: RunningServer;
  /** Small limits, for the bounds a test cannot reach cheaply with the defaults. */
  let small: RunningServer;
  const smallLimits: Partial<GatewayLimits> = { maxCost: 401, maxResponseBytes: 4_000, maxBodyBytes: 8_000 };

  const start = (limits: Partial<GatewayLimits>) =>
    startGateway({
      callerUrl: callerEndpointOf(system.subgraphUrls.access),
      subgraphUrls: system.subgraphUrls,
      host: '127.0.0.1',
      port: 0,
      ide: false,
      limits,
      quotas: false,
    });

  beforeAll(async () => {
    system = await startTestSystem();
    await seedDemoData(
      system.db,
      { buildings: 60 },
      demoSeeders.filter((seeder) => seeder.name === 'buildings'),
    );
    gateway = await start({});
    small = await start(smallLimits);
  });
  afterAll(async () => {
    await small?.close();
    await gateway?.close();
    await system?.close();
  });

  const ask = (query: string, variables: Record<string, unknown> = {}, url = gateway.url) => postGraphQL(url, query, variables);

  /** How long `work` takes, in milliseconds. */
  async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
    const started = performance.now();
    const result = await work();
    return [result, performance.now() - started];
  }

  function expectRefused(response: GraphQLResponse, code: string): void {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.errors?.map((error) => error.extensions?.code)).toContain(code);
    expect(response.data ?? null).toBeNull();
  }

  function expectAnswered(response: GraphQLResponse): void {
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  }

  it('uses the defaults the README documents', () => {
    // The README's "Limits and quotas" table: | limit | default | `VARIABLE` | … |
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const units: Record<string, number> = { '': 1, MiB: 1024 * 1024, s: 1000 };
    const documented = [...readme.matchAll(/^\| [a-z]+ \| ([\d,]+) ?(MiB|s)? \| `(GATEWAY_[A-Z_]+)` \|/gm)].map((row) => ({
      variable: row[3] ?? '',
      value: Number((row[1] ?? '').replaceAll(',', '')) * (units[row[2] ?? ''] ?? Number.NaN),
    }));
    expect(documented.map((row) => row.variable).sort()).toEqual([
      'GATEWAY_MAX_ALIASES',
      'GATEWAY_MAX_BODY_BYTES',
      'GATEWAY_MAX_COST',
      'GATEWAY_MAX_DEPTH',
      'GATEWAY_MAX_DIRECTIVES',
      'GATEWAY_MAX_RESPONSE_BYTES',
      'GATEWAY_MAX_TOKENS',
      'GATEWAY_REQUEST_TIMEOUT_MS',
    ]);
    const defaults: Record<string, unknown> = parseEnv({});
    for (const { variable, value } of documented) expect(defaults[variable], variable).toBe(value);
  });

  describe('finding 1: a chain of fragments, each spreading the next twice', () => {
    // 2^28 paths through 1 KB of text: the old depth rule walked every one of them (minutes).
    const levels = 28;

    it('nesting a field at each level: refused for its depth in well under a second', async () => {
      const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Region { children { ...F${i + 1} ...F${i + 1} } }`);
      const query = `query { regions { ...F0 } } ${fragments.join(' ')} fragment F${levels} on Region { katoCode }`;
      expect(query.length).toBeLessThan(2_000);
      const [response, ms] = await timed(() => ask(query));
      console.info(`fragment chain of ${levels} levels with fields, refused in ${ms.toFixed(0)} ms`);
      expectRefused(response, 'DEPTH_LIMIT_EXCEEDED');
      expect(response.errors?.[0]?.extensions).toMatchObject({ limit: 15, found: levels + 2 });
      expect(ms).toBeLessThan(1_000);
    });

    it('without nesting (depth 2, no aliases): refused for its cost in well under a second, before planning', async () => {
      const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
      const query = `query { ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { directories { name } }`;
      const [response, ms] = await timed(() => ask(query));
      console.info(`fragment chain of ${levels} levels without fields, refused in ${ms.toFixed(0)} ms`);
      expectRefused(response, 'COST_LIMIT_EXCEEDED');
      expect(ms).toBeLessThan(1_000);
      // The gateway answers everyone else at once.
      expectAnswered(await ask('{ directories { name } }'));
    });
  });

  describe('depth', () => {
    const nested = (depth: number) =>
      `{ region(katoCode: "750000000") { ${'parent { '.repeat(depth - 2)}katoCode${' }'.repeat(depth - 2)} } }`;
    it('answers 15 levels and refuses 16', async () => {
      expectAnswered(await ask(nested(15)));
      const refused = await ask(nested(16));
      expectRefused(refused, 'DEPTH_LIMIT_EXCEEDED');
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]?.message).toBe(
        'The operation nests fields 16 levels deep; at most 15 are allowed. Split it into several requests.',
      );
    });
  });

  describe('aliases', () => {
    const aliased = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: directories { name }`).join(' ')} }`;
    it('answers 30 aliases and refuses 31, counting those a fragment brings at each spread', async () => {
      expectAnswered(await ask(aliased(30)));
      expectRefused(await ask(aliased(31)), 'ALIAS_LIMIT_EXCEEDED');
      // 16 aliases in a fragment spread twice are 32.
      const inFragment = `query { ...A ...B } fragment A on Query { ...Sixteen } fragment B on Query { ...Sixteen } fragment Sixteen on Query { ${Array.from({ length: 16 }, (_, i) => `s${i}: directories { name }`).join(' ')} }`;
      expectRefused(await ask(inFragment), 'ALIAS_LIMIT_EXCEEDED');
    });

    it('refuses 1,000 aliases of a 500-building page at once, without running any', async () => {
      const query = `{ ${Array.from({ length: 1_000 }, (_, i) => `a${i}: buildings(first: 500) { edges { node { id } } }`).join(' ')} }`;
      const [response, ms] = await timed(() => ask(query));
      console.info(`1,000 aliases of buildings(first: 500), refused in ${ms.toFixed(0)} ms with ${response.errors?.[0]?.extensions?.code}`);
      // At 9 tokens an alias, the token limit stops it first; the alias and cost limits would too.
      expectRefused(response, 'TOKEN_LIMIT_EXCEEDED');
      expect(ms).toBeLessThan(1_000);
      const fewerTokens = `{ ${Array.from({ length: 300 }, (_, i) => `a${i}: buildings(first: 500) { totalCount }`).join(' ')} }`;
      expectRefused(await ask(fewerTokens), 'ALIAS_LIMIT_EXCEEDED');
    });
  });

  describe('tokens', () => {
    const tokens = (source: string) => {
      const lexer = new Lexer(new Source(source));
      let count = 0;
      while (lexer.advance().kind !== TokenKind.EOF) count += 1;
      return count;
    };
    // A list of enum values: one token each, and cheap to validate (a field repeated thousands
    // of times is not: graphql-js gives up comparing them, "Validation aborted.").
    const withItems = (items: number) =>
      `{ buildings(first: 0, filter: { heatingSupplyTypes: [${' CENTRAL'.repeat(items)} ] }) { totalCount } }`;
    const ofTokens = (count: number) => withItems(count - tokens(withItems(0)));

    it('answers 5,000 tokens and refuses 5,001', async () => {
      expect(tokens(ofTokens(5_000))).toBe(5_000);
      expectAnswered(await ask(ofTokens(5_000)));
      const refused = await ask(ofTokens(5_001));
      expectRefused(refused, 'TOKEN_LIMIT_EXCEEDED');
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]?.extensions?.limit).toBe(5_000);
    });

    it('stops reading a 100,000-token document at the limit', async () => {
      const [response, ms] = await timed(() => ask(ofTokens(100_000)));
      console.info(`100,000-token document refused in ${ms.toFixed(0)} ms`);
      expectRefused(response, 'TOKEN_LIMIT_EXCEEDED');
      expect(ms).toBeLessThan(1_000);
    });
  });

  describe('directives', () => {
    const directed = (count: number) => `{ ${'__typename @skip(if: false) '.repeat(count)}}`;
    it('answers 50 directives and refuses 51', async () => {
      expectAnswered(await ask(directed(50)));
      expectRefused(await ask(directed(51)), 'DIRECTIVE_LIMIT_EXCEEDED');
    });
  });

  describe('cost: list sizes multiply', () => {
    const page = 'query($n: Int) { buildings(first: $n) { totalCount } }';

    it('answers an operation costing exactly the limit and refuses one just past it (first read from a variable)', async () => {
      // 1 for the field, plus n times its selection (1).
      expectAnswered(await ask(page, { n: 400 }, small.url));
      const refused = await ask(page, { n: 401 }, small.url);
      expectRefused(refused, 'COST_LIMIT_EXCEEDED');
      expect(refused.errors?.[0]?.extensions).toMatchObject({ limit: 401, cost: 402 });
    });

    it('refuses regions → buildings(500) → region → buildings(500), and lets a full page of the register through', async () => {
      const nested =
        '{ regions { buildings(first: 500) { edges { node { region { buildings(first: 500) { edges { node { id } } } } } } } } }';
      const [refused, ms] = await timed(() => ask(nested));
      expectRefused(refused, 'COST_LIMIT_EXCEEDED');
      expect(refused.status).toBe(400);
      expect(ms).toBeLessThan(1_000);
      const fullPage = `{ buildings(first: 500) { edges { node { id cadastralNumber katoCode addressRegistrationCode purpose fundCategory
        condominiumRegistered hasTechnicalPassport balanceOwnership liftCount electricityConnected yearBuilt lastCapitalRepairDate
        totalPremisesCount floorCount apartmentCount nonResidentialPremisesCount heatingSupplyType heatingSupplyKind gasSupplyKind
        hasGasPipeline hotWaterSupplyType waterSupplyKind hasWaterPipeline sewerageKind hasSewer commonMeterCount condition
        registerExitReason barrierFree region { katoCode nameKk nameRu } management { subjectId subjectKind validFrom } } }
        pageInfo { hasNextPage endCursor } } }`;
      const answered = await ask(fullPage);
      expectAnswered(answered);
      expect(answered.data?.buildings.edges).toHaveLength(60);
    });

    it('counts the items of input lists', async () => {
      const filter = 'query($types: [SupplySystemType!]) { buildings(first: 0, filter: { heatingSupplyTypes: $types }) { totalCount } }';
      // 1 + 1 for the page, plus one per item.
      expectAnswered(await ask(filter, { types: Array(399).fill('CENTRAL') }, small.url));
      expectRefused(await ask(filter, { types: Array(400).fill('CENTRAL') }, small.url), 'COST_LIMIT_EXCEEDED');
    });
  });

  describe('response size', () => {
    it('drops an answer past the limit and answers one under it', async () => {
      const answered = await ask('{ buildings(first: 3) { edges { node { id cadastralNumber } } } }', {}, small.url);
      expectAnswered(answered);
      const refused = await ask('{ buildings(first: 60) { edges { node { id cadastralNumber katoCode } } } }', {}, small.url);
      expectRefused(refused, 'RESPONSE_TOO_LARGE');
      expect(refused.status).toBe(400);
      expect(refused.errors).toHaveLength(1);
      expect(refused.errors?.[0]?.extensions?.limit).toBe(4_000);
    });
  });

  describe('body size', () => {
    const send = (url: string, bytes: number) => {
      const prefix = '{"query":"{ directories { name } }","variables":{"pad":"';
      const suffix = '"}}';
      const body = `${prefix}${'x'.repeat(bytes - prefix.length - suffix.length)}${suffix}`;
      expect(Buffer.byteLength(body)).toBe(bytes);
      return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    };

    it('answers a body of exactly the default 10 MiB and refuses one byte more with 413', async () => {
      const at = await send(gateway.url, defaultLimits.maxBodyBytes);
      expect(at.status).toBe(200);
      await at.arrayBuffer();
      const past = await send(gateway.url, defaultLimits.maxBodyBytes + 1);
      expect(past.status).toBe(413);
      expect(((await past.json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('refuses a body streamed without a declared length as soon as it passes the limit', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(1_000));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += chunk.length;
          if (sent > 100_000) controller.close();
          else controller.enqueue(chunk);
        },
      });
      const response = await fetch(small.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(((await response.json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    });
  });
});
