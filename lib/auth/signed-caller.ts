import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { subgraphNames } from '../subgraph-names.js';
import type { Caller } from './caller.js';

/** Header that carries the caller from the router to a subgraph. */
export const CALLER_HEADER = 'x-housing-caller';

/**
 * How long a signed caller is good for, and the longest lifetime a subgraph accepts.
 *
 * A router resolves the caller once per client request and uses the headers for that
 * request's fetches only, so the lifetime has to cover one query plan (entity fetches
 * run one after another) plus the clock difference between hosts, nothing more. 30 s
 * is an order of magnitude above a slow plan, and it bounds what a header captured
 * from a subgraph's traffic is worth: half a minute, against one subgraph.
 */
export const CALLER_LIFETIME_MS = 30_000;

/** Clock difference tolerated between the signing access service and a verifying subgraph. */
const CLOCK_SKEW_MS = 5_000;

interface Envelope {
  caller: Caller;
  /** The subgraphs the header is for; a subgraph refuses a header that does not name it. */
  aud: string[];
  /** Issued at and expires at, epoch milliseconds. */
  iat: number;
  exp: number;
  /** Unique per header: tells two signatures of the same caller apart in logs and traces. */
  jti: string;
}

export interface SignOptions {
  /** The subgraphs the header is for; every subgraph of the graph unless narrowed. */
  audience?: readonly string[];
  now?: number;
  lifetimeMs?: number;
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/** `<base64url(JSON envelope)>.<base64url(HMAC-SHA256)>` */
export function signCaller(caller: Caller, secret: string, options: SignOptions = {}): string {
  const iat = options.now ?? Date.now();
  const envelope: Envelope = {
    caller,
    aud: [...(options.audience ?? subgraphNames)],
    iat,
    exp: iat + Math.min(options.lifetimeMs ?? CALLER_LIFETIME_MS, CALLER_LIFETIME_MS),
    jti: randomBytes(12).toString('base64url'),
  };
  const payload = Buffer.from(JSON.stringify(envelope)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** Signs with a secret the holder never sees: what the access service's routes are given. */
export type CallerSigner = (caller: Caller, options?: SignOptions) => string;

export function callerSigner(secret: string): CallerSigner {
  return (caller, options) => signCaller(caller, secret, options);
}

/**
 * The caller when the header was signed with `secret`, names `audience`, and is within
 * its lifetime; otherwise null (tampered, another secret, another subgraph, expired,
 * issued in the future, or longer-lived than any signer may issue).
 */
export function verifyCaller(header: string | undefined | null, secret: string, audience: string, now = Date.now()): Caller | null {
  if (!header || header.length > 64_000) return null;
  const dot = header.indexOf('.');
  if (dot <= 0) return null;
  const payload = header.slice(0, dot);
  const given = Buffer.from(header.slice(dot + 1), 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let envelope: Partial<Envelope>;
  try {
    envelope = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Envelope>;
  } catch {
    return null;
  }
  const { caller, aud, iat, exp } = envelope;
  if (typeof iat !== 'number' || typeof exp !== 'number' || !Array.isArray(aud) || !caller) return null;
  if (now >= exp || iat > now + CLOCK_SKEW_MS || exp - iat > CALLER_LIFETIME_MS) return null;
  if (!aud.includes(audience)) return null;
  return caller;
}
