import { badUserInput } from '../../lib/errors.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

/** An id given as input must look like one before it reaches SQL (a cast error would be a 500). */
export function requireUuid(value: unknown, field: string, what: string): string {
  if (!isUuid(value)) throw badUserInput({ field, message: `${what} id must be a UUID.` });
  return value.toLowerCase();
}

/** Postgres `uuid[]` literal for ids already checked with `isUuid`. */
export function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

/** Whether a database error is a unique violation (drizzle wraps the driver's error in `cause`). */
export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    if ((current as { code?: unknown }).code === '23505') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
