import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../lib/env.js';
import { defaultLimits, formatLimitError, limitsFromEnv } from './limits.js';

describe('gateway limits', () => {
  it('follow the environment', () => {
    expect(defaultLimits.maxDepth).toBe(15);
    expect(limitsFromEnv(parseEnv({ GATEWAY_MAX_DEPTH: '8', GATEWAY_MAX_COST: '5000' }))).toMatchObject({ maxDepth: 8, maxCost: 5000 });
  });

  it('give a validation rule its own code back, name the token limit, and drop suggestions when asked', () => {
    const options = { limits: defaultLimits, hideSuggestions: true };
    const rule = new GraphQLError('Too deep.', { extensions: { code: 'DEPTH_LIMIT_EXCEEDED', limit: 15, found: 16 } });
    const wrapped = new GraphQLError('Too deep.', { originalError: rule, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(
      formatLimitError({ message: 'Too deep.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, wrapped, options).extensions,
    ).toEqual({
      code: 'DEPTH_LIMIT_EXCEEDED',
      limit: 15,
      found: 16,
    });
    // graphql-js 16 says "more that".
    const tokens = {
      message: 'Syntax Error: Document contains more that 5000 tokens. Parsing aborted.',
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    };
    expect(formatLimitError(tokens, new GraphQLError(tokens.message), options).extensions).toEqual({
      code: 'TOKEN_LIMIT_EXCEEDED',
      limit: 5000,
    });
    const suggested = {
      message: 'Cannot query field "holderIn" on type "PersonalAccount". Did you mean "holderIin" or "holderName"?',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    };
    expect(formatLimitError(suggested, new GraphQLError(suggested.message), options).message).toBe(
      'Cannot query field "holderIn" on type "PersonalAccount".',
    );
    expect(formatLimitError(suggested, new GraphQLError(suggested.message), { ...options, hideSuggestions: false }).message).toBe(
      suggested.message,
    );
  });
});
