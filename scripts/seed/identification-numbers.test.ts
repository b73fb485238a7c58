import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as validator from '../../lib/identification-number.js';
import { binPrefix, completeNumber, iinPrefix, NumberAllocator } from './identification-numbers.js';

// The check digit itself is lib/identification-number.ts's, tested there.
describe('identification numbers for demo owners', () => {
  it('completes a prefix and serial with the check digit, or gives null for a serial that has none', () => {
    // 8·1 + 7·2 + 0·3 + 1·4 + 0·5 + 1·6 + 3·7 + 0·8 + 0·9 + 0·10 + 1·11 = 64 ≡ 9 (mod 11)
    expect(completeNumber('8701013', 1)).toBe('870101300019');
    // First: 142 ≡ 10. Second: 8·3 + 7·4 + 1·6 + 1·8 + 3·9 + 1·11 + 8·1 = 112 ≡ 2.
    expect(completeNumber('8701013', 180)).toBe('870101301802');
    // Both sums leave 10: no number has these 11 digits.
    expect(completeNumber('8701013', 184)).toBeNull();
    expect(() => completeNumber('8701013', 10_000)).toThrow('Serial 10000 does not fit 4 digits.');
  });

  it('encodes the date of birth, century and sex in an IIN prefix', () => {
    expect(iinPrefix({ year: 1987, month: 1, day: 1 }, 'MALE')).toBe('8701013');
    expect(iinPrefix({ year: 1987, month: 1, day: 1 }, 'FEMALE')).toBe('8701014');
    expect(iinPrefix({ year: 2003, month: 11, day: 30 }, 'FEMALE')).toBe('0311306');
    expect(binPrefix({ year: 2009, month: 4 })).toBe('090440');
  });

  it('allocates distinct valid numbers per prefix, skipping serials without a check digit', () => {
    const allocator = new NumberAllocator();
    const numbers = Array.from({ length: 300 }, () => allocator.allocate('8701013', 150));
    expect(new Set(numbers).size).toBe(300);
    expect(numbers.every((number) => number.startsWith('8701013') && validator.isValidIin(number))).toBe(true);
    // Serial 184 has no check digit: it is skipped, not issued with a wrong one.
    expect(numbers.some((number) => number.startsWith('87010130184'))).toBe(false);
    // Serial 0150: 8 + 14 + 4 + 6 + 21 + 1·9 + 5·10 = 112 ≡ 2.
    expect(numbers[0]).toBe('870101301502');
  });

  it('produces IINs and BINs the API accepts', () => {
    const allocator = new NumberAllocator();
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1920-01-01'), max: new Date('2007-12-31'), noInvalidDate: true }),
        fc.constantFrom('MALE' as const, 'FEMALE' as const),
        fc.integer({ min: 1996, max: 2025 }),
        fc.integer({ min: 1, max: 12 }),
        (birth, sex, year, month) => {
          const iin = allocator.allocate(
            iinPrefix({ year: birth.getUTCFullYear(), month: birth.getUTCMonth() + 1, day: birth.getUTCDate() }, sex),
            1,
          );
          expect(validator.iinProblem(iin)).toBeNull();
          const bin = allocator.allocate(binPrefix({ year, month }), 1);
          expect(validator.binProblem(bin)).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });
});
