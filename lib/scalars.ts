import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { ErrorCode } from './errors.js';

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput } });
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The years a Date or DateTime may name. Every stored date of the register (repairs,
 * accounts, tariffs, agreements, tokens) falls well inside, and every value inside is one
 * PostgreSQL and JavaScript both store exactly; a year like 0000 or 275760 never reaches
 * the database as an out-of-range error.
 */
export const EARLIEST_YEAR = 1800;
export const LATEST_YEAR = 2200;

/** Whether y-m-d (m 1–12) names a real calendar day. */
function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function outOfRange(value: string): GraphQLError {
  return invalid(`${value} is outside the years ${EARLIEST_YEAR}–${LATEST_YEAR} this system accepts.`);
}

/** Parses `YYYY-MM-DD` into the same string after checking it is a real calendar day. */
export function parseDate(value: unknown): string {
  if (typeof value !== 'string') throw invalid('A Date must be a string in the form YYYY-MM-DD.');
  const match = isoDate.exec(value);
  if (!match) throw invalid(`"${printable(value)}" is not a date in the form YYYY-MM-DD.`);
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  if (!isCalendarDay(year, month, day)) throw invalid(`${value} is not a calendar date.`);
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) throw outOfRange(value);
  return value;
}

/** At most 40 characters of a refused value, control characters shown as \uXXXX so a message never carries them. */
function printable(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point.
  return value.slice(0, 40).replace(/[\u0000-\u001f\u007f\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function literal(ast: ValueNode, parse: (value: unknown) => unknown): unknown {
  if (ast.kind !== Kind.STRING) throw invalid('Expected a string literal.');
  return parse(ast.value);
}

/** A calendar date without time zone, `YYYY-MM-DD` (annex field 12 is dd.mm.yyyy on paper). */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => literal(ast, parseDate),
});

const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an ISO 8601 instant with a time zone (`Z` or `±hh:mm`): a real calendar day and
 * time of day (no February 30th rolled over into March, no 24:00), inside the accepted years.
 */
export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string') throw invalid('A DateTime must be an ISO 8601 string.');
  const match = isoDateTime.exec(value);
  const notInstant = () => invalid(`"${printable(value)}" is not an ISO 8601 date-time with a time zone, e.g. 2026-07-12T09:30:00+05:00.`);
  if (!match) throw notInstant();
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isCalendarDay(year, month, day) || hour > 23 || minute > 59 || second > 59) throw notInstant();
  const zone = match[7] ?? 'Z';
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4, 6)) > 59)) throw notInstant();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw notInstant();
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) throw outOfRange(value);
  return date;
}

/** An instant, ISO 8601 with time zone, e.g. 2026-07-12T09:30:00.000Z. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant in ISO 8601 with a time zone.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()),
  parseValue: parseDateTime,
  parseLiteral: (ast) => literal(ast, parseDateTime),
});

export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar };
