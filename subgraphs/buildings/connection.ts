import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { env } from '../../lib/env.js';
import { katoPrefix } from '../../lib/auth/scope.js';
import type { BuildingListFilter, BuildingRow } from './buildings-repository.js';
import { isUuid } from '../../lib/uuid.js';
import { type CountKey, type PageKey } from './loaders.js';

/** `BuildingFilter` as the schema gives it. */
export interface BuildingFilterArgs extends BuildingListFilter {
  katoCode?: string | null;
}

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  filter?: BuildingFilterArgs | null;
}

/** What a `BuildingConnection` resolves from: the rows of one page and how to count the rest. */
export interface BuildingConnectionSource {
  edges: { cursor: string; node: BuildingRow }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** Null when the page is empty by construction (a filter outside the territory). */
  countKey: CountKey | null;
}

const cursorPrefix = 'building:';

/** Cursors are opaque to clients; inside they carry the id the keyset continues after. */
export function encodeCursor(id: string): string {
  return Buffer.from(cursorPrefix + id).toString('base64url');
}

export function decodeCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(cursorPrefix)) return null;
  const id = text.slice(cursorPrefix.length);
  return isUuid(id) ? id.toLowerCase() : null;
}

/** The filter in one fixed shape, so equal filters make equal loader keys. */
function normalizeFilter(filter: BuildingFilterArgs | null | undefined): BuildingListFilter {
  return {
    conditions: filter?.conditions?.length ? [...new Set(filter.conditions)].sort() : null,
    heatingSupplyTypes: filter?.heatingSupplyTypes?.length ? [...new Set(filter.heatingSupplyTypes)].sort() : null,
    yearBuiltFrom: filter?.yearBuiltFrom ?? null,
    yearBuiltTo: filter?.yearBuiltTo ?? null,
    emergency: filter?.emergency ?? null,
    confirmationOverdue: filter?.confirmationOverdue ?? null,
    status: filter?.status ?? null,
  };
}

export interface PageRequestParts {
  first: number;
  afterId: string | null;
  filter: BuildingListFilter;
  /** Significant digits of `filter.katoCode`, or null when absent. */
  katoPrefix: string | null;
}

/** Checks paging and filter arguments, listing every problem. */
export function parseConnectionArgs(args: ConnectionArgs): PageRequestParts {
  const problems: FieldProblem[] = [];
  const max = env().MAX_PAGE_SIZE;
  const first = args.first ?? 50;
  if (first < 0) problems.push({ field: 'first', message: 'first must be zero or more.' });
  else if (first > max) problems.push({ field: 'first', message: `Ask for at most ${max} buildings per page; ${first} is too many.` });
  let afterId: string | null = null;
  if (args.after != null) {
    afterId = decodeCursor(args.after);
    if (afterId === null) problems.push({ field: 'after', message: 'after must be a cursor returned by this API (an endCursor or an edge cursor).' });
  }
  let prefix: string | null = null;
  const code = args.filter?.katoCode;
  if (code != null) {
    if (/^\d{9}$/.test(code)) prefix = katoPrefix(code);
    else problems.push({ field: 'filter.katoCode', message: 'filter.katoCode must be a 9-digit KATO code, e.g. 750000000 for Almaty.' });
  }
  if (problems.length > 0) throw badUserInput(problems);
  return { first, afterId, filter: normalizeFilter(args.filter), katoPrefix: prefix };
}

export const emptyConnection: BuildingConnectionSource = {
  edges: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  countKey: null,
};

/** Turns the rows read for `key` (one more than asked for, when there are) into a connection. */
export function toConnection(key: PageKey, rows: BuildingRow[]): BuildingConnectionSource {
  const page = rows.slice(0, key.first);
  const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > key.first,
      hasPreviousPage: key.afterId !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    countKey: { prefix: key.prefix, filter: key.filter },
  };
}
