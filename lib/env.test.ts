import { describe, expect, it } from 'vitest';
import { parseEnv, requiredVariables } from './env.js';

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
  it('treats an empty variable as unset (BOOTSTRAP_ADMIN_TOKEN=), and names a bad one', () => {
    expect(parseEnv({ BOOTSTRAP_ADMIN_TOKEN: '', DATABASE_URL: '', GATEWAY_PORT: '' })).toMatchObject({ GATEWAY_PORT: 4000 });
    expect(parseEnv({ BOOTSTRAP_ADMIN_TOKEN: '' }).BOOTSTRAP_ADMIN_TOKEN).toBeUndefined();
    expect(parseEnv({}).BOOTSTRAP_ADMIN_TOKEN).toBeUndefined();
    expect(() => parseEnv({ BOOTSTRAP_ADMIN_TOKEN: 'short' })).toThrow(
      /BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_ADMIN_TOKEN must be at least 32 characters/,
    );
  });
  it('names every variable an entry point requires that is missing or empty, all at once', () => {
    const secret = 'x'.repeat(32);
    const subgraph = () => parseEnv({ DATABASE_URL: '' }, 'subgraph');
    expect(subgraph).toThrow(/- DATABASE_URL: DATABASE_URL is required by a subgraph running as its own process [^\n]*unset or empty/);
    expect(subgraph).toThrow(/- GATEWAY_SECRET: GATEWAY_SECRET is required by a subgraph/);
    const gateway = () =>
      parseEnv({ DATABASE_URL: 'postgres://db/housing', GATEWAY_SECRET: secret, BUILDINGS_URL: 'http://b:4001/' }, 'gateway');
    for (const name of ['CONDOMINIUM_URL', 'UTILITIES_URL', 'ACCESS_URL']) {
      expect(gateway).toThrow(new RegExp(`- ${name}: ${name} is required by the gateway running as its own process`));
    }
    expect(gateway).not.toThrow(/BUILDINGS_URL/);
    const all = Object.fromEntries(
      requiredVariables.gateway.map((name) => [name, name.endsWith('_URL') ? 'http://service:4000/' : secret]),
    );
    expect(parseEnv({ ...all, DATABASE_URL: 'postgres://db/housing' }, 'gateway').ACCESS_URL).toBe('http://service:4000/');
  });
  it('with an entry point, still lists every other problem with the missing variables', () => {
    expect(() => parseEnv({ GATEWAY_PORT: 'eighty' }, 'subgraph')).toThrow(/GATEWAY_PORT[\s\S]*DATABASE_URL[\s\S]*GATEWAY_SECRET/);
  });
});
