import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
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

/** A caller header and the key a router signs that header's requests with (`requestKey`). */
export interface SignedCaller {
  header: string;
  requestKey: string;
}

/** Signs with a secret the holder never sees: what the access service's routes are given. */
export type CallerSigner = (caller: Caller, options?: SignOptions) => SignedCaller;

export function callerSigner(secret: string): CallerSigner {
  return (caller, options) => {
    const header = signCaller(caller, secret, options);
    return { header, requestKey: requestKey(secret, callerHeaderId(header) as string) };
  };
}

/** A verified caller header: who calls, and the header's id and expiry (what request signatures are bound to). */
export interface OpenedCaller {
  caller: Caller;
  jti: string;
  /** Epoch milliseconds. */
  exp: number;
}

/**
 * The caller when the header was signed with `secret`, names `audience`, and is within
 * its lifetime; otherwise null (tampered, another secret, another subgraph, expired,
 * issued in the future, or longer-lived than any signer may issue).
 */
export function verifyCaller(header: string | undefined | null, secret: string, audience: string, now = Date.now()): Caller | null {
  return openCaller(header, secret, audience, now)?.caller ?? null;
}

/** `verifyCaller` with the header's id and expiry. */
export function openCaller(header: string | undefined | null, secret: string, audience: string, now = Date.now()): OpenedCaller | null {
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
  const { caller, aud, iat, exp, jti } = envelope;
  if (typeof iat !== 'number' || typeof exp !== 'number' || typeof jti !== 'string' || !Array.isArray(aud) || !caller) return null;
  if (now >= exp || iat > now + CLOCK_SKEW_MS || exp - iat > CALLER_LIFETIME_MS) return null;
  if (!aud.includes(audience)) return null;
  return { caller, jti, exp };
}

/** The id (`jti`) of a signed caller header, read without verifying it; null when it has none. */
export function callerHeaderId(header: string): string | null {
  try {
    const envelope = JSON.parse(Buffer.from(header.slice(0, header.indexOf('.')), 'base64url').toString('utf8')) as Partial<Envelope>;
    return typeof envelope.jti === 'string' ? envelope.jti : null;
  } catch {
    return null;
  }
}

/**
 * Header that binds a subgraph request to its caller header: `<nonce>.<mac>`, where
 * mac = base64url(HMAC-SHA256(request key, nonce + "." + base64url(SHA-256(body bytes)))).
 * The router signs the exact bytes it sends; the subgraph checks the bytes it received.
 */
export const REQUEST_SIGNATURE_HEADER = 'x-housing-request-signature';

/**
 * The key a router signs request bodies with under one caller header:
 * base64url(HMAC-SHA256(GATEWAY_SECRET, "request-key" + jti)). The access service hands
 * it to the router beside the header; a subgraph derives it from the secret and the
 * header's `jti`. Whoever sees a header and its traffic, but not this key, can neither
 * change the body nor sign a new one.
 */
export function requestKey(secret: string, jti: string): string {
  return createHmac('sha256', secret).update(`request-key${jti}`).digest('base64url');
}

/** SHA-256 of a request body's bytes. */
export function bodyDigest(body: string | Uint8Array): Buffer {
  return createHash('sha256').update(body).digest();
}

function requestMac(key: string, nonce: string, digest: Buffer): Buffer {
  return createHmac('sha256', key)
    .update(`${nonce}.${digest.toString('base64url')}`)
    .digest();
}

/**
 * The `x-housing-request-signature` value for one subgraph request. The nonce is fresh for
 * every request, so a router that sends the same body twice under one caller header (two
 * identical fetches of a plan) sends two signatures, and only a copy of one is refused.
 */
export function signRequest(key: string, body: string | Uint8Array, nonce = randomBytes(12).toString('base64url')): string {
  return `${nonce}.${requestMac(key, nonce, bodyDigest(body)).toString('base64url')}`;
}

/**
 * The signature's nonce when `signature` was made with the key of the caller header `jti`
 * over a body whose SHA-256 is `digest`; otherwise null (missing, malformed, another body,
 * another header's key).
 */
export function verifyRequest(signature: string | undefined | null, secret: string, jti: string, digest: Buffer): string | null {
  if (!signature || signature.length > 200) return null;
  const dot = signature.indexOf('.');
  if (dot <= 0) return null;
  const nonce = signature.slice(0, dot);
  const given = Buffer.from(signature.slice(dot + 1), 'base64url');
  const expected = requestMac(requestKey(secret, jti), nonce, digest);
  return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : null;
}

/**
 * The request signatures a subgraph process has accepted, each until its caller header
 * expires: a signature seen twice is an exact replay (the same header, nonce and body),
 * which no router sends. Memory is bounded by the request rate times the 30 s lifetime
 * (about 100 bytes an entry). One process's memory: another replica does not see it
 * (docs/authentication.md, "Request signatures").
 */
export class SeenRequests {
  private readonly until = new Map<string, number>();

  /** True the first time `id` is claimed before `expiresAt`; false for a repeat. */
  claim(id: string, expiresAt: number, now = Date.now()): boolean {
    this.forgetExpired(now);
    if (this.until.has(id)) return false;
    this.until.set(id, expiresAt);
    return true;
  }

  get size(): number {
    return this.until.size;
  }

  /** Entries are kept in arrival order, which is nearly expiry order (every header lives 30 s). */
  private forgetExpired(now: number): void {
    for (const [id, expiresAt] of this.until) {
      if (expiresAt > now) return;
      this.until.delete(id);
    }
  }
}
