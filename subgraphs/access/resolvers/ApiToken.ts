import type { Context } from '../context.js';
import type { TokenMetadata } from '../token-repository.js';

export const ApiToken = {
  person: (token: TokenMetadata, _: unknown, context: Context) => (token.personId ? context.loaders.personById.load(token.personId) : null),
  digitalObject: (token: TokenMetadata, _: unknown, context: Context) =>
    token.digitalObjectId ? context.loaders.digitalObjectById.load(token.digitalObjectId) : null,
};
