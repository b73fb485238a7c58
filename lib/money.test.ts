import { describe, expect, it } from 'vitest';
import { isDecimal, toTenThousandths } from '../subgraphs/utilities/tariff-rules.js';
import { parseDecimal, parseSignedTenge, parseTenge, tengeOf } from './money.js';

describe('money', () => {
  it('reads tenge as exact tiyn and prints tiyn back with 2 places', () => {
    expect(parseTenge('1500.5', 'cost')).toBe(150_050n);
    expect(parseTenge('0.01', 'cost')).toBe(1n);
    expect(parseTenge('999999999999999.99', 'cost')).toBe(99_999_999_999_999_999n);
    expect(tengeOf(150_050n)).toBe('1500.50');
    expect(tengeOf(-7n)).toBe('-0.07');
  });
  it('refuses what is not a non-negative amount with up to 2 places, naming the field', () => {
    for (const bad of ['-1', '1.234', '1e3', '', ' 1', '1,5', '0x10', '1234567890123456', '1.', '.5', '-', '+1']) {
      expect(parseTenge(bad, 'input.cost')).toMatchObject({ field: 'input.cost' });
    }
  });
  it('refuses a third decimal place instead of truncating it (the old utilities toTiyn read "1.239" as 123 tiyn)', () => {
    expect(parseTenge('1.239', 'amount')).toMatchObject({ field: 'amount' });
    expect(parseSignedTenge('-1.239', 'amount')).toMatchObject({ field: 'amount' });
    expect(parseDecimal('1.239', { places: 2 })).toBeNull();
  });
  it('takes a sign only where the domain is signed', () => {
    expect(parseTenge('-250', 'balance')).toMatchObject({ field: 'balance' });
    expect(parseSignedTenge('-250', 'balance')).toBe(-25_000n);
    expect(parseSignedTenge('-0.05', 'balance')).toBe(-5n);
    expect(parseSignedTenge('250.5', 'balance')).toBe(25_050n);
    for (const bad of ['--1', '- 1', '-1.234', '-', '-1e2']) {
      expect(parseSignedTenge(bad, 'balance')).toMatchObject({ field: 'balance' });
    }
  });
  it('serves the 4-place prices and volumes of tariffs with the same reader', () => {
    expect(isDecimal('12.3456')).toBe(true);
    expect(isDecimal('9999999999.9999')).toBe(true);
    for (const bad of ['12.34567', '-1', '12345678901', '1e3', '']) expect(isDecimal(bad)).toBe(false);
    expect(toTenThousandths('12.5')).toBe(125_000n);
    // A numeric the database printed may be negative: read exactly, not as -5 + 0.5.
    expect(toTenThousandths('-5.5')).toBe(-55_000n);
    expect(() => toTenThousandths('1.23456')).toThrow();
  });
});
