import { env } from './env.js';
import { badUserInput, type FieldProblem } from './errors.js';
import { isUuid } from './uuid.js';

/**
 * Relay connections, one way for every list of every subgraph: `first` (default 50, at
 * most MAX_PAGE_SIZE, 0 for counts only) and an opaque `after` cursor that carries the
 * keyset position, tied to the list it came from. Lists are ordered by id, or newest
 * first by a timestamp and then id.
 */
export const DEFAULT_PAGE_SIZE = 50;

/** Where a keyset page continues: after this id (and this instant, for time-ordered lists). */
export interface PagePosition {
  id: string;
  /** ISO instant of the row's ordering timestamp, for lists ordered by time. */
  at?: string;
}

export interface PageRequest {
  first: number;
  after: PagePosition | null;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function encodeCursor(list: string, position: PagePosition): string {
  return Buffer.from(JSON.stringify([list, position.id, position.at ?? null]), 'utf8').toString('base64url');
}

const earliest = Date.parse('1900-01-01T00:00:00Z');
const latest = Date.parse('2200-01-01T00:00:00Z');

/** The position inside a cursor of `list`; null when the text is not such a cursor. */
export function decodeCursor(list: string, cursor: string): PagePosition | null {
  if (cursor.length > 400) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== list || !isUuid(parsed[1])) return null;
    const at: unknown = parsed[2];
    if (at === null) return { id: parsed[1].toLowerCase() };
    // An instant outside any stored value would reach PostgreSQL as an out-of-range timestamp.
    if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(at)) return null;
    const time = Date.parse(at);
    if (Number.isNaN(time) || time < earliest || time > latest) return null;
    return { id: parsed[1].toLowerCase(), at };
  } catch {
    return null;
  }
}

/** Checks `first` and `after`, listing every problem; `noun` names the rows in messages ("buildings"). */
export function parsePage(args: PageArgs, list: string, noun = 'rows', max = env().MAX_PAGE_SIZE): PageRequest {
  const problems: FieldProblem[] = [];
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) problems.push({ field: 'first', message: 'first must be zero or more.' });
  else if (first > max) problems.push({ field: 'first', message: `Ask for at most ${max} ${noun} per page; ${first} is too many.` });
  let after: PagePosition | null = null;
  if (args.after !== null && args.after !== undefined) {
    after = decodeCursor(list, args.after);
    if (after === null)
      problems.push({ field: 'after', message: 'after must be a cursor returned by this list (an endCursor or an edge cursor).' });
  }
  if (problems.length > 0) throw badUserInput(problems);
  return { first, after };
}

/** A connection from the rows read for `page`: one more than asked for tells whether more follow. */
export function toConnection<T>(list: string, rows: readonly T[], page: PageRequest, positionOf: (row: T) => PagePosition): Connection<T> {
  return connectionOf(rows, page, (row) => encodeCursor(list, positionOf(row)));
}

/** The connection of either kind of page, each row's cursor from `cursorOf`. */
function connectionOf<T>(rows: readonly T[], page: { first: number; after: unknown }, cursorOf: (row: T) => string): Connection<T> {
  const edges = rows.slice(0, page.first).map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.first,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Position of a row ordered by id. */
export const byId = (row: { id: string }): PagePosition => ({ id: row.id });

/** Position of a row ordered newest first by a timestamp, then id. */
export const byTime =
  <T extends { id: string }>(at: (row: T) => Date) =>
  (row: T): PagePosition => ({ id: row.id, at: at(row).toISOString() });

/**
 * A page of a list ordered by a sequence (the change feed): the cursor carries the position
 * (a positive integer) rather than an id, tied to the list it came from.
 */
export interface SequencePageRequest {
  first: number;
  /** Continue after this position; null from the start. */
  after: number | null;
}

export function encodeSequenceCursor(list: string, position: number): string {
  return Buffer.from(JSON.stringify([list, position]), 'utf8').toString('base64url');
}

/** The position inside a cursor of `list`; null when the text is not such a cursor. */
export function decodeSequenceCursor(list: string, cursor: string): number | null {
  if (cursor.length > 200) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== list) return null;
    const position: unknown = parsed[1];
    return typeof position === 'number' && Number.isSafeInteger(position) && position >= 0 ? position : null;
  } catch {
    return null;
  }
}

/** `parsePage` for lists ordered by a sequence. */
export function parseSequencePage(args: PageArgs, list: string, noun = 'rows', max = env().MAX_PAGE_SIZE): SequencePageRequest {
  const { first } = parsePage({ first: args.first }, list, noun, max);
  if (args.after === null || args.after === undefined) return { first, after: null };
  const after = decodeSequenceCursor(list, args.after);
  if (after === null)
    throw badUserInput({ field: 'after', message: 'after must be a cursor returned by this list (an endCursor or an edge cursor).' });
  return { first, after };
}

/** `toConnection` for lists ordered by a sequence. */
export function toSequenceConnection<T>(
  list: string,
  rows: readonly T[],
  page: SequencePageRequest,
  positionOf: (row: T) => number,
): Connection<T> {
  return connectionOf(rows, page, (row) => encodeSequenceCursor(list, positionOf(row)));
}
