import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.js';

describe('parseEnv', () => {
  it('gives every default when nothing is set', () => {
    const config = parseEnv({});
    expect(config.GATEWAY_PORT).toBe(4000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.CORS_ORIGINS).toEqual(['*']);
    expect(config.SUBGRAPH_INLINE_TRACES).toBe(false);
  });
  it('parses lists and switches', () => {
    const config = parseEnv({ CORS_ORIGINS: 'https://a.kz, https://b.kz', SUBGRAPH_INLINE_TRACES: 'true', MAX_PAGE_SIZE: '100' });
    expect(config.CORS_ORIGINS).toEqual(['https://a.kz', 'https://b.kz']);
    expect(config.SUBGRAPH_INLINE_TRACES).toBe(true);
    expect(config.MAX_PAGE_SIZE).toBe(100);
  });
  it('fails fast with every problem listed at once', () => {
    expect(() => parseEnv({ GATEWAY_PORT: 'eighty', GATEWAY_SECRET: 'short', DATABASE_URL: 'not a url' })).toThrow(
      /Invalid configuration:\n {2}- (GATEWAY_PORT|DATABASE_URL|GATEWAY_SECRET)[^\n]*\n {2}- [^\n]*\n {2}- /,
    );
    expect(() => parseEnv({ GATEWAY_SECRET: 'short' })).toThrow(/GATEWAY_SECRET must be at least 32 characters/);
  });
});
