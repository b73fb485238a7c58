import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { ErrorCode } from './errors.js';

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput } });
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` into the same string after checking it is a real calendar day. */
export function parseDate(value: unknown): string {
  if (typeof value !== 'string') throw invalid('A Date must be a string in the form YYYY-MM-DD.');
  const match = isoDate.exec(value);
  if (!match) throw invalid(`"${value.slice(0, 40)}" is not a date in the form YYYY-MM-DD.`);
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) {
    throw invalid(`${value} is not a calendar date.`);
  }
  return value;
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

export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string') throw invalid('A DateTime must be an ISO 8601 string.');
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw invalid(`"${value.slice(0, 40)}" is not an ISO 8601 date-time.`);
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
