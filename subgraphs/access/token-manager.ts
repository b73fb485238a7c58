import type { Executor } from '../../lib/db.js';
import { badUserInput, forbidden, notFound } from '../../lib/errors.js';
import { type Acting, isAdministratorCaller, type Placed } from './context.js';
import { DirectoryRepository } from './directory-repository.js';
import { type IssuedToken, type TokenMetadata, TokenRepository } from './token-repository.js';

/** The token as the API returns it once, and as it will be listed. */
export interface Issued {
  token: string;
  apiToken: TokenMetadata;
}

function tokenLabel(label: string | null | undefined, fallback: string): string {
  const trimmed = label?.trim() || fallback;
  if (trimmed.length > 200) throw badUserInput({ field: 'label', message: 'A token label must be at most 200 characters.' });
  return trimmed;
}

function issued({ token, metadata }: IssuedToken): Placed<Issued> {
  return { payload: { token, apiToken: metadata }, objectIds: [metadata.id] };
}

/**
 * Session tokens of persons and machine tokens of digital objects: issued by administrators,
 * revoked by them or by a person for their own token (signing out), listed without the
 * secret. Tokens place no information: their writes take no receipt (`runWrite`).
 */
export class TokenManager {
  private readonly tokens: TokenRepository;

  constructor(private readonly db: Executor) {
    this.tokens = new TokenRepository(db);
  }

  /** A person's session token; stands in for the sign-in of an external identity provider. */
  async issueSessionToken(personId: string, label: string | null | undefined, by: Acting): Promise<Placed<Issued>> {
    if (!(await new DirectoryRepository(this.db).person(personId))) throw notFound('The person', 'personId');
    return issued(await this.tokens.issueSessionToken(personId, { label: tokenLabel(label, 'session'), now: by.at }));
  }

  async issueApiToken(digitalObjectId: string, label: string, expiresAt: Date | null | undefined, by: Acting): Promise<Placed<Issued>> {
    const object = await new DirectoryRepository(this.db).digitalObject(digitalObjectId);
    if (!object) throw notFound('The digital object', 'digitalObjectId');
    if (object.status === 'DISABLED')
      throw badUserInput({ field: 'digitalObjectId', message: 'The digital object is disabled: it has no access right left.' });
    if (!label.trim()) throw badUserInput({ field: 'label', message: 'Say what the token is for.' });
    if (expiresAt && expiresAt.getTime() <= by.at.getTime())
      throw badUserInput({ field: 'expiresAt', message: 'The expiry must be in the future.' });
    return issued(
      await this.tokens.issueApiToken(digitalObjectId, { label: tokenLabel(label, 'integration'), expiresAt: expiresAt ?? null }),
    );
  }

  /** Administrators revoke any token; a person revokes a token issued to them (signing out). */
  async revokeApiToken(tokenId: string, by: Acting): Promise<Placed<{ apiToken: TokenMetadata }>> {
    const existing = await this.tokens.findById(tokenId);
    if (!existing) throw notFound('The token', 'tokenId');
    const own = by.caller.kind === 'person' && existing.personId === by.caller.personId;
    if (!own && !isAdministratorCaller(by.caller)) throw forbidden('Only administrators revoke tokens other than their own.');
    const apiToken = await this.tokens.revoke(tokenId);
    if (!apiToken) throw new Error('The token vanished while being revoked.');
    return { payload: { apiToken }, objectIds: [tokenId] };
  }

  /** Tokens of one owner, newest first, revoked ones included; never the token or its hash. */
  list(owner: { personId: string } | { digitalObjectId: string }): Promise<TokenMetadata[]> {
    return this.tokens.list(owner);
  }
}
