import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerEndpointOf } from '../gateway/caller-client.js';
import type { Refusal } from '../gateway/request-guard.js';
import { startGateway } from '../gateway/server.js';
import { AccessFunction } from '../lib/auth/functions.js';
import type { RunningServer } from '../lib/http-server.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

/**
 * Build item 6 of issue 9: per-caller budgets of cost points, the open part's per client
 * address, persons' and machines' each their own; published in `RateLimit-*` headers and
 * answered 429 with `Retry-After` when spent.
 */
describe('quotas at the gateway', () => {
  let system: TestSystem;
  let gateway: RunningServer;
  let person: string;
  let machine: string;
  let fixture: AuthFixture;
  const refusals: Refusal[] = [];
  /** `{ directories { name } }`: 1 for the field and 10 (an unbounded list's assumed size) for its items. */
  const cheap = '{ directories { name } }';
  const cheapCost = 11;

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    person = (await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain])).token;
    machine = (await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain])).token;
    gateway = await startGateway({
      callerUrl: callerEndpointOf(system.subgraphUrls.access),
      subgraphUrls: system.subgraphUrls,
      host: '127.0.0.1',
      port: 0,
      ide: false,
      quotas: { windowSeconds: 60, points: { anonymous: 3 * cheapCost, person: 100, machine: 200 } },
      onRefusal: (refusal) => refusals.push(refusal),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await system?.close();
  });

  interface Answer {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  }

  /** POSTs from `localAddress` (any of 127.0.0.0/8 reaches the loopback gateway). */
  function post(query: string, options: { token?: string; localAddress?: string } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const body = JSON.stringify({ query });
      const request = httpRequest(
        gateway.url,
        {
          method: 'POST',
          localAddress: options.localAddress ?? '127.0.0.1',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            }),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  it('publishes the budget on every answer and charges each request its cost', async () => {
    const first = await post(cheap);
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-limit']).toBe('33');
    expect(first.headers['ratelimit-remaining']).toBe(String(33 - cheapCost));
    expect(first.headers['ratelimit-policy']).toBe('33;w=60');
    expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(first.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
  });

  it('a burst past the open part budget of one client address gets 429 with Retry-After, before anything runs', async () => {
    expect((await post(cheap)).headers['ratelimit-remaining']).toBe(String(33 - 2 * cheapCost));
    // The last request the budget covers exactly.
    const last = await post(cheap);
    expect(last.status).toBe(200);
    expect(last.headers['ratelimit-remaining']).toBe('0');
    const refused = await post(cheap);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused.body.data ?? null).toBeNull();
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refusals.at(-1)).toEqual({ code: 'RATE_LIMITED', status: 429, callerClass: 'anonymous' });
  });

  it('another client address keeps a budget of its own', async () => {
    const other = await post(cheap, { localAddress: '127.0.0.2' });
    expect(other.status).toBe(200);
    expect(other.headers['ratelimit-remaining']).toBe(String(33 - cheapCost));
  });

  it("an API token's budget is separate from the open part's, and from a person's", async () => {
    const asMachine = await post(cheap, { token: machine });
    expect(asMachine.status).toBe(200);
    expect(asMachine.headers['ratelimit-limit']).toBe('200');
    expect(asMachine.headers['ratelimit-remaining']).toBe(String(200 - cheapCost));
    const asPerson = await post(cheap, { token: person });
    expect(asPerson.status).toBe(200);
    expect(asPerson.headers['ratelimit-limit']).toBe('100');
    expect(asPerson.headers['ratelimit-remaining']).toBe(String(100 - cheapCost));
  });

  it('an operation costing more than a whole budget is charged the whole budget, so it runs at most once a window', async () => {
    const expensive = '{ buildings(first: 200) { edges { node { id } } } }';
    const fresh = (await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain])).token;
    const once = await post(expensive, { token: fresh });
    expect(once.status).toBe(200);
    expect(once.headers['ratelimit-remaining']).toBe('0');
    expect((await post(cheap, { token: fresh })).status).toBe(429);
    // Less than its cost left: refused, and what was left is spent.
    const again = await post(expensive, { token: person });
    expect(again.status).toBe(429);
    expect(again.headers['ratelimit-remaining']).toBe('0');
    // The machine's budget is untouched by the person's.
    expect((await post(cheap, { token: machine })).headers['ratelimit-remaining']).toBe(String(200 - 2 * cheapCost));
  });
});
