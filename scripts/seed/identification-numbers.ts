import { checkDigit } from '../../lib/identification-number.js';

/** Builds valid 12-digit IINs and BINs for demo owners, with the API's own check-digit rule. */

export type Sex = 'MALE' | 'FEMALE';

/**
 * The 7th IIN digit: century of birth and sex (1/2 for the 19th century, 3/4 for the
 * 20th, 5/6 for the 21st; odd for men).
 */
function centurySexDigit(year: number, sex: Sex): number {
  const century = year < 1900 ? 1 : year < 2000 ? 3 : 5;
  return sex === 'MALE' ? century : century + 1;
}

/** The first 7 digits of an IIN: YYMMDD and the century/sex digit. */
export function iinPrefix(birthDate: { year: number; month: number; day: number }, sex: Sex): string {
  return `${two(birthDate.year % 100)}${two(birthDate.month)}${two(birthDate.day)}${centurySexDigit(birthDate.year, sex)}`;
}

/** The first 6 digits of a BIN: YYMM of registration, the entity type (4 resident legal entity), the division (0 head office). */
export function binPrefix(registered: { year: number; month: number }, entityType: 4 | 5 | 6 = 4, division: 0 | 1 | 2 | 3 = 0): string {
  return `${two(registered.year % 100)}${two(registered.month)}${entityType}${division}`;
}

/**
 * Completes `prefix` (7 digits for an IIN, 6 for a BIN) with the serial and the check
 * digit, or returns null when that serial has no valid check digit (skip to the next one).
 */
export function completeNumber(prefix: string, serial: number): string | null {
  const serialDigits = 11 - prefix.length;
  if (serial < 0 || serial >= 10 ** serialDigits) throw new Error(`Serial ${serial} does not fit ${serialDigits} digits.`);
  const first11 = prefix + String(serial).padStart(serialDigits, '0');
  const check = checkDigit(first11);
  return check === null ? null : first11 + check;
}

/**
 * Hands out unique numbers: one serial counter per prefix, so two owners never share an
 * IIN however many are generated, and the sequence depends only on the call order.
 */
export class NumberAllocator {
  private readonly next = new Map<string, number>();

  /** `start` places the first serial of a new prefix, so serials do not all begin at 0001. */
  allocate(prefix: string, start: number): string {
    let serial = this.next.get(prefix) ?? start;
    const limit = 10 ** (11 - prefix.length);
    for (;;) {
      if (serial >= limit) throw new Error(`No serials left for prefix ${prefix}.`);
      const number = completeNumber(prefix, serial);
      serial += 1;
      if (number) {
        this.next.set(prefix, serial);
        return number;
      }
    }
  }
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}
