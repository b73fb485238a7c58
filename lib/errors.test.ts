import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { badUserInput, describeForLog, formatError, isDatabaseOutage, uniqueViolation } from './errors.js';

describe('formatError', () => {
  it('passes our own codes through and masks everything else, logging no parameters', () => {
    const logged: string[] = [];
    const mine = new GraphQLError('The year built must be at most 2026.', {
      extensions: { code: 'BAD_USER_INPUT', field: 'input.yearBuilt' },
    });
    expect(formatError({ message: mine.message, extensions: mine.extensions }, mine, (line) => logged.push(line))).toEqual({
      message: mine.message,
      extensions: { code: 'BAD_USER_INPUT', field: 'input.yearBuilt' },
    });
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "x" 900101300123'), {
      code: '23505',
      table_name: 'premise_owners',
    });
    const failed = Object.assign(new Error('Failed query: insert into ... params: 900101300123,Иванов'), {
      name: 'DrizzleQueryError',
      cause,
    });
    const wrapped = new GraphQLError(failed.message, { originalError: failed, path: ['addPremises'] });
    const masked = formatError({ message: wrapped.message, path: ['addPremises'] }, wrapped, (line) => logged.push(line));
    expect(masked.message).toBe('An internal error occurred; it has been logged.');
    expect(masked.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(logged).toEqual(['[error] addPremises: DrizzleQueryError: database error 23505 (premise_owners)']);
    expect(logged.join()).not.toContain('900101300123');
  });
  it('keeps only the first line of other unexpected errors', () => {
    expect(describeForLog(new TypeError('x is undefined\nsecond line'))).toBe('TypeError: x is undefined');
    expect(describeForLog(Object.assign(new Error('Failed query: select\nparams: 1'), { name: 'DrizzleQueryError' }))).toBe(
      'DrizzleQueryError: a query failed',
    );
    // drizzle's own class keeps the name "Error" and puts the statement and parameters in its message.
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const failed = Object.assign(new Error('Failed query: select iin from persons where iin = $1\nparams: 850101300012'), {
      query: 'select …',
      params: ['850101300012'],
      cause: refused,
    });
    expect(describeForLog(failed)).toBe('DrizzleQueryError: a query failed ECONNREFUSED (Error)');
    expect(describeForLog(failed)).not.toContain('850101300012');
  });
  it("logs what a subgraph's masked error carried at the gateway ('[error] region: object' said nothing), and no thrown string", () => {
    const logged: string[] = [];
    // The gateway wraps a subgraph's error object, not an Error, as the original error.
    const fromSubgraph = {
      message: 'An internal error occurred; it has been logged.',
      path: ['region'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
    const wrapped = new GraphQLError(fromSubgraph.message, { originalError: fromSubgraph as unknown as Error, path: ['region'] });
    formatError(
      { message: wrapped.message, path: ['region'], extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'buildings' } },
      wrapped,
      (line) => logged.push(line),
    );
    expect(logged).toEqual(['[error] region: a subgraph error (INTERNAL_SERVER_ERROR): An internal error occurred; it has been logged.']);
    expect(describeForLog('850101300012 is my IIN')).toBe('a thrown string that is not an Error');
    expect(describeForLog({ reason: 'x' })).toBe('a thrown object that is not an Error (no code)');
  });
  it('finds a unique violation through the cause chain, and nothing else', () => {
    const cause = Object.assign(new Error('duplicate key'), { code: '23505', constraint_name: 'subjects_bin_key' });
    expect(uniqueViolation(Object.assign(new Error('Failed query'), { cause }))).toEqual({ constraint: 'subjects_bin_key' });
    expect(
      uniqueViolation(Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('x'), { code: '23503' }) })),
    ).toBeNull();
    expect(uniqueViolation('23505')).toBeNull();
  });
});

describe('database outages', () => {
  it('are reported as SERVICE_UNAVAILABLE, logged without values, never as FORBIDDEN or internal', () => {
    const lines: string[] = [];
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const failed = Object.assign(new Error('Failed query: select 1\nparams: 850101300012'), {
      query: 'select 1',
      params: ['850101300012'],
      cause: refused,
    });
    const formatted = formatError(
      { message: failed.message, path: ['buildings'] },
      new GraphQLError(failed.message, { originalError: failed }),
      (line) => lines.push(line),
    );
    expect(formatted.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(formatted.message).not.toContain('850101300012');
    expect(lines.join('\n')).not.toContain('850101300012');
    expect(isDatabaseOutage(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseOutage(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });
});

describe('badUserInput', () => {
  it('keeps every problem in extensions and names only the first few in the message', () => {
    const problems = Array.from({ length: 10_000 }, (_, i) => ({
      field: `accounts[${i}].holderIin`,
      message: `accounts[${i}].holderIin: not an IIN.`,
    }));
    const error = badUserInput(problems);
    expect(error.extensions.problems).toHaveLength(10_000);
    expect(error.extensions.field).toBe('accounts[0].holderIin');
    expect(error.message.length).toBeLessThan(1_000);
    expect(error.message).toContain('and 9990 more');
  });
});
