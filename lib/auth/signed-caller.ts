import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Caller } from './caller.js';

/** Header that carries the caller from the gateway to a subgraph. */
export const CALLER_HEADER = 'x-housing-caller';

/** A signed caller is good for this long: enough for one request's fan-out, too short to replay usefully. */
const MAX_AGE_MS = 60_000;

interface Envelope {
  caller: Caller;
  /** Issued at, epoch milliseconds. */
  iat: number;
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function signCaller(caller: Caller, secret: string, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ caller, iat: now } satisfies Envelope)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** Returns the caller when the header was signed by the gateway recently, otherwise null. */
export function verifyCaller(header: string | undefined | null, secret: string, now = Date.now()): Caller | null {
  if (!header || header.length > 64_000) return null;
  const dot = header.indexOf('.');
  if (dot <= 0) return null;
  const payload = header.slice(0, dot);
  const given = Buffer.from(header.slice(dot + 1), 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const envelope = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Envelope;
    if (typeof envelope.iat !== 'number' || Math.abs(now - envelope.iat) > MAX_AGE_MS) return null;
    return envelope.caller;
  } catch {
    return null;
  }
}
