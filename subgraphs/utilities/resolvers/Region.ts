import { badUserInput } from '../../../lib/errors.js';
import { type StatisticsKey, summariseTariffs } from '../analytics-loaders.js';
import type { Context } from '../context.js';

/** The first day of this month, UTC. */
const thisMonth = () => `${new Date().toISOString().slice(0, 7)}-01`;

/** The utilities figures of a territory (Region.utilityStatistics); each field loads its figure for all territories of the request at once. */
export const RegionStatistics = {
  utilityStatistics: (region: { katoCode: string }, args: { month?: string | null }): StatisticsKey => statisticsKey(region, args),
  networkWear: (region: { katoCode: string }, _: unknown, context: Context) => context.loaders.analytics.networkWear.load(region.katoCode),
  outageStatistics: (region: { katoCode: string }, args: { month?: string | null }): StatisticsKey => statisticsKey(region, args),
};

function statisticsKey(region: { katoCode: string }, args: { month?: string | null }): StatisticsKey {
  const month = args.month ?? thisMonth();
  if (!month.endsWith('-01')) throw badUserInput({ field: 'month', message: 'month must be the first day of a month, e.g. 2026-03-01.' });
  return { katoCode: region.katoCode, month };
}

export const OutageStatistics = {
  month: (key: StatisticsKey) => key.month,
  current: async (key: StatisticsKey, _: unknown, context: Context) => (await context.loaders.analytics.outages.load(key))?.current ?? 0,
  planned: async (key: StatisticsKey, _: unknown, context: Context) => (await context.loaders.analytics.outages.load(key))?.planned ?? 0,
  emergency: async (key: StatisticsKey, _: unknown, context: Context) =>
    (await context.loaders.analytics.outages.load(key))?.emergency ?? 0,
};

export const UtilityStatistics = {
  month: (key: StatisticsKey) => key.month,
  async meterCoverage(key: StatisticsKey, _: unknown, context: Context) {
    const rows = await context.loaders.analytics.meterCoverage.load(key);
    return rows
      .map((row) => ({ ...row, share: row.accounts === 0 ? 0 : row.metered / row.accounts }))
      .sort((a, b) => a.service.localeCompare(b.service));
  },
  readingsReceived: async (key: StatisticsKey, _: unknown, context: Context) =>
    (await context.loaders.analytics.readings.load(key)).at(-1)?.readings ?? 0,
  readingsSeries: (key: StatisticsKey, _: unknown, context: Context) => context.loaders.analytics.readings.load(key),
  metersRead: (key: StatisticsKey, _: unknown, context: Context) => context.loaders.analytics.metersRead.load(key),
  tariffs: async (key: StatisticsKey, _: unknown, context: Context) =>
    summariseTariffs(await context.loaders.analytics.tariffsInForce.load(key.month), key.katoCode),
  collectionSeries: async (key: StatisticsKey, _: unknown, context: Context) =>
    (await context.loaders.analytics.collection.load(key)).series,
  async collection(key: StatisticsKey, _: unknown, context: Context) {
    const { series } = await context.loaders.analytics.collection.load(key);
    return series[series.length - 1];
  },
  debt: async (key: StatisticsKey, _: unknown, context: Context) => (await context.loaders.analytics.collection.load(key)).debt,
};
