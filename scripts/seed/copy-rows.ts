import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getTableColumns } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import type { Sql, TransactionSql } from 'postgres';

type Value = string | number | boolean | Date | null | undefined;

/**
 * Rows of one drizzle table in PostgreSQL's COPY text format. Column names come from the
 * table definition, so a renamed column breaks the type check rather than the load.
 */
export class CopyEncoder<Row extends object> {
  readonly statement: string;
  private readonly keys: readonly (keyof Row & string)[];

  constructor(table: PgTable, keys: readonly (keyof Row & string)[]) {
    const columns = getTableColumns(table) as Record<string, { name: string }>;
    const config = getTableConfig(table);
    const names = keys.map((key) => {
      const column = columns[key];
      if (!column) throw new Error(`Table ${config.name} has no column ${key}.`);
      return `"${column.name}"`;
    });
    this.keys = keys;
    this.statement = `copy "${config.schema ?? 'public'}"."${config.name}" (${names.join(', ')}) from stdin`;
  }

  /** One line, newline included. */
  line(row: Row): string {
    let line = '';
    for (let i = 0; i < this.keys.length; i++) {
      if (i > 0) line += '\t';
      line += encode((row as Record<string, Value>)[this.keys[i] as string]);
    }
    return `${line}\n`;
  }
}

const SPECIAL = /[\\\t\n\r]/;

function encode(value: Value): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') {
    return SPECIAL.test(value)
      ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
      : value;
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Collects lines into pieces of a useful size for the socket. */
export class LineBuffer {
  readonly pieces: string[] = [];
  private current = '';

  add(line: string): void {
    this.current += line;
    if (this.current.length >= 64 * 1024) this.flush();
  }

  flush(): string[] {
    if (this.current) this.pieces.push(this.current);
    this.current = '';
    return this.pieces;
  }
}

/** Streams `pieces` through one COPY statement on `sql` (a connection or transaction). */
export async function copyInto(sql: Sql | TransactionSql, statement: string, pieces: readonly string[]): Promise<void> {
  if (pieces.length === 0) return;
  const writable = await sql.unsafe(statement).writable();
  await pipeline(Readable.from(pieces), writable);
}

/** EXPERIMENT: rows as a JSON array inserted through json_populate_recordset. */
export class JsonEncoder<Row extends object> {
  readonly statement: string;
  private readonly keys: readonly (keyof Row & string)[];
  private readonly prefixes: string[];

  constructor(table: PgTable, keys: readonly (keyof Row & string)[]) {
    const columns = getTableColumns(table) as Record<string, { name: string }>;
    const config = getTableConfig(table);
    const names = keys.map((key) => (columns[key] as { name: string }).name);
    this.keys = keys;
    this.prefixes = names.map((name, i) => `${i === 0 ? '{' : ','}"${name}":`);
    const qualified = `"${config.schema ?? 'public'}"."${config.name}"`;
    const list = names.map((n) => `"${n}"`).join(', ');
    this.statement = `insert into ${qualified} (${list}) select ${list} from json_populate_recordset(null::${qualified}, $1::json)`;
  }

  line(row: Row): string {
    let line = '';
    for (let i = 0; i < this.keys.length; i++) {
      line += this.prefixes[i] + jsonValue((row as Record<string, Value>)[this.keys[i] as string]);
    }
    return `${line}}`;
  }
}

const JSON_SPECIAL = /["\\\u0000-\u001f]/;
function jsonValue(value: Value): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON_SPECIAL.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return `"${value.toISOString()}"`;
  return String(value);
}

export async function insertJson(sql: Sql | TransactionSql, statement: string, lines: readonly string[]): Promise<void> {
  for (let i = 0; i < lines.length; i += 5000) {
    await sql.unsafe(statement, [`[${lines.slice(i, i + 5000).join(',')}]`]);
  }
}

/** EXPERIMENT: unnest of array literals. */
export class UnnestEncoder<Row extends object> {
  readonly statement: string;
  readonly keys: readonly (keyof Row & string)[];
  constructor(table: PgTable, keys: readonly (keyof Row & string)[]) {
    const columns = getTableColumns(table) as Record<string, { name: string; getSQLType(): string; enum?: { schema?: string; enumName: string } }>;
    const config = getTableConfig(table);
    const cols = keys.map((key) => columns[key]!);
    this.keys = keys;
    const types = cols.map((c, i) => `$${i + 1}::${c.enum ? `"${c.enum.schema ?? 'public'}"."${c.enum.enumName}"` : c.getSQLType()}[]`);
    this.statement = `insert into "${config.schema}"."${config.name}" (${cols.map((c) => `"${c.name}"`).join(', ')}) select * from unnest(${types.join(', ')})`;
  }
  encode(rows: readonly Row[]): string[] {
    return this.keys.map((key) => {
      let out = '{';
      for (let i = 0; i < rows.length; i++) {
        if (i > 0) out += ',';
        out += arrayValue((rows[i] as Record<string, Value>)[key]);
      }
      return out + '}';
    });
  }
}
const ARRAY_SPECIAL = /["\\]/g;
function arrayValue(value: Value): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `"${value.replace(ARRAY_SPECIAL, '\\$&')}"`;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return `"${value.toISOString()}"`;
  return String(value);
}
