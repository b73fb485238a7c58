import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log, redirectLogs, withRequestScope } from '../lib/log.js';
import { startSubgraph } from '../lib/subgraph-server.js';
import { subgraphDefinitions } from '../subgraphs/index.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// Logs, metrics and readiness of the running system (README, "Observability").

let system: TestSystem;
let auth: AuthFixture;
const lines: string[] = [];
let restoreLogs: () => void;
let previousLevel: string;

beforeAll(async () => {
  restoreLogs = redirectLogs(
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  );
  // The suite logs at warn (vitest.config.ts); request lines are info.
  previousLevel = log.level;
  log.level = 'info';
  system = await startTestSystem({ backgroundWork: false });
  auth = await AuthFixture.create(system.db);
}, 60_000);

afterAll(async () => {
  await system?.close();
  restoreLogs?.();
  log.level = previousLevel;
});

const base = (url: string) => new URL('/', url).href;

function logged(): Array<Record<string, unknown>> {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Waits (bounded) until a line matching `match` is logged: request lines are written when the response closes. */
async function waitForLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | undefined> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const found = logged().find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

/** The sum of the series matching `labels` in a Prometheus text exposition, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.startsWith(`${name}{`) ? line.slice(name.length + 1, line.indexOf('}')) : '';
    if (wanted.every((pair) => labelText.split(',').includes(pair))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

async function metricsOf(url: string): Promise<string> {
  const response = await fetch(new URL('/metrics', url));
  expect(response.status).toBe(200);
  return response.text();
}

describe('observability', () => {
  it('logs one request id at the gateway and at the subgraph, and no token, IIN or e-mail', async () => {
    const iin = '900101300123';
    const email = 'holder.name@example.kz';
    const query = `query ObsBuildings { buildings(first: 1, filter: { katoCode: "750000000" }) { edges { node { id } } } }
      # ${iin} ${email}`;
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${auth.adminToken}`, 'x-request-id': 'obs-test-1' },
      body: JSON.stringify({ query, variables: { iin, email } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('obs-test-1');
    const gatewayLine = await waitForLine(
      (line) => line.requestId === 'obs-test-1' && line.service === 'gateway' && line.msg === 'request',
    );
    const subgraphLine = await waitForLine(
      (line) => line.requestId === 'obs-test-1' && line.service === 'buildings' && line.msg === 'request',
    );
    expect(gatewayLine).toMatchObject({ status: 200, path: '/graphql', level: 30 });
    expect(subgraphLine).toMatchObject({ status: 200 });

    // A logged error of that request: the message is scrubbed by pattern, known keys by path.
    withRequestScope({ requestId: 'obs-test-1', service: 'buildings' }, () =>
      log.error(
        { headers: { authorization: `Bearer ${auth.adminToken}` }, holderName: 'Айгуль Сапарова' },
        `failed for ${iin}, ${email}, ${auth.adminToken}`,
      ),
    );
    const text = lines.join('\n');
    expect(text).toContain('obs-test-1');
    expect(text).not.toContain(auth.adminToken);
    expect(text).not.toContain(auth.adminToken.slice(4));
    expect(text).not.toContain(iin);
    expect(text).not.toContain(email);
    expect(text).not.toContain('Сапарова');
  });

  it('replaces an unsafe or overlong x-request-id with a generated one', async () => {
    for (const bad of ['a'.repeat(65), 'no spaces please', '<script>']) {
      const response = await fetch(system.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': bad },
        body: JSON.stringify({ query: '{ directories { name } }' }),
      });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('counts operations, errors by code and refusals at /metrics on the gateway and the subgraphs', async () => {
    const before = await metricsOf(system.gatewayUrl);
    const subgraphBefore = await metricsOf(system.subgraphUrls.buildings);
    await system.query('query ObsCount { buildings(first: 1) { edges { node { id } } } }');
    await system.query('query ObsCount { buildings(first: 1) { edges { node { id } } } }');
    await system.query('{ noSuchField }');
    const refused = await system.query('{ me { person { id } } }', {}, { token: 'kzh_not-a-real-token-000000000000000000000' });
    expect(refused.status).toBe(401);
    const name = `Obs${'x'.repeat(70)}`;
    await system.query(`query ${name} { directories { name } }`);

    const after = await metricsOf(system.gatewayUrl);
    expect(
      sample(after, 'graphql_requests_total', { service: 'gateway', operation: 'ObsCount' }) -
        sample(before, 'graphql_requests_total', { service: 'gateway', operation: 'ObsCount' }),
    ).toBe(2);
    expect(sample(after, 'graphql_request_duration_seconds_count', { service: 'gateway', operation: 'ObsCount' })).toBeGreaterThanOrEqual(
      2,
    );
    expect(sample(after, 'graphql_errors_total', { service: 'gateway', code: 'GRAPHQL_VALIDATION_FAILED' })).toBeGreaterThan(
      sample(before, 'graphql_errors_total', { service: 'gateway', code: 'GRAPHQL_VALIDATION_FAILED' }),
    );
    expect(sample(after, 'gateway_refusals_total', { code: 'UNAUTHENTICATED', status: '401' })).toBeGreaterThan(
      sample(before, 'gateway_refusals_total', { code: 'UNAUTHENTICATED', status: '401' }),
    );
    expect(after).not.toContain(name);
    expect(after).toContain('http_requests_total{service="gateway",route="/graphql",status="200"}');

    const subgraphAfter = await metricsOf(system.subgraphUrls.buildings);
    expect(sample(subgraphAfter, 'graphql_requests_total', { service: 'buildings' })).toBeGreaterThan(
      sample(subgraphBefore, 'graphql_requests_total', { service: 'buildings' }),
    );
    expect(sample(subgraphAfter, 'db_statements_total', {})).toBeGreaterThan(sample(subgraphBefore, 'db_statements_total', {}));
    const integration = await metricsOf(system.subgraphUrls.integration);
    expect(integration).toMatch(/^outbox_undelivered \d+$/m);
    expect(integration).toMatch(/^job_queue_length \d+$/m);
  });

  it('answers /ready 200 while everything is reachable, 503 naming a stopped subgraph, and 200 again once it is back (runs last)', async () => {
    const ready = await fetch(new URL('/ready', system.gatewayUrl));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', failed: [] });
    const subgraphReady = await fetch(new URL('/ready', system.subgraphUrls.buildings));
    expect(subgraphReady.status).toBe(200);
    expect(await subgraphReady.json()).toMatchObject({ checks: { database: 'ok' } });

    await system.stopSubgraph('utilities');
    const notReady = await fetch(new URL('/ready', system.gatewayUrl));
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: 'unavailable', failed: ['utilities'] });
    expect((await fetch(new URL('/health', system.gatewayUrl))).status).toBe(200);

    const port = Number(new URL(system.subgraphUrls.utilities).port);
    const again = await startSubgraph(subgraphDefinitions.utilities, {
      db: system.db,
      gatewaySecret: system.gatewaySecret,
      host: '127.0.0.1',
      port,
      backgroundWork: false,
    });
    try {
      const back = await fetch(new URL('/ready', base(system.gatewayUrl)));
      expect(back.status).toBe(200);
    } finally {
      await again.close();
    }
  });
});
