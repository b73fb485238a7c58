import DataLoader from 'dataloader';
import type { Executor } from '../../lib/db.js';
import { katoPrefix, withinTerritory } from '../../lib/kato.js';
import { tengeOf } from '../../lib/money.js';
import type { UtilityService } from '../../schema/utilities.js';
import { type CoverageRow, type ReadingCountRow, type TariffInForceRow, UtilityAnalyticsRepository } from './analytics-repository.js';

/** A territory and the month its figures are for (its first day). */
export interface StatisticsKey {
  katoCode: string;
  month: string;
}

export interface MonthlyCollection {
  month: string;
  billed: string;
  paid: string;
  collectionRate: number | null;
}

export interface TariffSummary {
  service: UtilityService;
  unit: string;
  tariffs: number;
  average: string;
  minimum: string;
  maximum: string;
}

/** Months in a collection series: the year up to the statistics' month. */
export const SERIES_MONTHS = 12;

/** `month` (YYYY-MM-01) moved by `by` months. */
export function addMonths(month: string, by: number): string {
  const date = new Date(`${month}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + by);
  return date.toISOString().slice(0, 10);
}

const keyOf = (key: StatisticsKey) => `${key.month}|${key.katoCode}`;

/** Loads `perMonth` once per month of the request's keys, for all their territories' prefixes together. */
function perMonthLoader<T>(perMonth: (prefixes: string[], month: string) => Promise<Map<string, T>>, empty: (month: string) => T) {
  return new DataLoader<StatisticsKey, T, string>(
    async (keys) => {
      const found = new Map<string, T>();
      for (const month of new Set(keys.map((key) => key.month))) {
        const prefixes = [...new Set(keys.filter((key) => key.month === month).map((key) => katoPrefix(key.katoCode)))];
        for (const [prefix, value] of await perMonth(prefixes, month)) found.set(`${month}|${prefix}`, value);
      }
      return keys.map((key) => found.get(`${key.month}|${katoPrefix(key.katoCode)}`) ?? empty(key.month));
    },
    { cacheKeyFn: keyOf },
  );
}

function byPrefix<T extends { prefix: string }>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(row.prefix, [...(map.get(row.prefix) ?? []), row]);
  return map;
}

const SCALE = 10_000n;
/** An exact decimal with up to 4 places ("98.7600") in units of 1/10,000. */
const scaled = (value: string) => {
  const [whole = '0', fraction = ''] = value.split('.');
  return BigInt(whole) * SCALE + BigInt(fraction.padEnd(4, '0').slice(0, 4));
};
const decimal = (units: bigint) => `${units / SCALE}.${String(units % SCALE).padStart(4, '0')}`;

/**
 * Whether a tariff is in force somewhere in the territory: its own territory lies in it or
 * contains it; without one, one of its supplier's served territories does; a supplier that
 * lists none counts only in the country's figures.
 */
function appliesIn(tariff: TariffInForceRow, katoCode: string): boolean {
  const territories = tariff.territoryKato ? [tariff.territoryKato] : tariff.supplierTerritories;
  if (katoPrefix(katoCode) === '') return true;
  return territories.some((territory) => withinTerritory(katoCode, territory) || withinTerritory(territory, katoCode));
}

/** Count, average (rounded down to 4 places), lowest and highest price per service and unit. */
export function summariseTariffs(tariffs: readonly TariffInForceRow[], katoCode: string): TariffSummary[] {
  const groups = new Map<string, bigint[]>();
  for (const tariff of tariffs) {
    if (!appliesIn(tariff, katoCode)) continue;
    const key = `${tariff.service}|${tariff.unit}`;
    groups.set(key, [...(groups.get(key) ?? []), scaled(tariff.pricePerUnit)]);
  }
  return [...groups]
    .map(([key, prices]) => {
      const [service, unit] = key.split('|') as [UtilityService, string];
      const sorted = [...prices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const sum = prices.reduce((a, b) => a + b, 0n);
      return {
        service,
        unit,
        tariffs: prices.length,
        average: decimal(sum / BigInt(prices.length)),
        minimum: decimal(sorted[0] as bigint),
        maximum: decimal(sorted[sorted.length - 1] as bigint),
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.unit.localeCompare(b.unit));
}

/** The utilities analytics of one request: one statement per figure for all territories of a month. */
export function createAnalyticsLoaders(db: Executor) {
  const repository = new UtilityAnalyticsRepository(db);
  return {
    meterCoverage: perMonthLoader<CoverageRow[]>(
      async (prefixes) => byPrefix(await repository.meterCoverage(prefixes)),
      () => [],
    ),
    readings: perMonthLoader<ReadingCountRow | null>(
      async (prefixes, month) => new Map((await repository.readingsInMonth(prefixes, month)).map((row) => [row.prefix, row])),
      () => null,
    ),
    /** The year of months up to the key's, and the debt at its end (billed minus paid over all periods so far). */
    collection: perMonthLoader<{ series: MonthlyCollection[]; debt: string }>(
      async (prefixes, month) => {
        const from = addMonths(month, 1 - SERIES_MONTHS);
        const result = new Map<string, { series: MonthlyCollection[]; debt: string }>();
        for (const [prefix, rows] of byPrefix(await repository.collection(prefixes, from, month))) {
          const byMonth = new Map(rows.map((row) => [row.month, row]));
          let debt = 0n;
          for (const row of rows) debt += row.billedTiyn - row.paidTiyn;
          result.set(prefix, { series: series(from, (m) => byMonth.get(m)), debt: tengeOf(debt) });
        }
        return result;
      },
      (month) => ({ series: series(addMonths(month, 1 - SERIES_MONTHS), () => undefined), debt: '0.00' }),
    ),
    /** Keyed by day: every territory's summary comes from the same few rows. */
    tariffsInForce: new DataLoader<string, TariffInForceRow[]>((days) =>
      Promise.all(days.map((day) => repository.householdTariffsInForce(day))),
    ),
  };
}

function series(from: string, at: (month: string) => { billedTiyn: bigint; paidTiyn: bigint } | undefined): MonthlyCollection[] {
  return Array.from({ length: SERIES_MONTHS }, (_, i) => {
    const month = addMonths(from, i);
    const row = at(month);
    const billed = row?.billedTiyn ?? 0n;
    const paid = row?.paidTiyn ?? 0n;
    return {
      month,
      billed: tengeOf(billed),
      paid: tengeOf(paid),
      collectionRate: billed > 0n ? Number((paid * 1_000_000n) / billed) / 1_000_000 : null,
    };
  });
}

export type AnalyticsLoaders = ReturnType<typeof createAnalyticsLoaders>;
