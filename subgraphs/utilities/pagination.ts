import { env } from '../../lib/env.js';
import { badUserInput } from '../../lib/errors.js';
import { isUuid } from '../../lib/uuid.js';

/** The page size asked for, checked against MAX_PAGE_SIZE. */
export function pageSize(first: number | null | undefined, field = 'first', max = env().MAX_PAGE_SIZE): number {
  const size = first ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw badUserInput({ field, message: `${field} must be between 1 and ${max}.` });
  }
  return size;
}

/** Cursors are the row id, opaque to clients so the ordering may change later. */
function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, field = 'after'): string | null {
  if (cursor === null || cursor === undefined) return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isUuid(id)) throw badUserInput({ field, message: `${field} is not a cursor returned by this list.` });
  return id;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** A Relay connection from `first + 1` rows fetched in id order (the extra row tells whether more follow). */
export function toConnection<T extends { id: string }>(rows: T[], first: number, after: string | null): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
