import type { FieldProblem } from './errors.js';

/**
 * Money as the API writes it and the database keeps it: tenge with up to 2 decimal places
 * as a string ("1500.50") outside, integer tiyn (1/100 tenge, bigint) inside. Never a
 * floating-point number anywhere between.
 */

/** Non-negative tenge: up to 15 integer digits (bigint holds them in tiyn) and up to 2 places. */
const tengePattern = /^\d{1,15}(\.\d{1,2})?$/;

/** Tiyn as tenge with 2 places, e.g. 123456n → "1234.56". */
export function tengeOf(tiyn: bigint): string {
  const sign = tiyn < 0n ? '-' : '';
  const abs = tiyn < 0n ? -tiyn : tiyn;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Non-negative tenge ("1500.5") as tiyn (150050n); the problem at `field` when it is not such an amount. */
export function parseTenge(value: string, field: string): bigint | FieldProblem {
  if (!tengePattern.test(value)) {
    return { field, message: `${field} must be an amount in tenge, 0 or more, with up to 2 decimal places, e.g. "1500.50".` };
  }
  const [whole = '0', fraction = ''] = value.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

/** Tenge that may be negative (a balance: "-250.00"), as tiyn; the problem at `field` otherwise. */
export function parseSignedTenge(value: string, field: string): bigint | FieldProblem {
  if (!value.startsWith('-')) return parseTenge(value, field);
  const tiyn = parseTenge(value.slice(1), field);
  return typeof tiyn === 'bigint'
    ? -tiyn
    : { field, message: `${field} must be an amount in tenge with up to 2 decimal places, e.g. "1500.50" or "-250.00".` };
}
