import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type GraphQLInputType, getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType } from 'graphql';
import { vi } from 'vitest';
import type { Database, Executor } from '../../lib/db.js';

// Real values of a seeded database for the hostile tests (ids of each table, texts of each
// column), so that a generated input is wrong in the one place the test means it to be and
// right elsewhere, and reaches the code behind the first check; and the two things every
// hostile test asserts afterwards: what the database holds, and what the services logged.

export interface Samples {
  /** Ids of every table with a uuid `id`, by table name without schema (`buildings`, `api_tokens`). */
  idsByTable: Map<string, string[]>;
  /** A few stored texts of every text column, by column name (`cadastral_number`, `kato_code`). */
  textsByColumn: Map<string, string[]>;
  allIds: string[];
}

const ownSchemas = sql`table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg_%'`;

function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

export async function loadSamples(db: Database): Promise<Samples> {
  const idTables = await db.execute<{ schema: string; table: string }>(sql`
    select c.table_schema as schema, c.table_name as table from information_schema.columns c
      join information_schema.tables t using (table_schema, table_name)
     where ${ownSchemas} and t.table_type = 'BASE TABLE' and c.column_name = 'id' and c.data_type = 'uuid'`);
  const idsByTable = new Map<string, string[]>();
  for (const { schema, table } of idTables) {
    const rows = await db.execute<{ id: string }>(
      sql.raw(`select id::text as id from ${quoted(schema)}.${quoted(table)} order by id limit 6`),
    );
    if (rows.length > 0)
      idsByTable.set(
        table,
        rows.map((row) => row.id),
      );
  }
  const textColumns = await db.execute<{ schema: string; table: string; column: string }>(sql`
    select c.table_schema as schema, c.table_name as table, c.column_name as column from information_schema.columns c
      join information_schema.tables t using (table_schema, table_name)
     where ${ownSchemas} and t.table_type = 'BASE TABLE' and c.data_type in ('text', 'character varying', 'character')
       and c.table_schema <> 'graphile_worker'`);
  const textsByColumn = new Map<string, string[]>();
  for (const { schema, table, column } of textColumns) {
    const rows = await db.execute<{ value: string }>(
      sql.raw(
        `select distinct ${quoted(column)}::text as value from ${quoted(schema)}.${quoted(table)} where ${quoted(column)} is not null and length(${quoted(column)}) between 1 and 200 limit 3`,
      ),
    );
    const known = textsByColumn.get(column) ?? [];
    textsByColumn.set(column, [...known, ...rows.map((row) => row.value)].slice(0, 6));
  }
  return { idsByTable, textsByColumn, allIds: [...idsByTable.values()].flat() };
}

export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Ids of the table an argument's name points at: `buildingId` → buildings, `parentGrantId`
 * → grants, `digitalObjectId` → digital_objects; empty when the name says nothing.
 */
export function idsNamedBy(samples: Samples, name: string): string[] {
  const words = snakeCase(name.replace(/Ids?$/, '')).split('_').filter(Boolean);
  for (let start = 0; start < words.length; start += 1) {
    const stem = words.slice(start).join('_');
    if (!stem || stem === 'id') continue;
    const tables = [...samples.idsByTable.keys()].filter(
      (table) => table === stem || table.startsWith(`${stem}s`) || table.endsWith(`_${stem}s`),
    );
    if (tables.length > 0) return tables.flatMap((table) => samples.idsByTable.get(table) ?? []);
  }
  return [];
}

/** Stored texts of the column an input field's name matches (`cadastralNumber` → cadastral_number). */
export function textsNamedBy(samples: Samples, name: string): string[] {
  return samples.textsByColumn.get(snakeCase(name)) ?? [];
}

/**
 * A plausible value for a position that must be given: a stored value of the same name
 * where there is one, the first enum value, a calendar day, one item of a list.
 */
export function plausibleValue(type: GraphQLInputType, name: string, samples: Samples, depth = 0): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [plausibleValue(nullable.ofType, name, samples, depth + 1)];
  if (isInputObjectType(nullable)) {
    const value: Record<string, unknown> = {};
    if (depth > 4) return value;
    for (const field of Object.values(nullable.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined)
        value[field.name] = plausibleValue(field.type, field.name, samples, depth + 1);
    }
    return value;
  }
  if (isEnumType(nullable)) return nullable.getValues()[0]?.name;
  switch (getNamedType(nullable).name) {
    case 'ID':
      return idsNamedBy(samples, name)[0] ?? randomUUID();
    case 'String':
      return textsNamedBy(samples, name)[0] ?? 'hostile test';
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return false;
    case 'Date':
      return '2025-03-14';
    case 'DateTime':
      return '2030-03-14T09:30:00Z';
    default:
      return 'hostile test';
  }
}

export type RowSnapshot = Map<string, string>;

/**
 * Every table of every schema of the database (the job queue's too): its row count and a
 * hash of its content, so an update shows as well as an insert. An API token's
 * `last_used_at` is left out: using a token refreshes it.
 */
export async function rowSnapshot(db: Executor): Promise<RowSnapshot> {
  const tables = await db.execute<{ schema: string; table: string }>(sql`
    select table_schema as schema, table_name as table from information_schema.tables
     where ${ownSchemas} and table_type = 'BASE TABLE' order by 1, 2`);
  const parts = tables.map(
    ({ schema, table }) =>
      `select ${`'${schema}.${table}'`} as name, count(*)::text || ':' || md5(coalesce(string_agg(md5((to_jsonb(t) - 'last_used_at')::text), '' order by md5((to_jsonb(t) - 'last_used_at')::text)), '')) as state from ${quoted(schema)}.${quoted(table)} t`,
  );
  const rows = await db.execute<{ name: string; state: string }>(sql.raw(parts.join('\nunion all\n')));
  return new Map(rows.map((row) => [row.name, row.state]));
}

/** The tables whose content differs between two snapshots. */
export function changedTables(before: RowSnapshot, after: RowSnapshot): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name)).sort();
}

/** Receipts and recorded changes: what every write leaves, cheap enough to count after each request. */
export async function writeMarks(db: Executor): Promise<string> {
  const [row] = await db.execute<{ marks: string }>(
    sql`select (select count(*) from platform.receipts)::text || '/' || (select count(*) from platform.changes)::text as marks`,
  );
  return row?.marks ?? '';
}

export interface ServiceLog {
  lines: string[];
  /** Lines that name a database error of SQLSTATE class 42 (syntax error or access rule violation) or 22 (data exception). */
  databaseErrors(): string[];
  /** Lines of the error convention's last resort: an unexpected error (`[error] …`) or a failed HTTP request (`[http] …`). */
  unexpected(): string[];
  restore(): void;
}

type LogRedirect = (stream: { write(line: string): void }) => () => void;

/**
 * The structured logger's test hook (`redirectLogs` of lib/log.ts), when the services log
 * through one; null while they log with console.error. Imported by a name TypeScript does
 * not resolve, so this file does not depend on that module being there.
 */
async function structuredLogRedirect(): Promise<LogRedirect | null> {
  const specifier = '../../lib/log.js';
  try {
    const module = (await import(/* @vite-ignore */ specifier)) as { redirectLogs?: LogRedirect };
    return typeof module.redirectLogs === 'function' ? module.redirectLogs : null;
  } catch {
    return null;
  }
}

/**
 * Captures what the in-process services log at warning level and above (the subgraphs and
 * the gateway run in this test's process): console.error and console.warn, and the lines of
 * the structured logger where there is one. Every unexpected error is logged with its
 * SQLSTATE (lib/errors.ts describeForLog), never with its values. Call it before the
 * services start: some take their log function when they are built.
 */
export async function captureServiceLog(): Promise<ServiceLog> {
  const lines: string[] = [];
  const record = (...args: unknown[]) => {
    lines.push(args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg))).join(' '));
  };
  const error = vi.spyOn(console, 'error').mockImplementation(record);
  const warn = vi.spyOn(console, 'warn').mockImplementation(record);
  const redirect = await structuredLogRedirect();
  const undoRedirect = redirect?.({
    write: (chunk: string) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        try {
          const entry = JSON.parse(line) as { level?: number; msg?: unknown };
          if ((entry.level ?? 0) >= 40) lines.push(typeof entry.msg === 'string' ? entry.msg : line);
        } catch {
          lines.push(line);
        }
      }
    },
  });
  return {
    lines,
    databaseErrors: () => lines.filter((line) => /\b(database error|a query failed) (42|22)[0-9A-Z]{3}\b|syntax error/i.test(line)),
    unexpected: () => lines.filter((line) => /^\[(error|http)\]/.test(line)),
    restore: () => {
      undoRedirect?.();
      error.mockRestore();
      warn.mockRestore();
    },
  };
}

/**
 * Arguments for `root` with `value` at `path` (argument name, then input field names;
 * a list on the way holds one item) and plausible values wherever a value must be given.
 */
export function argumentsWith(
  root: { field: { args: ReadonlyArray<{ name: string; type: GraphQLInputType; defaultValue?: unknown }> } },
  path: readonly string[],
  value: unknown,
  samples: Samples,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const argument of root.field.args) {
    if (isNonNullType(argument.type) && argument.defaultValue === undefined)
      args[argument.name] = plausibleValue(argument.type, argument.name, samples);
  }
  const argument = root.field.args.find((candidate) => candidate.name === path[0]);
  if (!argument) throw new Error(`No argument ${path[0]}.`);
  if (path.length === 1) {
    args[argument.name] = value;
    return args;
  }
  args[argument.name] ??= plausibleValue(argument.type, argument.name, samples);
  let container: Record<string, unknown> = args;
  let key = argument.name;
  let type: GraphQLInputType = argument.type;
  for (const name of path.slice(1)) {
    let nullable = getNullableType(type) as GraphQLInputType;
    let current = container[key];
    if (isListType(nullable)) {
      if (!Array.isArray(current) || current.length === 0) container[key] = current = [plausibleValue(nullable.ofType, key, samples)];
      container = current as unknown as Record<string, unknown>;
      key = '0';
      type = nullable.ofType;
      nullable = getNullableType(type) as GraphQLInputType;
      current = container[key];
    }
    if (!isInputObjectType(nullable)) throw new Error(`${path.join('.')} goes through ${String(type)}, not an input object.`);
    if (current === null || typeof current !== 'object') container[key] = current = plausibleValue(nullable, key, samples);
    const field = nullable.getFields()[name];
    if (!field) throw new Error(`No input field ${name} in ${nullable.name}.`);
    container = current as Record<string, unknown>;
    key = name;
    type = field.type;
  }
  container[key] = value;
  return args;
}
