import type { FieldProblem } from './errors.js';

/**
 * Money as the API writes it and the database keeps it: tenge with up to 2 decimal places
 * as a string ("1500.50") outside, integer tiyn (1/100 tenge, bigint) inside. Never a
 * floating-point number anywhere between.
 *
 * `parseDecimal` is the one reader of exact decimals: tenge (2 places) below, and the
 * 4-place prices and volumes of tariffs (subgraphs/utilities/tariff-rules.ts) build on it.
 * It refuses rather than rounds or truncates: more places than allowed, a sign where none
 * is allowed, exponents, spaces and commas are all "not such a decimal".
 */

/** The shape of a decimal `parseDecimal` accepts. */
export interface DecimalShape {
  /** At most this many decimal places; the result counts units of 10^-places. */
  places: number;
  /** At most this many integer digits; unbounded when absent. */
  digits?: number;
  /** Whether a leading "-" is allowed (a balance, a correction); non-negative otherwise. */
  signed?: boolean;
}

/** `value` (e.g. "-12.5") as an integer count of 10^-places (with 4 places: -125000n); null when it is not such a decimal. */
export function parseDecimal(value: string, shape: DecimalShape): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return null;
  const [, sign = '', whole = '', fraction = ''] = match;
  if ((sign && !shape.signed) || fraction.length > shape.places) return null;
  if (shape.digits !== undefined && whole.length > shape.digits) return null;
  const units = BigInt(whole) * 10n ** BigInt(shape.places) + BigInt(fraction.padEnd(shape.places, '0') || '0');
  return sign ? -units : units;
}

/** Tenge: up to 15 integer digits (bigint holds them in tiyn) and up to 2 places. */
const tenge: DecimalShape = { places: 2, digits: 15 };

/** Tiyn as tenge with 2 places, e.g. 123456n → "1234.56". */
export function tengeOf(tiyn: bigint): string {
  const sign = tiyn < 0n ? '-' : '';
  const abs = tiyn < 0n ? -tiyn : tiyn;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Non-negative tenge ("1500.5") as tiyn (150050n); the problem at `field` when it is not such an amount. */
export function parseTenge(value: string, field: string): bigint | FieldProblem {
  return (
    parseDecimal(value, tenge) ?? {
      field,
      message: `${field} must be an amount in tenge, 0 or more, with up to 2 decimal places, e.g. "1500.50".`,
    }
  );
}

/**
 * Tenge that may be negative, as tiyn, for the amounts whose domain is signed (a balance:
 * "-250.00", a recalculation that lowers a charge); the problem at `field` otherwise.
 */
export function parseSignedTenge(value: string, field: string): bigint | FieldProblem {
  return (
    parseDecimal(value, { ...tenge, signed: true }) ?? {
      field,
      message: `${field} must be an amount in tenge with up to 2 decimal places, e.g. "1500.50" or "-250.00".`,
    }
  );
}
