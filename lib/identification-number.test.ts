import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binProblem, checkDigit, iinProblem, isValidBin, isValidIin } from './identification-number.js';

/** An independent, deliberately plain implementation of the official algorithm. */
function referenceCheckDigit(first11: string): number | null {
  const d = first11.split('').map(Number);
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += d[i]! * (i + 1);
  let r = sum % 11;
  if (r === 10) {
    const w = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    sum = 0;
    for (let i = 0; i < 11; i++) sum += d[i]! * w[i]!;
    r = sum % 11;
    if (r === 10) return null;
  }
  return r;
}

/** Completes 11 digits with their check digit (the test's own computation). */
function complete(first11: string): string {
  const digit = referenceCheckDigit(first11);
  if (digit === null) throw new Error('no check digit exists for these digits');
  return first11 + digit;
}

/** The same 11 digits with a different last digit. */
function wrongCheck(valid: string): string {
  return valid.slice(0, 11) + ((Number(valid[11]) + 1) % 10);
}

const today = new Date(Date.UTC(2026, 6, 12));

describe('checkDigit', () => {
  it('matches a hand-computed IIN: 9·1+1·4+1·6+3·7+1·11 = 51, 51 mod 11 = 7', () => {
    expect(checkDigit('90010130001')).toBe(7);
    expect(isValidIin('900101300017', today)).toBe(true);
  });

  it('agrees with the reference implementation on any 11 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11}$/), (digits) => {
        expect(checkDigit(digits)).toBe(referenceCheckDigit(digits));
      }),
      { numRuns: 2000 },
    );
  });

  it('uses the second weights when the first remainder is 10, and gives none when that is 10 too', () => {
    let secondPass: string | undefined;
    let none: string | undefined;
    for (let n = 0; n < 200_000 && !(secondPass && none); n++) {
      const digits = `9001013${String(n).padStart(4, '0')}`;
      const first = digits.split('').reduce((s, c, i) => s + Number(c) * (i + 1), 0) % 11;
      if (first !== 10) continue;
      if (referenceCheckDigit(digits) === null) none ??= digits;
      else secondPass ??= digits;
    }
    expect(secondPass).toBeDefined();
    expect(none).toBeDefined();
    expect(checkDigit(secondPass!)).toBe(referenceCheckDigit(secondPass!));
    expect(checkDigit(secondPass!)).not.toBeNull();
    expect(isValidIin(complete(secondPass!), today)).toBe(true);
    expect(checkDigit(none!)).toBeNull();
    // No 12th digit makes these 11 digits an IIN.
    for (let last = 0; last <= 9; last++) expect(isValidIin(`${none}${last}`, today)).toBe(false);
  });

  it('refuses anything but 11 digits', () => {
    expect(checkDigit('1234567890')).toBeNull();
    expect(checkDigit('1234567890a')).toBeNull();
  });
});

describe('IIN', () => {
  it('accepts valid IINs of every century digit', () => {
    const samples = ['8512311', '8512312', '9002283', '9002284', '0402295', '1001016'];
    for (const prefix of samples) {
      // Find a serial that has a check digit, as the registry would.
      let serial = 0;
      while (referenceCheckDigit(`${prefix}${String(serial).padStart(4, '0')}`) === null) serial++;
      const iin = complete(`${prefix}${String(serial).padStart(4, '0')}`);
      expect(iinProblem(iin, today)).toBeNull();
    }
  });

  it('refuses a wrong check digit', () => {
    expect(iinProblem(wrongCheck('900101300017'), today)).toBe('An IIN has a wrong check digit; check it for a typing mistake.');
  });

  it('refuses a length other than 12, and non-digits', () => {
    expect(iinProblem('90010130001', today)).toBe('An IIN must be exactly 12 digits.');
    expect(iinProblem('9001013000170', today)).toBe('An IIN must be exactly 12 digits.');
    expect(iinProblem('90010130001A', today)).toBe('An IIN must be exactly 12 digits.');
  });

  it('refuses a century digit other than 1–6', () => {
    expect(iinProblem(complete('90010100001'), today)).toBe('The 7th digit of an IIN (century of birth and sex) must be 1 to 6.');
    expect(iinProblem(complete('90010170001'), today)).toBe('The 7th digit of an IIN (century of birth and sex) must be 1 to 6.');
  });

  it('refuses a date of birth that is not a calendar day', () => {
    expect(iinProblem(complete('90130130001'), today)).toBe('The first six digits of an IIN must be a date of birth (YYMMDD).');
    expect(iinProblem(complete('90023030001'), today)).toBe('The first six digits of an IIN must be a date of birth (YYMMDD).');
    // 1900 was not a leap year, 2000 was.
    expect(iinProblem(complete('00022930001'), today)).toBe('The first six digits of an IIN must be a date of birth (YYMMDD).');
    let serial = 1;
    while (referenceCheckDigit(`0002295${String(serial).padStart(4, '0')}`) === null) serial++;
    expect(iinProblem(complete(`0002295${String(serial).padStart(4, '0')}`), today)).toBeNull();
  });

  it('refuses a date of birth after today', () => {
    expect(iinProblem(complete('27010150001'), today)).toBe('The date of birth in an IIN must not be in the future.');
  });

  it('never repeats the number in its message', () => {
    const iin = wrongCheck('900101300017');
    expect(iinProblem(iin, today)).not.toContain(iin);
  });
});

describe('BIN', () => {
  it('accepts valid BINs: registration month, entity kind 4–6, unit 0–3', () => {
    for (const prefix of ['05014000012', '19124100034', '21065200001', '10036300999']) {
      const digits = referenceCheckDigit(prefix) === null ? prefix.slice(0, 10) + '7' : prefix;
      expect(binProblem(complete(digits))).toBeNull();
      expect(isValidBin(complete(digits))).toBe(true);
    }
  });

  it('refuses a wrong check digit', () => {
    expect(binProblem(wrongCheck(complete('05014000012')))).toBe('A BIN has a wrong check digit; check it for a typing mistake.');
  });

  it('refuses a length other than 12', () => {
    expect(binProblem('0501400001')).toBe('A BIN must be exactly 12 digits.');
  });

  it('refuses a registration month outside 01–12', () => {
    expect(binProblem(complete('05134000012'))).toBe('Digits 3–4 of a BIN must be the month of registration, 01 to 12.');
    expect(binProblem(complete('05004000012'))).toBe('Digits 3–4 of a BIN must be the month of registration, 01 to 12.');
  });

  it('refuses an entity kind other than 4–6 (an IIN is not a BIN)', () => {
    expect(binProblem(complete('05013000012'))).toBe('The 5th digit of a BIN (kind of entity) must be 4, 5 or 6.');
    expect(binProblem('900101300017')).not.toBeNull();
  });

  it('refuses a unit kind other than 0–3', () => {
    expect(binProblem(complete('05014400012'))).toBe(
      'The 6th digit of a BIN (head office, branch, representative office or farm) must be 0 to 3.',
    );
  });
});
