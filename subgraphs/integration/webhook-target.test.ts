import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isPrivateAddress, postToTarget, targetProblem } from './webhook-target.js';

describe('webhook targets (SSRF)', () => {
  it('accepts only https URLs on public addresses unless private targets are allowed', () => {
    expect(targetProblem('https://billing.example.kz/hooks', false)).toBeNull();
    for (const url of [
      'http://billing.example.kz/hooks',
      'https://localhost/hooks',
      'https://api.localhost/hooks',
      'https://127.0.0.1/hooks',
      'https://10.1.2.3/hooks',
      'https://172.20.0.1/hooks',
      'https://192.168.1.1/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hooks',
      'https://[fd00::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://user:pass@billing.example.kz/hooks',
      'ftp://billing.example.kz/hooks',
      'not a url',
    ]) {
      expect(targetProblem(url, false), url).not.toBeNull();
    }
    expect(targetProblem('http://127.0.0.1:8080/hooks', true)).toBeNull();
    expect(targetProblem(`https://example.kz/${'a'.repeat(2000)}`, true)).not.toBeNull();
  });

  it('knows private, loopback, link-local and mapped addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '100.64.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      '::ffff:10.0.0.1',
      '224.0.0.1',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '2.133.0.1', '2a00:1450:4001::1', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it('refuses at delivery a name that resolves to a private address, and never follows a redirect', async () => {
    let hits = 0;
    const server = createServer((_request, response) => {
      hits += 1;
      response.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // "localhost" resolves to loopback: refused before connecting when private targets are not allowed.
      const refused = await postToTarget(`http://localhost:${port}/hooks`, '{}', {}, { allowPrivate: false, timeoutMs: 2000 });
      expect(refused).toMatchObject({ ok: false, statusCode: null });
      expect(hits).toBe(0);
      const redirected = await postToTarget(`http://localhost:${port}/hooks`, '{}', {}, { allowPrivate: true, timeoutMs: 2000 });
      expect(redirected).toEqual({ ok: false, statusCode: 302, error: 'the receiver answered HTTP 302' });
      expect(hits).toBe(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
