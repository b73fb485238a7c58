import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { generateToken, hashToken, SESSION_TOKEN_TTL_MS } from '../../lib/auth/tokens.js';
import type { Executor } from '../../lib/db.js';
import { apiTokens, type TokenAuthentication } from '../../schema/access.js';

/** What a token list shows: never the token, never its hash. */
export interface TokenMetadata {
  id: string;
  personId: string | null;
  digitalObjectId: string | null;
  label: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** A freshly issued token: the only moment its plain value exists on our side. */
export interface IssuedToken {
  token: string;
  metadata: TokenMetadata;
}

export type TokenOwner = { personId: string } | { digitalObjectId: string };

const metadataColumns = {
  id: apiTokens.id,
  personId: apiTokens.personId,
  digitalObjectId: apiTokens.digitalObjectId,
  label: apiTokens.label,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
};

/** Issues, lists and revokes tokens; takes an executor so it joins a caller's transaction. */
export class TokenRepository {
  constructor(private readonly executor: Executor) {}

  /**
   * A session token for a person: `authentication` EDS only after they signed in with their
   * EDS certificate (`signInWithSignature`), ISSUED (the default) for a session handed out otherwise.
   */
  issueSessionToken(
    personId: string,
    options: { label?: string; ttlMs?: number; now?: Date; authentication?: TokenAuthentication } = {},
  ): Promise<IssuedToken> {
    const now = options.now ?? new Date();
    return this.store(
      generateToken(),
      { personId },
      {
        label: options.label ?? 'session',
        expiresAt: new Date(now.getTime() + (options.ttlMs ?? SESSION_TOKEN_TTL_MS)),
        authentication: options.authentication ?? 'ISSUED',
      },
    );
  }

  /** A machine token for a digital object's integration. */
  issueApiToken(digitalObjectId: string, options: { label: string; expiresAt?: Date | null }): Promise<IssuedToken> {
    return this.store(generateToken(), { digitalObjectId }, { label: options.label, expiresAt: options.expiresAt ?? null });
  }

  /** Stores the hash of a token chosen elsewhere (the bootstrap administrator's, from configuration). */
  async store(
    token: string,
    owner: TokenOwner,
    options: { label: string | null; expiresAt: Date | null; authentication?: TokenAuthentication },
  ): Promise<IssuedToken> {
    const [row] = await this.executor
      .insert(apiTokens)
      .values({
        tokenHash: hashToken(token),
        personId: 'personId' in owner ? owner.personId : null,
        digitalObjectId: 'digitalObjectId' in owner ? owner.digitalObjectId : null,
        label: options.label,
        expiresAt: options.expiresAt,
        authentication: options.authentication ?? 'ISSUED',
      })
      .returning(metadataColumns);
    if (!row) throw new Error('The token was not stored.');
    return { token, metadata: row };
  }

  /** Tokens of a person or a digital object, newest first, revoked ones included (they are history). */
  list(owner: TokenOwner): Promise<TokenMetadata[]> {
    const ownedBy = 'personId' in owner ? eq(apiTokens.personId, owner.personId) : eq(apiTokens.digitalObjectId, owner.digitalObjectId);
    return this.executor.select(metadataColumns).from(apiTokens).where(ownedBy).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  }

  async findById(id: string): Promise<TokenMetadata | null> {
    const [row] = await this.executor.select(metadataColumns).from(apiTokens).where(eq(apiTokens.id, id));
    return row ?? null;
  }

  /**
   * Revokes a token; the gateway refuses it from the next request on, since it reads
   * the token row on every request. Returns null when there is no such token;
   * revoking twice keeps the first revocation time.
   */
  async revoke(id: string): Promise<TokenMetadata | null> {
    const [revoked] = await this.executor
      .update(apiTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning(metadataColumns);
    return revoked ?? this.findById(id);
  }
}
