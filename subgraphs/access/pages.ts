import { and, eq, lt, or, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { badUserInput } from '../../lib/errors.js';
import { isUuid } from '../../lib/uuid.js';

export const MAX_PAGE = 500;

/** Position after a row in a newest-first list: its timestamp and id. */
export interface Position {
  at: Date;
  id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): Position | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const date = new Date(String(at));
    if (typeof at === 'string' && isUuid(id) && !Number.isNaN(date.getTime())) return { at: date, id };
  } catch {
    // Falls through to the input error.
  }
  throw badUserInput({ field: 'after', message: 'The cursor is not one this API issued; pass an endCursor of a previous page.' });
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? 100;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw badUserInput({ field: 'first', message: `Ask for 1 to ${MAX_PAGE} items per page.` });
  return size;
}

/** Rows fetched with limit first + 1 → a Relay connection. */
export function toConnection<T>(rows: T[], first: number, positionOf: (row: T) => Position, afterGiven: boolean) {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(positionOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: afterGiven,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Keyset condition "strictly after `position`" in a list ordered by (at desc, id desc). */
export function after(atColumn: AnyPgColumn, idColumn: AnyPgColumn, position: Position | null): SQL | undefined {
  if (!position) return undefined;
  return or(lt(atColumn, position.at), and(eq(atColumn, position.at), lt(idColumn, position.id)));
}
