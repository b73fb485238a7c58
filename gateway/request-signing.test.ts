import { describe, expect, it } from 'vitest';
import { bodyDigest, REQUEST_SIGNATURE_HEADER, requestKey, verifyRequest } from '../lib/auth/signed-caller.js';
import { REQUEST_KEY_HEADER, signingFetcher } from './request-signing.js';

type Fetcher = Parameters<typeof signingFetcher>[0];

describe('signingFetcher', () => {
  const secret = 'a'.repeat(40);

  function recording() {
    const sent: Array<{ url: string; headers: Record<string, string>; body: unknown }> = [];
    const send = (async (url: string, init: { headers?: Record<string, string>; body?: unknown } = {}) => {
      sent.push({ url, headers: init.headers ?? {}, body: init.body });
      return {} as Awaited<ReturnType<Fetcher>>;
    }) as unknown as Fetcher;
    return { sent, send };
  }

  it('signs the exact body it sends with the key of the caller header, and never sends the key', async () => {
    const { sent, send } = recording();
    const body = '{"query":"{ me { isAdministrator } }","variables":{}}';
    await signingFetcher(send)('http://access/', {
      method: 'POST',
      headers: { 'x-housing-caller': 'header', [REQUEST_KEY_HEADER]: requestKey(secret, 'jti-1') },
      body,
    });
    const [request] = sent;
    expect(request?.headers[REQUEST_KEY_HEADER]).toBeUndefined();
    expect(request?.headers['x-housing-caller']).toBe('header');
    expect(request?.body).toBe(body);
    expect(verifyRequest(request?.headers[REQUEST_SIGNATURE_HEADER], secret, 'jti-1', bodyDigest(body))).not.toBeNull();
    expect(verifyRequest(request?.headers[REQUEST_SIGNATURE_HEADER], secret, 'jti-1', bodyDigest(`${body} `))).toBeNull();
  });

  it('passes a request without a key through untouched (the gateway’s own requests)', async () => {
    const { sent, send } = recording();
    const init = { method: 'POST', headers: { a: 'b' }, body: '{}' };
    await signingFetcher(send)('http://x/', init);
    expect(sent[0]?.headers).toEqual({ a: 'b' });
  });
});
