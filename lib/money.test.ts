import { describe, expect, it } from 'vitest';
import { parseTenge, tengeOf } from './money.js';

describe('money', () => {
  it('reads tenge as exact tiyn and prints tiyn back with 2 places', () => {
    expect(parseTenge('1500.5', 'cost')).toBe(150_050n);
    expect(parseTenge('0.01', 'cost')).toBe(1n);
    expect(parseTenge('999999999999999.99', 'cost')).toBe(99_999_999_999_999_999n);
    expect(tengeOf(150_050n)).toBe('1500.50');
    expect(tengeOf(-7n)).toBe('-0.07');
  });
  it('refuses what is not a non-negative amount with up to 2 places, naming the field', () => {
    for (const bad of ['-1', '1.234', '1e3', '', ' 1', '1,5', '0x10', '1234567890123456']) {
      expect(parseTenge(bad, 'input.cost')).toMatchObject({ field: 'input.cost' });
    }
  });
});
