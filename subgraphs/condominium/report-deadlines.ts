/**
 * When reports are due (p.5), and whether a building's report for a period came on time.
 *
 * "By the 20th of the following month" and "by 1 April of the following year" are read
 * inclusively: a report is on time when it is published at any moment of that day, Almaty
 * time (UTC+5, the country's one zone since March 2024), i.e. before 00:00 of the next day.
 * The moment that counts is publication (a signed but unpublished report has reached no
 * owner). Corrections do not change it: the first published version does.
 */
import type { ReportKind } from '../../schema/condominium.js';

const ALMATY_OFFSET = '+05:00';

export interface ReportPeriod {
  kind: ReportKind;
  year: number;
  /** 1–12 for a monthly report; null for an annual one. */
  month: number | null;
  /** First and last day (YYYY-MM-DD). */
  start: string;
  end: string;
  /** The last day it may be published on (inclusive). */
  dueDate: string;
  /** The first instant it is late: 00:00 Almaty of the day after `dueDate`. */
  lateFrom: Date;
}

/**
 * ON_TIME (first published before `lateFrom`), LATE (first published at or after it),
 * MISSING (none published, `lateFrom` passed), DUE (none published, not yet past it).
 * Decided in one place, `ReportRepository.compliance`.
 */
export type ComplianceStatus = 'ON_TIME' | 'LATE' | 'MISSING' | 'DUE';

const pad = (n: number) => String(n).padStart(2, '0');

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The period of a report and its deadline. `month` must be 1–12 for MONTHLY and null for ANNUAL. */
export function reportPeriod(kind: ReportKind, year: number, month: number | null): ReportPeriod {
  if (kind === 'ANNUAL') {
    return {
      kind,
      year,
      month: null,
      start: `${year}-01-01`,
      end: `${year}-12-31`,
      dueDate: `${year + 1}-04-01`,
      lateFrom: new Date(`${year + 1}-04-02T00:00:00${ALMATY_OFFSET}`),
    };
  }
  const m = month as number;
  const nextYear = m === 12 ? year + 1 : year;
  const nextMonth = m === 12 ? 1 : m + 1;
  return {
    kind,
    year,
    month: m,
    start: `${year}-${pad(m)}-01`,
    end: `${year}-${pad(m)}-${pad(lastDayOfMonth(year, m))}`,
    dueDate: `${nextYear}-${pad(nextMonth)}-20`,
    lateFrom: new Date(`${nextYear}-${pad(nextMonth)}-21T00:00:00${ALMATY_OFFSET}`),
  };
}

/** The period a report row covers, from its first day. */
export function periodOfRow(row: { kind: ReportKind; periodStart: string }): ReportPeriod {
  const year = Number(row.periodStart.slice(0, 4));
  return reportPeriod(row.kind, year, row.kind === 'MONTHLY' ? Number(row.periodStart.slice(5, 7)) : null);
}

/** "2026-10" or "2026": how a period is named in titles. */
export function periodLabel(period: ReportPeriod): string {
  return period.month === null ? String(period.year) : `${period.year}-${pad(period.month)}`;
}

/** How a territory's buildings stand with one period's report (Region.reportCompliance). */
export interface TerritoryCompliance {
  /** Buildings managed on the period's last day: those that owe the report. */
  owing: number;
  onTime: number;
  late: number;
  missing: number;
  due: number;
}

/**
 * A territory's statuses from its counts, decided as `ReportRepository.compliance` decides
 * each building's: what is not published is MISSING once `lateFrom` has passed at `now`,
 * DUE before. Both ways of counting (the summaries for large territories, the per-building
 * statuses for small ones) end here.
 */
export function territoryCompliance(
  period: ReportPeriod,
  now: Date,
  counts: { owing: number; onTime: number; late: number },
): TerritoryCompliance {
  const unpublished = Math.max(0, counts.owing - counts.onTime - counts.late);
  const passed = now.getTime() >= period.lateFrom.getTime();
  return { ...counts, missing: passed ? unpublished : 0, due: passed ? 0 : unpublished };
}
