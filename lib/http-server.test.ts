import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApollo, type RunningServer } from './http-server.js';

describe('serveApollo', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } });
    await apollo.start();
    server = await serveApollo(apollo, { host: '127.0.0.1', port: 0, context: async () => ({}), corsOrigins: ['https://a.example.kz'], bodyLimit: 1000 });
  });
  afterAll(async () => server?.close());

  it('allows only the configured origins', async () => {
    const allowed = await fetch(server.url, { method: 'OPTIONS', headers: { origin: 'https://a.example.kz' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://a.example.kz');
    const other = await fetch(server.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses oversized bodies, other content types and broken JSON with 4xx, never 500', async () => {
    const post = (body: string, type = 'application/json') => fetch(server.url, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post(JSON.stringify({ query: `{ ok } #${'x'.repeat(2000)}` }))).status).toBe(413);
    expect((await post('{ ok }', 'text/plain')).status).toBe(415);
    expect((await post('{"query": ')).status).toBe(400);
    const ok = await post(JSON.stringify({ query: '{ ok }' }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { ok: true } });
  });
});
