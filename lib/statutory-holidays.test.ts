import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statutoryHolidays } from './statutory-holidays.js';

// The rules that fill the years ahead give exactly the calendar migration 0002 holds for
// 2025–2027 (entered from the published calendars), Kurban ait apart (lunar, entered by hand).
const migration = readFileSync(new URL('../migrations/0002_access_holidays.sql', import.meta.url), 'utf8');
const stored = [...migration.matchAll(/\('(\d{4}-\d{2}-\d{2})', '(\w+)', '([^']*)', '([^']*)'\)/g)]
  .filter((m) => m[4] !== 'Курбан айт')
  .map((m) => `${m[1]} ${m[2]}`);

describe('statutory holidays', () => {
  for (const year of [2025, 2026, 2027]) {
    it(`reproduce the published calendar of ${year}, transfers included`, () => {
      const generated = statutoryHolidays(year).map((day) => `${day.date} ${day.kind}`);
      expect(generated).toEqual(stored.filter((row) => row.startsWith(String(year))));
    });
  }

  it('moves a day off past the holidays and weekend that follow it', () => {
    // 2028: 21 March is a Tuesday; 1 January a Saturday, 2 January a Sunday: Monday 3 and Tuesday 4 off.
    const days = statutoryHolidays(2028)
      .filter((day) => day.kind === 'TRANSFERRED_DAY_OFF')
      .map((day) => day.date);
    expect(days).toContain('2028-01-03');
    expect(days).toContain('2028-01-04');
    expect(days.some((date) => date.startsWith('2028-03'))).toBe(false);
  });
});
