import { createHash, randomBytes } from 'node:crypto';

/**
 * Tokens are 32 random bytes behind a recognizable prefix, so secret scanners and people
 * reading a log spot a leaked one. Only the SHA-256 is stored: a stolen database holds no
 * usable credential, and a plain hash suffices because the token has 256 bits of entropy
 * (a slow password hash would only slow down every request).
 */
const TOKEN_PREFIX = 'kzh_';

/** A person's session lasts a working day; digital objects' API tokens last until revoked unless given an expiry. */
export const SESSION_TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

/** Longest Authorization token accepted: far above our 47 characters, bounding work on garbage. */
const MAX_TOKEN_LENGTH = 512;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Lower-case hex SHA-256, the form `api_tokens.token_hash` stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Whether a presented string may be a token at all. Any printable token up to the bound
 * is accepted, not only prefixed ones: the operator chooses BOOTSTRAP_ADMIN_TOKEN.
 */
export function isPlausibleToken(token: string): boolean {
  return token.length >= 32 && token.length <= MAX_TOKEN_LENGTH && /^[\x21-\x7e]+$/.test(token);
}
