import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may be sent (SSRF). By default only `https://` URLs whose host resolves to
 * public addresses: no loopback, private, link-local, shared, multicast or reserved ones,
 * checked when a subscription is made (literal addresses) and again at every delivery on
 * the addresses the name resolves to then, which are the ones connected to (so a name
 * cannot be re-pointed at an internal address after the check). Redirects are not followed.
 * `WEBHOOK_ALLOW_PRIVATE_TARGETS=true` allows plain http and any address (tests, a local
 * receiver in development).
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (v4 or v6, IPv4-mapped included) is one webhooks may not reach without the flag. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return blocked.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) return blocked.check(address, 'ipv6');
  return true;
}

/** Why `url` cannot be a webhook target; null when it can (names are resolved only when sending). */
export function targetProblem(url: string, allowPrivate: boolean): string | null {
  if (url.length > 2000) return 'must be at most 2,000 characters.';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL, e.g. https://billing.example.kz/hooks/housing.';
  }
  if (parsed.protocol !== 'https:' && !(allowPrivate && parsed.protocol === 'http:')) return 'must be an https:// URL.';
  if (parsed.username || parsed.password) return 'must not carry a user name or password; authenticate deliveries by their signature.';
  if (parsed.hash) return 'must not have a #fragment.';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host)))) {
    return 'must point to a public address, not a loopback or private one.';
  }
  return null;
}

export interface PostOutcome {
  ok: boolean;
  /** The receiver's HTTP status, when it answered. */
  statusCode: number | null;
  /** Why the attempt failed, in a few words (no body, no headers). */
  error: string | null;
}

export interface PostOptions {
  allowPrivate: boolean;
  timeoutMs: number;
}

/** A DNS lookup that refuses names resolving to addresses webhooks may not reach. */
function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: { all?: boolean } & Record<string, unknown>,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      if (!allowPrivate && list.some((entry) => isPrivateAddress(entry.address))) {
        const refused: NodeJS.ErrnoException = new Error('the host resolves to a loopback or private address');
        refused.code = 'EPRIVATEADDRESS';
        return callback(refused, []);
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error('the host has no address'), { code: 'ENOTFOUND' }), []);
      return callback(null, first.address, first.family);
    });
  };
}

/** POSTs `body` to `url` once, guarded as above; 2xx is success. Never throws. */
export function postToTarget(url: string, body: string, headers: Record<string, string>, options: PostOptions): Promise<PostOutcome> {
  const problem = targetProblem(url, options.allowPrivate);
  if (problem) return Promise.resolve({ ok: false, statusCode: null, error: `the target ${problem}` });
  const parsed = new URL(url);
  const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const request = send(
      parsed,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options.allowPrivate) as never,
        timeout: options.timeoutMs,
      },
      (response: IncomingMessage) => {
        const statusCode = response.statusCode ?? 0;
        // The body is not read beyond what arrives: only the status matters.
        response.resume();
        response.on('end', () =>
          finish({
            ok: statusCode >= 200 && statusCode < 300,
            statusCode,
            error: statusCode >= 200 && statusCode < 300 ? null : `the receiver answered HTTP ${statusCode}`,
          }),
        );
        response.on('error', () => finish({ ok: false, statusCode, error: 'the answer was cut off' }));
      },
    );
    request.on('timeout', () => {
      request.destroy();
      finish({ ok: false, statusCode: null, error: `no answer within ${options.timeoutMs} ms` });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EPRIVATEADDRESS' ? error.message : `the connection failed (${error.code ?? error.name})`;
      finish({ ok: false, statusCode: null, error: reason });
    });
    request.end(body);
  });
}
