import { badUserInput } from '../../lib/errors.js';

import { isUuid } from '../../lib/uuid.js';

/** An id given as input must look like one before it reaches SQL (a cast error would be a 500). */
export function requireUuid(value: unknown, field: string, what: string): string {
  if (!isUuid(value)) throw badUserInput({ field, message: `${what} id must be a UUID.` });
  return value.toLowerCase();
}
