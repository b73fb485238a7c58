import DataLoader from 'dataloader';
import type { Executor } from '../../lib/db.js';
import { byGrain, katoPrefix, withinTerritory } from '../../lib/kato.js';
import type { ManagementForm, ReportKind } from '../../schema/condominium.js';
import { CondominiumAnalyticsRepository, type FundTotalsRow } from './analytics-repository.js';
import { ManagementRepository } from './management-repository.js';
import { type ReportPeriod, reportPeriod, type TerritoryCompliance, territoryCompliance } from './report-deadlines.js';
import { ReportRepository } from './report-repository.js';

/** A territory and a report period (`month` 0 for an annual report). */
export interface ComplianceKey {
  katoCode: string;
  kind: ReportKind;
  year: number;
  month: number;
}

/**
 * The ministry's condominium figures of a territory (Region's fields), each loaded for every
 * territory of the request at once: one statement per figure (and per report period), or
 * two when the request mixes territories coarser and finer than a district.
 */
export interface AnalyticsLoaders {
  /** Buildings on the register under each territory (KATO code) by their form of management today; `null` counts those with none. */
  managementCounts: DataLoader<string, Map<ManagementForm | null, number>>;
  /** Each territory's compliance with a period's reporting deadline. */
  compliance: DataLoader<ComplianceKey, TerritoryCompliance, string>;
  /** Each territory's capital-repair funds. */
  fundTotals: DataLoader<string, FundTotalsRow>;
  /** Each territory's open owners' requests past their due day. */
  overdueRequests: DataLoader<string, number>;
}

/** The distinct prefixes of some KATO codes, split into those the summaries serve and the finer ones. */
const prefixesOf = (katoCodes: readonly string[]) => byGrain([...new Set(katoCodes.map(katoPrefix))]);

/** Sums per-district values over each territory prefix (a district's code starts with the prefixes of the territories it lies in). */
function sumOverPrefixes(prefixes: readonly string[], perDistrict: Iterable<[string, number]>): Map<string, number> {
  const sums = new Map(prefixes.map((prefix) => [prefix, 0]));
  for (const [district, n] of perDistrict)
    for (const prefix of prefixes) if (district.startsWith(prefix)) sums.set(prefix, sums.get(prefix)! + n);
  return sums;
}

export function createAnalyticsLoaders(db: Executor, today: string, now: Date): AnalyticsLoaders {
  const analytics = new CondominiumAnalyticsRepository(db);
  const management = new ManagementRepository(db);
  const reports = new ReportRepository(db);
  // Managed buildings per district and form on a day: every day a request asks for (today, report periods' last days) in one statement.
  const managedOnDay = new DataLoader<string, Array<{ district: string; form: ManagementForm; buildings: number }>>(async (days) => {
    const rows = await analytics.managedPerDistrict(days);
    return days.map((_, i) => rows.map((row) => ({ district: row.district, form: row.form, buildings: row.managed[i] ?? 0 })));
  });
  let registered: Promise<Map<string, number>> | undefined;
  const registeredPerDistrict = () => (registered ??= analytics.registeredPerDistrict());
  return {
    managementCounts: new DataLoader(async (katoCodes) => {
      const byPrefix = new Map<string, Map<ManagementForm | null, number>>();
      const { coarse, fine } = prefixesOf(katoCodes);
      if (coarse.length > 0) {
        // The summary: managed per form; of the register's buildings there, the unmanaged are the rest.
        const [managed, registeredThere] = await Promise.all([managedOnDay.load(today), registeredPerDistrict()]);
        const registeredByPrefix = sumOverPrefixes(coarse, registeredThere);
        for (const form of new Set(managed.map((row) => row.form))) {
          const ofForm = managed.filter((row) => row.form === form).map((row): [string, number] => [row.district, row.buildings]);
          for (const [prefix, n] of sumOverPrefixes(coarse, ofForm)) {
            const counts = byPrefix.get(prefix) ?? new Map<ManagementForm | null, number>();
            byPrefix.set(prefix, counts);
            if (n > 0) counts.set(form, n);
          }
        }
        for (const prefix of coarse) {
          const counts = byPrefix.get(prefix) ?? new Map<ManagementForm | null, number>();
          byPrefix.set(prefix, counts);
          const managedThere = [...counts.values()].reduce((sum, n) => sum + n, 0);
          counts.set(null, Math.max(0, (registeredByPrefix.get(prefix) ?? 0) - managedThere));
        }
      }
      // A finer territory: the register's buildings there joined with their assignments.
      const fineCodes = katoCodes.filter((code) => fine.includes(katoPrefix(code)));
      for (const row of await management.countsByTerritory(fineCodes, today)) {
        const prefix = katoPrefix(row.katoCode);
        const counts = byPrefix.get(prefix) ?? new Map<ManagementForm | null, number>();
        byPrefix.set(prefix, counts);
        counts.set(row.form, row.buildings);
      }
      return katoCodes.map((code) => byPrefix.get(katoPrefix(code)) ?? new Map());
    }),

    compliance: new DataLoader(
      async (keys) => {
        const found = new Map<string, TerritoryCompliance>();
        const periods = new Map<string, { period: ReportPeriod; codes: string[] }>();
        for (const key of keys) {
          const id = `${key.kind}|${key.year}|${key.month}`;
          const entry = periods.get(id) ?? {
            period: reportPeriod(key.kind, key.year, key.kind === 'MONTHLY' ? key.month : null),
            codes: [],
          };
          entry.codes.push(key.katoCode);
          periods.set(id, entry);
        }
        for (const [id, { period, codes }] of periods) {
          const { coarse, fine } = prefixesOf(codes);
          if (coarse.length > 0) {
            // Owing: the buildings managed on the period's last day; on time and late: the first publications' days.
            const [managed, published] = await Promise.all([managedOnDay.load(period.end), analytics.publicationsPerDistrict(period)]);
            const owing = sumOverPrefixes(
              coarse,
              managed.map((row): [string, number] => [row.district, row.buildings]),
            );
            const onTime = sumOverPrefixes(
              coarse,
              published.map((row): [string, number] => [row.district, row.onTime]),
            );
            const late = sumOverPrefixes(
              coarse,
              published.map((row): [string, number] => [row.district, row.late]),
            );
            for (const prefix of coarse)
              found.set(
                `${id}|${prefix}`,
                territoryCompliance(period, now, { owing: owing.get(prefix)!, onTime: onTime.get(prefix)!, late: late.get(prefix)! }),
              );
          }
          if (fine.length === 0) continue;
          // A finer territory: each building's status as the compliance list decides it, counted.
          const rows = await reports.compliance({
            kind: period.kind,
            periodStart: period.start,
            periodEnd: period.end,
            lateFrom: period.lateFrom,
            now,
            katoPrefixes: fine,
          });
          for (const prefix of fine) {
            const within = rows.filter((row) => withinTerritory(prefix, row.katoCode));
            found.set(
              `${id}|${prefix}`,
              territoryCompliance(period, now, {
                owing: within.length,
                onTime: within.filter((row) => row.status === 'ON_TIME').length,
                late: within.filter((row) => row.status === 'LATE').length,
              }),
            );
          }
        }
        return keys.map(
          (key) =>
            found.get(`${key.kind}|${key.year}|${key.month}|${katoPrefix(key.katoCode)}`) ?? {
              owing: 0,
              onTime: 0,
              late: 0,
              missing: 0,
              due: 0,
            },
        );
      },
      { cacheKeyFn: (key) => `${key.kind}|${key.year}|${key.month}|${key.katoCode}` },
    ),

    fundTotals: new DataLoader(async (katoCodes) => {
      const prefixes = [...new Set(katoCodes.map(katoPrefix))];
      const totals = new Map((await analytics.fundTotals(prefixes)).map((row) => [row.prefix, row]));
      return katoCodes.map((code) => {
        const prefix = katoPrefix(code);
        return totals.get(prefix) ?? { prefix, accruedTiyn: 0n, paidTiyn: 0n, spentTiyn: 0n };
      });
    }),

    overdueRequests: new DataLoader(async (katoCodes) => {
      const counts = await analytics.overdueRequests([...new Set(katoCodes.map(katoPrefix))], today);
      return katoCodes.map((code) => counts.get(katoPrefix(code)) ?? 0);
    }),
  };
}
