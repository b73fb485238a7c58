import DataLoader from 'dataloader';
import { groupRows } from '../../lib/batch-results.js';
import type { Executor } from '../../lib/db.js';
import { katoPrefix, withinTerritory } from '../../lib/kato.js';
import { tengeOf } from '../../lib/money.js';
import type { UtilityService } from '../../schema/utilities.js';
import {
  type CoverageRow,
  type OutageCountRow,
  type TariffInForceRow,
  UtilityAnalyticsRepository,
  type WearBandRow,
} from './analytics-repository.js';

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

/** Readings taken in one month. */
export interface MonthlyReadings {
  month: string;
  readings: number;
}

/** Engineering networks of one wear band. */
export interface WearBand {
  fromPercent: number;
  toPercent: number;
  networks: number;
  lengthKm: string;
}

/** The wear bands, a quarter each: 0–25, 25–50, 50–75, 75–100 %. */
const WEAR_BANDS = 4;

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

const byPrefix = <T extends { prefix: string }>(rows: readonly T[]): Map<string, T[]> => groupRows(rows, (row) => row.prefix);

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
    /** Readings taken in each of the year of months up to the key's, oldest first. */
    readings: perMonthLoader<MonthlyReadings[]>(
      async (prefixes, month) => {
        const from = addMonths(month, 1 - SERIES_MONTHS);
        const result = new Map<string, MonthlyReadings[]>();
        for (const [prefix, rows] of byPrefix(await repository.readingsPerMonth(prefixes, from, month))) {
          const byMonth = new Map(rows.map((row) => [row.month, row.readings]));
          result.set(
            prefix,
            readingSeries(from, (m) => byMonth.get(m) ?? 0),
          );
        }
        return result;
      },
      (month) => readingSeries(addMonths(month, 1 - SERIES_MONTHS), () => 0),
    ),
    metersRead: perMonthLoader<number>(
      async (prefixes, month) => new Map((await repository.metersRead(prefixes, month)).map((row) => [row.prefix, row.meters])),
      () => 0,
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
    /** Keyed by territory alone: networks are counted as they are now. */
    networkWear: new DataLoader<string, WearBand[]>(async (katoCodes) => {
      const prefixes = [...new Set(katoCodes.map(katoPrefix))];
      const rows = byPrefix<WearBandRow>(await repository.networkWear(prefixes));
      return katoCodes.map((katoCode) => wearBands(rows.get(katoPrefix(katoCode)) ?? []));
    }),
    /** Current outages are those going on when the request's first key is loaded. */
    outages: perMonthLoader<OutageCountRow | null>(
      async (prefixes, month) => new Map((await repository.outageCounts(prefixes, month, new Date())).map((row) => [row.prefix, row])),
      () => null,
    ),
    /** Keyed by day: every territory's summary comes from the same few rows. */
    tariffsInForce: new DataLoader<string, TariffInForceRow[]>((days) =>
      Promise.all(days.map((day) => repository.householdTariffsInForce(day))),
    ),
  };
}

/** The year of months from `from`; every territory of a request shares the first month, so the last list is kept. */
let lastYear: { from: string; months: string[] } | undefined;
function yearFrom(from: string): string[] {
  if (lastYear?.from !== from) lastYear = { from, months: Array.from({ length: SERIES_MONTHS }, (_, i) => addMonths(from, i)) };
  return lastYear.months;
}

/** The year of months from `from`, each made by `make`. */
function overMonths<T>(from: string, make: (month: string) => T): T[] {
  return yearFrom(from).map(make);
}

function series(from: string, at: (month: string) => { billedTiyn: bigint; paidTiyn: bigint } | undefined): MonthlyCollection[] {
  return overMonths(from, (month) => {
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

function readingSeries(from: string, at: (month: string) => number): MonthlyReadings[] {
  return overMonths(from, (month) => ({ month, readings: at(month) }));
}

/** Every band, those without networks as zeros. */
function wearBands(rows: readonly WearBandRow[]): WearBand[] {
  const byBand = new Map(rows.map((row) => [row.band, row]));
  const width = 100 / WEAR_BANDS;
  return Array.from({ length: WEAR_BANDS }, (_, band) => ({
    fromPercent: band * width,
    toPercent: (band + 1) * width,
    networks: byBand.get(band)?.networks ?? 0,
    lengthKm: byBand.get(band)?.lengthKm ?? '0.000',
  }));
}

export type AnalyticsLoaders = ReturnType<typeof createAnalyticsLoaders>;
