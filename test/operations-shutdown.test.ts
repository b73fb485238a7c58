import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { serveApollo } from '../lib/http-server.js';

// Graceful shutdown of every service's HTTP front (lib/http-server.ts), without a database:
// close() lets the request in flight finish, refuses what comes after, then resolves.

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(url: string, query: string, agent: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query });
    const request = httpRequest(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('closing a service', () => {
  it('finishes the request in flight, refuses new ones (connection refused, or 503 on a kept-alive connection), then resolves', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => {};
    const slowStarted = new Promise<void>((resolve) => (started = resolve));
    const apollo = new ApolloServer({
      typeDefs: 'type Query { slow: String, fast: String }',
      resolvers: {
        Query: {
          slow: async () => {
            started();
            await released;
            return 'finished';
          },
          fast: () => 'fast',
        },
      },
    });
    await apollo.start();
    const server = await serveApollo(apollo, { host: '127.0.0.1', port: 0, context: async () => ({}) });
    const kept = new Agent({ keepAlive: true, maxSockets: 2 });
    try {
      // Two kept-alive connections: one will carry the slow request, the other sits idle.
      const [first, second] = await Promise.all([post(server.url, '{ fast }', kept), post(server.url, '{ fast }', kept)]);
      expect([first.status, second.status]).toEqual([200, 200]);

      const slow = post(server.url, '{ slow }', kept);
      await slowStarted;
      let closed = false;
      const closing = server.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 100));

      // A new connection is refused: the port no longer listens.
      const fresh = new Agent({ keepAlive: false });
      await expect(post(server.url, '{ fast }', fresh)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(closed).toBe(false);

      release();
      const finished = await slow;
      expect(finished.status).toBe(200);
      expect(JSON.parse(finished.body)).toEqual({ data: { slow: 'finished' } });
      expect(finished.headers.connection).toBe('close');
      await closing;
      expect(closed).toBe(true);
    } finally {
      release();
      kept.destroy();
      await server.close();
      await apollo.stop();
    }
  });

  it('answers a request that completes on an open connection after close() with 503 and Retry-After', async () => {
    const apollo = new ApolloServer({ typeDefs: 'type Query { fast: String }', resolvers: { Query: { fast: () => 'fast' } } });
    await apollo.start();
    const server = await serveApollo(apollo, { host: '127.0.0.1', port: 0, context: async () => ({}) });
    try {
      const socket = connect(server.port, '127.0.0.1');
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (answer += chunk));
      const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      // The request has begun when close() is called, and is complete only after.
      const body = JSON.stringify({ query: '{ fast }' });
      socket.write(`POST / HTTP/1.1\r\nhost: 127.0.0.1\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closing = server.close();
      socket.write(`content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      await ended;
      await closing;
      expect(answer).toMatch(/^HTTP\/1\.1 503 /);
      expect(answer.toLowerCase()).toContain('retry-after: 1');
      expect(answer).toContain('"code":"SERVICE_UNAVAILABLE"');
    } finally {
      await server.close();
      await apollo.stop();
    }
  });
});
