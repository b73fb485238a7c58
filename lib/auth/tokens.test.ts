import { describe, expect, it } from 'vitest';
import { generateToken, hashToken, isPlausibleToken } from './tokens.js';

describe('token values', () => {
  it('are 32 random bytes behind the kzh_ prefix, never repeated', () => {
    const tokens = Array.from({ length: 2000 }, generateToken);
    expect(tokens.every((token) => /^kzh_[A-Za-z0-9_-]{43}$/.test(token))).toBe(true);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('are stored as lower-case hex SHA-256', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = generateToken();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toBe(hashToken(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')));
  });

  it('are plausible only with 32 to 512 printable characters and no spaces', () => {
    expect(isPlausibleToken(generateToken())).toBe(true);
    expect(isPlausibleToken('x'.repeat(32))).toBe(true);
    expect(isPlausibleToken('x'.repeat(31))).toBe(false);
    expect(isPlausibleToken('x'.repeat(513))).toBe(false);
    expect(isPlausibleToken(`${'x'.repeat(20)} ${'x'.repeat(20)}`)).toBe(false);
    expect(isPlausibleToken(`${'x'.repeat(40)}é`)).toBe(false);
  });
});
