import { type SQL, sql } from 'drizzle-orm';
import type { FieldProblem } from './errors.js';
import { textArray } from './pg-array.js';

/**
 * The classifier of administrative-territorial objects (KATO), the one module that knows
 * its structure: codes are 9 digits, AB CD EF HHH — AB the region, CD a district or city in
 * it, EF a rural district, HHH a settlement. Every territorial scope, filter and
 * aggregate goes through these functions.
 */

const katoCodePattern = /^\d{9}$/;

/**
 * The whole country as a territory (KATO numbers no country; all nines would be a
 * settlement, all zeros is no code in use): its prefix is empty, so it covers every code.
 */
export const COUNTRY_KATO = '000000000';

/** Whether `value` is a 9-digit KATO code. */
export function isKatoCode(value: unknown): value is string {
  return typeof value === 'string' && katoCodePattern.test(value);
}

/**
 * Leading digits shared by every code under a territory. A district or city carries "10"
 * in EF for its own centre (Almaly district 751110000, Karaganda 351010000), so its prefix
 * is AB CD; a rural district's is AB CD EF; a settlement is itself.
 */
export function katoPrefix(katoCode: string): string {
  const code = katoCode.slice(0, 9);
  if (code === COUNTRY_KATO) return '';
  if (/^\d{2}0{7}$/.test(code)) return code.slice(0, 2);
  if (/^\d{4}(00|10)000$/.test(code)) return code.slice(0, 4);
  if (/^\d{6}000$/.test(code)) return code.slice(0, 6);
  return code;
}

/** Whether `katoCode` lies in the territory `territoryKato` (a code covers everything under it). */
export function withinTerritory(territoryKato: string, katoCode: string): boolean {
  return katoCode.startsWith(katoPrefix(territoryKato));
}

/** The problem of a KATO code given at `field`, or null when it is absent or well-formed. */
export function katoCodeProblem(field: string, value: unknown): FieldProblem | null {
  return value != null && !isKatoCode(value)
    ? { field, message: `${field} must be a 9-digit KATO code, e.g. 750000000 for Almaty.` }
    : null;
}

/**
 * The half-open range `[from, to)` of codes under a prefix, for an index range scan instead
 * of `like prefix || '%'`. With a `text_pattern_ops` index compare with its operators
 * (`kato_code ~>=~ from and kato_code ~<~ to`): byte order, whatever the collation.
 */
export function katoRange(prefix: string): { from: string; to: string } {
  // Codes are digits, and ':' follows '9': the country's empty prefix covers them all.
  if (prefix === '') return { from: '', to: ':' };
  const last = prefix.length - 1;
  const next = prefix.slice(0, last) + String.fromCharCode(prefix.charCodeAt(last) + 1);
  return { from: prefix, to: next };
}

/**
 * `p(prefix, upto)`: each territory's KATO prefix with the end of its range, a table to
 * join, so one statement answers any number of territories.
 */
export function territoryRanges(prefixes: readonly string[]): SQL {
  return sql`unnest(${textArray(prefixes)}::text[], ${textArray(prefixes.map((prefix) => katoRange(prefix).to))}::text[]) as p(prefix, upto)`;
}

/** `code` within the range of the joined `p` (`territoryRanges`), which a `text_pattern_ops` index serves as a range scan. */
export function inTerritoryRange(code: SQL): SQL {
  return sql`${code} ~>=~ p.prefix and ${code} ~<~ p.upto`;
}

/**
 * The finest territory the analytics summaries keep: a district or city of a region (a
 * code's first 4 digits). A region, a district and the country read the summaries.
 */
export const SUMMARY_GRAIN = 4;

/** Territories' prefixes split into those the per-district summaries serve and the finer ones, read from the records. */
export function byGrain(prefixes: readonly string[]): { coarse: string[]; fine: string[] } {
  return {
    coarse: prefixes.filter((prefix) => prefix.length <= SUMMARY_GRAIN),
    fine: prefixes.filter((prefix) => prefix.length > SUMMARY_GRAIN),
  };
}
