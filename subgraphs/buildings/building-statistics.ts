import type { BreakdownCell, HeadlineRow } from './analytics-repository.js';
import type { BuildingRow } from './buildings-repository.js';

/**
 * `BuildingStatistics` of the SDL is resolved field by field from the territory's prefix: the
 * headline figures and the breakdowns are separate statements, so a dashboard that asks for
 * the headline never pays for the breakdowns.
 */
export interface BuildingStatisticsParent {
  prefix: string;
}

/** The register's headline figures of one territory. */
export interface HeadlineStatistics {
  registered: number;
  retired: number;
  premises: number;
  emergency: number;
  needingCapitalRepair: number;
  barrierFree: number;
  barrierFreeShare: number;
  completeness: number;
}

/** The register's breakdowns of one territory's registered buildings. */
export interface BreakdownStatistics {
  byCondition: { condition: BuildingRow['condition']; count: number }[];
  byHeatingSupplyType: { heatingSupplyType: BuildingRow['heatingSupplyType']; count: number }[];
  byDecadeBuilt: { decade: number; count: number }[];
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** The headline figures from a territory's rows (one per status); registered buildings only, apart from `retired`. */
export function headlineStatistics(rows: readonly HeadlineRow[]): HeadlineStatistics {
  const registered = rows.find((row) => row.status === 'REGISTERED');
  const total = registered?.buildings ?? 0;
  const barrierFree = registered?.barrierFree ?? 0;
  return {
    registered: total,
    retired: rows.find((row) => row.status === 'RETIRED')?.buildings ?? 0,
    premises: registered?.premises ?? 0,
    emergency: registered?.emergency ?? 0,
    needingCapitalRepair: registered?.needingCapitalRepair ?? 0,
    barrierFree,
    barrierFreeShare: share(barrierFree, total),
    completeness: share(registered?.annexFieldsFilled ?? 0, registered?.annexFieldsApplicable ?? 0),
  };
}

/** The breakdowns from a territory's cells, each sorted by its dimension; empty values left out. */
export function breakdownStatistics(cells: readonly BreakdownCell[]): BreakdownStatistics {
  return {
    byCondition: cells
      .flatMap((cell) => (cell.condition && cell.buildings ? [{ condition: cell.condition, count: cell.buildings }] : []))
      .sort((a, b) => a.condition.localeCompare(b.condition)),
    byHeatingSupplyType: cells
      .flatMap((cell) =>
        cell.heatingSupplyType && cell.buildings ? [{ heatingSupplyType: cell.heatingSupplyType, count: cell.buildings }] : [],
      )
      .sort((a, b) => a.heatingSupplyType.localeCompare(b.heatingSupplyType)),
    byDecadeBuilt: cells
      .flatMap((cell) => (cell.decadeBuilt !== null && cell.buildings ? [{ decade: cell.decadeBuilt, count: cell.buildings }] : []))
      .sort((a, b) => a.decade - b.decade),
  };
}
