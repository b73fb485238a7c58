import { badUserInput } from './errors.js';
import { isUuid } from './uuid.js';

/**
 * An id given as input, checked before it reaches SQL (a cast error there would be a 500)
 * and lower-cased as PostgreSQL prints ids, so comparisons and loader keys agree. A
 * malformed id is BAD_USER_INPUT naming the field, in every subgraph and every position
 * (argument, input field, filter); a well-formed id of nothing is NOT_FOUND for a write's
 * target and `null` for a look-up.
 */
export function parseId(value: unknown, field: string, what = 'The'): string {
  if (!isUuid(value))
    throw badUserInput({
      field,
      message: `${field} must be an id (a UUID) of ${what === 'The' ? 'a record' : what} returned by this API.`,
    });
  return value.toLowerCase();
}

/** `parseId` for optional arguments. */
export function parseOptionalId(value: unknown, field: string, what?: string): string | null {
  return value === null || value === undefined ? null : parseId(value, field, what);
}
