import { createHash, randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Executor } from '../../lib/db.js';
import { ErrorCode } from '../../lib/errors.js';
import { iinProblem } from '../../lib/identification-number.js';
import { SignatureRefused, type TrustStore, verifyDetachedSignature } from '../../lib/signatures/signatures.js';
import type { Placed } from './context.js';
import { SignInChallengeRepository, SignInPersonRepository } from './sign-in-challenge-repository.js';
import type { TokenMetadata } from './token-repository.js';
import { TokenRepository } from './token-repository.js';

/** How long a challenge may be signed and sent back. */
export const SIGN_IN_CHALLENGE_TTL_MS = 5 * 60_000;

export interface SignInChallenge {
  id: string;
  nonce: string;
  expiresAt: Date;
}

export interface SignedIn {
  token: string;
  apiToken: TokenMetadata;
  personId: string;
  registered: boolean;
}

function nonceHash(nonce: string): string {
  return createHash('sha256').update(nonce, 'utf8').digest('hex');
}

/**
 * UNAUTHENTICATED with the reason: a sign-in that did not prove who is signing. Answered
 * as a GraphQL error (HTTP 200), not as a 401 of the subgraph, so that `reason` passes the
 * router (which turns a subgraph's 401 into its own error with the code only).
 */
export function signInRefused(message: string, reason: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Unauthenticated, reason } });
}

/**
 * EDS sign-in, challenge and response (issue 7, item 3):
 * 1. `challenge`: 32 random bytes as base64url text (the nonce), stored as its SHA-256 with
 *    an expiry of 5 minutes; the nonce itself is only in the answer;
 * 2. `signIn`: under the challenge's row lock, refuses a challenge unknown, used or expired,
 *    verifies the signature over the nonce's UTF-8 bytes with `lib/signatures` (checked at
 *    the moment of sign-in, not at the signer's claimed signing time), consumes the
 *    challenge, finds or registers the person by the certificate's IIN (named by its CN) and
 *    issues a session token, all in the one transaction: a refused or failed sign-in
 *    consumes nothing, and a challenge signs in at most once.
 *
 * The certificate of an organisation's employee (OU=BIN…) signs its holder in by their
 * IIN like any other: the session is the person's, and the grants they hold for the
 * organisation decide what they may do for it. A certificate without an IIN is refused.
 */
export class EdsSignInManager {
  constructor(private readonly executor: Executor) {}

  async challenge(at: Date): Promise<Placed<SignInChallenge>> {
    const nonce = randomBytes(32).toString('base64url');
    const challenges = new SignInChallengeRepository(this.executor);
    await challenges.prune(at);
    const row = await challenges.insert({
      nonceHash: nonceHash(nonce),
      createdAt: at,
      expiresAt: new Date(at.getTime() + SIGN_IN_CHALLENGE_TTL_MS),
    });
    return { payload: { id: row.id, nonce, expiresAt: row.expiresAt }, objectIds: [row.id] };
  }

  async signIn(challengeId: string, signature: string, trust: TrustStore, at: Date): Promise<Placed<SignedIn>> {
    const challenges = new SignInChallengeRepository(this.executor);
    const challenge = await challenges.lock(challengeId);
    if (!challenge) throw signInRefused('The sign-in challenge is unknown; request a new one.', 'UNKNOWN_CHALLENGE');
    if (challenge.consumedAt) throw signInRefused('The sign-in challenge was already used; request a new one.', 'CHALLENGE_USED');
    if (challenge.expiresAt.getTime() <= at.getTime())
      throw signInRefused('The sign-in challenge has expired; request a new one.', 'CHALLENGE_EXPIRED');

    // Only the nonce's SHA-256 is kept: the signature's messageDigest must equal it.
    let verified: Awaited<ReturnType<typeof verifyDetachedSignature>>;
    try {
      const sha256 = new Uint8Array(Buffer.from(challenge.nonceHash, 'hex'));
      verified = await verifyDetachedSignature({ signature, content: { sha256 }, trust, at, now: at });
    } catch (error) {
      if (error instanceof SignatureRefused) {
        // A valid signature over another text is a signature of another challenge.
        const message =
          error.reason === 'CONTENT_ALTERED'
            ? "The signature is not over this challenge's nonce; sign the nonce you were given."
            : `The signature was refused: ${error.message}`;
        throw signInRefused(message, error.reason);
      }
      throw error;
    }
    const { iin, commonName, surname, givenName } = verified.signer;
    if (!iin || iinProblem(iin, at) !== null)
      throw signInRefused(
        "The certificate names no valid IIN (SERIALNUMBER=IIN…); sign with your personal or your organisation's EDS certificate.",
        'WRONG_SIGNER',
      );

    const people = new SignInPersonRepository(this.executor);
    const fullName = (commonName ?? [surname, givenName].filter(Boolean).join(' ')).trim() || `IIN ${iin}`;
    const existing = await people.byIin(iin);
    const person = existing
      ? { id: existing.id, registered: false }
      : await people.register({ iin, fullName: fullName.slice(0, 300), createdAt: at });
    await challenges.consume(challenge.id, at, person.id);
    const { token, metadata } = await new TokenRepository(this.executor).issueSessionToken(person.id, {
      label: 'EDS sign-in',
      now: at,
      authentication: 'EDS',
    });
    return {
      payload: { token, apiToken: metadata, personId: person.id, registered: person.registered },
      objectIds: [metadata.id, challenge.id],
    };
  }
}
