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
    expect(parseDateTime('2026-07-12T09:30Z').toISOString()).toBe('2026-07-12T09:30:00.000Z');
    expect(parseDateTime('2026-07-12T09:30:00.123456Z').toISOString()).toBe('2026-07-12T09:30:00.123Z');
    expect(() => parseDateTime('2026-07-12')).toThrow(/not an ISO 8601 date-time/);
    expect(() => parseDateTime('yesterday')).toThrow(/not an ISO 8601 date-time/);
  });
  it('refuse what JavaScript would roll over or read as local time', () => {
    for (const value of [
      '2024-02-30T10:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T10:60:00Z',
      '2024-01-01T10:00:00',
      '2024-01-01T10:00:00+15:00',
      '2024-01-01 10:00:00Z',
    ]) {
      expect(() => parseDateTime(value), value).toThrow(/not an ISO 8601 date-time with a time zone/);
    }
  });
  it('accept only the years 1800–2200, so no date reaches the database out of its range', () => {
    expect(parseDate('1800-01-01')).toBe('1800-01-01');
    expect(parseDate('2200-12-31')).toBe('2200-12-31');
    expect(() => parseDate('1799-12-31')).toThrow('1799-12-31 is outside the years 1800–2200 this system accepts.');
    expect(() => parseDate('9999-12-31')).toThrow(/outside the years/);
    expect(() => parseDate('0000-01-01')).toThrow(/outside the years/);
    expect(() => parseDateTime('2201-01-01T00:00:00Z')).toThrow(/outside the years/);
    expect(() => parseDateTime('0001-01-01T00:00:00Z')).toThrow(/outside the years/);
  });
  it('never repeat a control character in a message', () => {
    expect(() => parseDate('2024\u0000-01-01')).toThrow('"2024\\u0000-01-01" is not a date in the form YYYY-MM-DD.');
  });
});
