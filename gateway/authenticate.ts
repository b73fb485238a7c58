import type { IncomingHttpHeaders } from 'node:http';
import { anonymousCaller, type Caller } from '../lib/auth/caller.js';
import type { Database } from '../lib/db.js';

/**
 * Establishes who is calling from the request's own credentials only; identity
 * headers a client sends are never read. Placeholder: the access issue adds tokens.
 */
export async function authenticate(_headers: IncomingHttpHeaders, _db: Database): Promise<Caller> {
  return anonymousCaller;
}
