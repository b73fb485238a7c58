import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startGateway } from '../gateway/server.js';
import type { RunningServer } from '../lib/http-server.js';
import { type SubgraphName, subgraphNames } from '../lib/subgraph-names.js';
import { type GraphQLResponse, postGraphQL } from './support/system.js';

/**
 * The gateway alone against stand-ins for the access service and the subgraphs (no
 * database needed): what it answers when the caller cannot be resolved, when every error
 * of an answer is SERVICE_UNAVAILABLE, and when a request outlives its timeout.
 */
describe('the gateway when what it depends on fails', () => {
  type Reply = { status?: number; body: unknown; delayMs?: number };
  /** What each stand-in answers next; `caller` is the access service's `POST /caller`. */
  const replies = new Map<string, Reply>();
  let stand: Server;
  let base: string;
  let gateway: RunningServer;
  const logged: string[] = [];

  const resolution = () => ({
    header: 'x-housing-caller',
    subgraphs: Object.fromEntries(subgraphNames.map((name) => [name, `signed-for-${name}`])),
    expiresAt: new Date(Date.now() + 30_000).toISOString(),
  });

  function serve(request: IncomingMessage, response: ServerResponse): void {
    const name = (request.url ?? '/').split('/')[1] ?? '';
    request.resume();
    request.on('end', () => {
      const reply = replies.get(name) ?? (name === 'caller' ? { body: resolution() } : { body: { data: null } });
      setTimeout(() => {
        response.statusCode = reply.status ?? 200;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  }

  beforeAll(async () => {
    stand = createServer(serve);
    await new Promise<void>((resolve) => stand.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(stand.address() as AddressInfo).port}/`;
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      logged.push(String(line));
    });
    gateway = await startGateway({
      callerUrl: `${base}caller`,
      subgraphUrls: Object.fromEntries(subgraphNames.map((name) => [name, `${base}${name}/`])) as Record<SubgraphName, string>,
      host: '127.0.0.1',
      port: 0,
      ide: false,
      quotas: false,
      limits: { requestTimeoutMs: 300 },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await new Promise<void>((resolve) => stand?.close(() => resolve()));
    vi.restoreAllMocks();
  });
  beforeEach(() => {
    replies.clear();
    logged.length = 0;
  });

  /** With a token: an anonymous resolution is reused for a few seconds, a token's never. */
  async function ask(query: string, token = 'kzh_test'): Promise<GraphQLResponse & { headers: Headers }> {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, headers: response.headers, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
  }

  const unavailable = {
    data: null,
    errors: [
      {
        message: 'The service is temporarily unavailable; nothing was decided or written. Retry shortly.',
        path: ['directories'],
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      },
    ],
  };

  it('answers normally when everything answers', async () => {
    replies.set('buildings', { body: { data: { directories: [{ name: 'Condition' }] } } });
    const response = await ask('{ directories { name } }');
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ directories: [{ name: 'Condition' }] });
  });

  describe('the caller cannot be resolved: 503, Retry-After, SERVICE_UNAVAILABLE, never 500', () => {
    it.each([
      [
        'answers 500 (its database is down)',
        { status: 500, body: { errors: [{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } },
      ],
      ['answers 503', { status: 503, body: { errors: [{ message: 'x', extensions: { code: 'SERVICE_UNAVAILABLE' } }] } }],
      ['answers something that is not JSON', { status: 502, body: '<html>Bad gateway</html>' }],
    ])('the access service %s', async (_case, reply) => {
      replies.set('caller', reply as Reply);
      const response = await ask('{ directories { name } }');
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(response.errors)).not.toContain('127.0.0.1');
      expect(logged.some((line) => line.startsWith('[unavailable] caller resolution: HTTP'))).toBe(true);
    });

    it('the access service is unreachable', async () => {
      const alone = await startGateway({
        callerUrl: 'http://127.0.0.1:1/caller',
        subgraphUrls: Object.fromEntries(subgraphNames.map((name) => [name, `${base}${name}/`])) as Record<SubgraphName, string>,
        host: '127.0.0.1',
        port: 0,
        ide: false,
        quotas: false,
      });
      try {
        const response = await postGraphQL(alone.url, '{ directories { name } }');
        expect(response.status).toBe(503);
        expect(response.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
        expect(response.errors?.[0]?.message).not.toContain('ECONNREFUSED');
      } finally {
        await alone.close();
      }
    });
  });

  describe('a subgraph out of its database', () => {
    it('every error SERVICE_UNAVAILABLE and no data: 503 with Retry-After', async () => {
      replies.set('buildings', { body: unavailable });
      const response = await ask('{ directories { name } }');
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    });

    it('a subgraph answering HTTP 503 (shutting down) is SERVICE_UNAVAILABLE too', async () => {
      replies.set('buildings', {
        status: 503,
        body: { errors: [{ message: 'The service is shutting down; retry shortly.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
      });
      const response = await ask('{ directories { name } }');
      expect(response.status).toBe(503);
      expect(response.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    });

    it('with data from another subgraph the answer stays 200, as GraphQL over HTTP requires for partial data', async () => {
      // region is nullable: its outage leaves the rest of data standing.
      replies.set('buildings', { body: { data: { region: null }, errors: [{ ...unavailable.errors[0], path: ['region'] }] } });
      replies.set('utilities', { body: { data: { suppliers: { pageInfo: { hasNextPage: true } } } } });
      const response = await ask('{ region(katoCode: "750000000") { katoCode } suppliers(first: 0) { pageInfo { hasNextPage } } }');
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(response.status).toBe(200);
      expect(response.data?.suppliers).toEqual({ pageInfo: { hasNextPage: true } });
      expect(response.headers.get('retry-after')).toBeNull();
    });

    it('an error of another kind among them keeps the answer 200', async () => {
      replies.set('buildings', {
        body: { data: null, errors: [...unavailable.errors, { message: 'No.', path: ['directories'], extensions: { code: 'FORBIDDEN' } }] },
      });
      expect((await ask('{ directories { name } }')).status).toBe(200);
    });
  });

  describe('the request timeout (300 ms here)', () => {
    it('answers a request that finishes in time', async () => {
      replies.set('buildings', { body: { data: { directories: [] } }, delayMs: 150 });
      expect((await ask('{ directories { name } }')).status).toBe(200);
    });

    it('answers 504 REQUEST_TIMEOUT when it does not, without waiting for the subgraph', async () => {
      replies.set('buildings', { body: { data: { directories: [] } }, delayMs: 1_500 });
      const started = performance.now();
      const response = await ask('{ directories { name } }');
      const ms = performance.now() - started;
      expect(response.status).toBe(504);
      expect(response.errors?.[0]?.extensions?.code).toBe('REQUEST_TIMEOUT');
      expect(ms).toBeLessThan(1_000);
    });
  });
});
