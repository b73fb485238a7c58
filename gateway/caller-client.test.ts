import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signCaller } from '../lib/auth/signed-caller.js';
import { callerClient, callerEndpointOf, identityOf } from './caller-client.js';

describe('callerClient', () => {
  let server: Server;
  let url: string;
  const calls: Array<{ authorization: string | undefined; socket: unknown }> = [];
  let status = 200;

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      calls.push({ authorization: request.headers.authorization, socket: request.socket });
      response.setHeader('content-type', 'application/json');
      if (status === 401) {
        response.statusCode = 401;
        response.end(JSON.stringify({ errors: [{ message: 'The token is unknown.', extensions: { code: 'UNAUTHENTICATED' } }] }));
        return;
      }
      response.statusCode = status;
      response.end(
        JSON.stringify({
          header: 'x-housing-caller',
          subgraphs: { buildings: `signed:${calls.length}` },
          signatureHeader: 'x-housing-request-signature',
          requestKeys: { buildings: `key:${calls.length}` },
          expiresAt: new Date(Date.now() + 30_000).toISOString(),
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/caller`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    calls.length = 0;
    status = 200;
  });

  it('asks the endpoint once per request with the client Authorization header, over one kept-alive connection', async () => {
    const client = callerClient(url);
    try {
      const first = await client.resolve('Bearer a');
      const second = await client.resolve('Bearer a');
      expect(first.subgraphs.buildings).toBe('signed:1');
      expect(second.subgraphs.buildings).toBe('signed:2');
      expect(first.expiresAt).toBeGreaterThan(Date.now());
      expect(calls.map((call) => call.authorization)).toEqual(['Bearer a', 'Bearer a']);
      expect(calls[0]?.socket).toBe(calls[1]?.socket);
    } finally {
      client.close();
    }
  });

  it('reuses an anonymous resolution for a few seconds, and nothing else', async () => {
    const client = callerClient(url, { anonymousReuseMs: 200 });
    try {
      const [a, b] = await Promise.all([client.resolve(undefined), client.resolve(undefined)]);
      expect(await client.resolve(undefined)).toBe(a);
      expect(b).toBe(a);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.authorization).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await client.resolve(undefined)).not.toBe(a);
      expect(calls).toHaveLength(2);
    } finally {
      client.close();
    }
  });

  it("refuses with the endpoint's UNAUTHENTICATED message (HTTP 401), and answers other failures SERVICE_UNAVAILABLE (503, Retry-After), the reason logged only", async () => {
    const logged: string[] = [];
    const client = callerClient(url, { log: (line) => logged.push(line) });
    try {
      status = 401;
      const refused = await client.resolve('Bearer revoked').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(GraphQLError);
      expect((refused as GraphQLError).message).toBe('The token is unknown.');
      expect((refused as GraphQLError).extensions).toMatchObject({ code: 'UNAUTHENTICATED', http: { status: 401 } });
      status = 500;
      const failed = (await client.resolve(undefined).catch((error: unknown) => error)) as GraphQLError;
      expect(failed.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', http: { status: 503 } });
      expect((failed.extensions.http as unknown as { headers: Map<string, string> }).headers.get('retry-after')).toBe('5');
      expect(failed.message).not.toContain('127.0.0.1');
      expect(logged).toEqual(['[unavailable] caller resolution: HTTP 500']);
      status = 200;
      // A failure is not reused for anonymous callers.
      expect((await client.resolve(undefined)).header).toBe('x-housing-caller');
    } finally {
      client.close();
    }
    const unreachable = callerClient('http://127.0.0.1:1/caller', { log: (line) => logged.push(line) });
    const error = (await unreachable.resolve(undefined).catch((caught: unknown) => caught)) as GraphQLError;
    expect(error.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).not.toContain('127.0.0.1');
    expect(logged.at(-1)).toMatch(/ECONNREFUSED/);
    unreachable.close();
  });

  it("reads whose quota a request spends from the signed values' envelope, or keys an unreadable one by the token's hash", () => {
    const secret = 'x'.repeat(32);
    const person = signCaller({ kind: 'person', personId: 'p-1', tokenId: 't', isAdministrator: false, grants: [] }, secret);
    const machine = signCaller(
      { kind: 'machine', digitalObjectId: 'd-1', digitalObjectStatus: 'LIVE', tokenId: 't', isAdministrator: false, grants: [] },
      secret,
    );
    expect(identityOf({ buildings: person }, 'Bearer a')).toEqual({ kind: 'person', id: 'p-1' });
    expect(identityOf({ buildings: machine }, 'Bearer a')).toEqual({ kind: 'machine', id: 'd-1' });
    expect(identityOf({ buildings: signCaller({ kind: 'anonymous' }, secret) }, undefined)).toEqual({ kind: 'anonymous' });
    expect(identityOf({ buildings: 'garbled' }, undefined)).toEqual({ kind: 'anonymous' });
    const hashed = identityOf({ buildings: 'garbled' }, 'Bearer kzh_secret');
    expect(hashed).toMatchObject({ kind: 'person', id: expect.stringMatching(/^token:/) });
    expect(JSON.stringify(hashed)).not.toContain('kzh_secret');
  });

  it('finds the endpoint beside the access service', () => {
    expect(callerEndpointOf('http://access:4004/')).toBe('http://access:4004/caller');
    expect(callerEndpointOf('http://127.0.0.1:4004')).toBe('http://127.0.0.1:4004/caller');
  });
});
