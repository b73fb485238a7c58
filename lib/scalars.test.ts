import { describe, expect, it } from 'vitest';
import { parseDate, parseDateTime } from './scalars.js';

describe('Date and DateTime scalars', () => {
  it('accept calendar dates only, in YYYY-MM-DD', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(() => parseDate('2023-02-29')).toThrow('2023-02-29 is not a calendar date.');
    expect(() => parseDate('12.05.2010')).toThrow(/not a date in the form YYYY-MM-DD/);
    expect(() => parseDate(20240229)).toThrow(/must be a string/);
  });
  it('accept ISO 8601 instants only', () => {
    expect(parseDateTime('2026-07-12T09:30:00+05:00').toISOString()).toBe('2026-07-12T04:30:00.000Z');
    expect(() => parseDateTime('2026-07-12')).toThrow(/not an ISO 8601 date-time/);
    expect(() => parseDateTime('yesterday')).toThrow(/not an ISO 8601 date-time/);
  });
});
