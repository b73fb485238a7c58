import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header of a delivery's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'x-housing-signature';
/** The header naming a delivery: the same id on every attempt and replay. */
export const DELIVERY_HEADER = 'x-housing-delivery';

/** A new signing secret: 32 random bytes, `whsec_` and base64url. Shown once, at creation. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The value of the signature header for `body` sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/**
 * What a receiver does with a delivery (documented in the README): recompute the HMAC over
 * `<t>.<raw body>` with the secret, compare it in constant time with `v1`, and refuse a
 * timestamp further than `toleranceSeconds` from its own clock (a replayed old delivery).
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(parts.v1 ?? ''))
    return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1 as string, 'hex'));
}
