import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, serveApollo } from './http-server.js';
import { redirectLogs } from './log.js';

describe('serveApollo', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } });
    await apollo.start();
    server = await serveApollo(apollo, {
      host: '127.0.0.1',
      port: 0,
      context: async () => ({}),
      corsOrigins: ['https://a.example.kz'],
      bodyLimit: 1000,
    });
  });
  afterAll(async () => server?.close());

  it('allows only the configured origins', async () => {
    const allowed = await fetch(server.url, { method: 'OPTIONS', headers: { origin: 'https://a.example.kz' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://a.example.kz');
    const other = await fetch(server.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses oversized bodies, other content types and broken JSON with 4xx, never 500', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(server.url, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post(JSON.stringify({ query: `{ ok } #${'x'.repeat(2000)}` }))).status).toBe(413);
    expect((await post('{ ok }', 'text/plain')).status).toBe(415);
    expect((await post('{"query": ')).status).toBe(400);
    const ok = await post(JSON.stringify({ query: '{ ok }' }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { ok: true } });
  });
});

describe('serveApollo routes', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } });
    await apollo.start();
    server = await serveApollo(apollo, {
      host: '127.0.0.1',
      port: 0,
      context: async () => ({}),
      routes: {
        '/echo': {
          method: 'POST',
          handle: async (request, body) => ({ status: 201, headers: { 'x-seen': String(request.headers['x-probe']) }, body: { body } }),
        },
        '/broken': {
          method: 'POST',
          handle: async () => {
            throw new Error('password=secret in a message');
          },
        },
        '/unreachable': {
          method: 'POST',
          handle: async () => {
            throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
          },
        },
      },
    });
  });
  afterAll(async () => server?.close());

  it('answers a route with its status, headers and JSON body, beside GraphQL', async () => {
    const response = await fetch(`${server.url}echo`, { method: 'POST', headers: { 'x-probe': 'yes' }, body: 'hello' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-seen')).toBe('yes');
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ body: 'hello' });
    expect(
      (await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ ok }"}' })).status,
    ).toBe(200);
  });

  it('answers a route that meets a database outage 503 with Retry-After, never 500', async () => {
    const response = await fetch(`${server.url}unreachable`, { method: 'POST' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect((await response.json()).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('refuses another method with 405, and answers a failing route 500 without its details', async () => {
    const get = await fetch(`${server.url}echo`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const errors: string[] = [];
    const restore = redirectLogs({ write: (line: string) => errors.push(line) });
    try {
      const broken = await fetch(`${server.url}broken`, { method: 'POST' });
      expect(broken.status).toBe(500);
      const text = await broken.text();
      expect(JSON.parse(text).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(text).not.toContain('secret');
    } finally {
      restore();
    }
    // Request lines (info) may be there too, depending on LOG_LEVEL: one error.
    const failures = errors.map((line) => JSON.parse(line) as { level: number }).filter((line) => line.level >= 50);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ path: '/broken' });
  });
});
