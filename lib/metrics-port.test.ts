import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, serveApollo } from './http-server.js';

// GATEWAY_METRICS_PORT: /metrics moves off the public port to one of its own.
describe('metrics on a port of their own', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } });
    await apollo.start();
    server = await serveApollo(apollo, { host: '127.0.0.1', port: 0, metricsPort: 0, service: 'unit', context: async () => ({}) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers /metrics only on the metrics port, and 404 for it on the public one', async () => {
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const metrics = await fetch(server.metricsUrl ?? '');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('graphql_requests_total');
    expect((await fetch(new URL('/metrics', server.url))).status).toBe(404);
    expect((await fetch(new URL('/other', server.metricsUrl))).status).toBe(404);
    expect((await fetch(new URL('/health', server.url))).status).toBe(200);
  });
});
