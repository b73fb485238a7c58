import type { CountCell } from './analytics-repository.js';
import type { BuildingRow } from './buildings-repository.js';

/** The register's figures of one territory (`BuildingStatistics` in the SDL). */
export interface BuildingStatistics {
  /** The territory's KATO prefix, for the figures read on demand (overdue confirmations). */
  prefix: string;
  registered: number;
  retired: number;
  premises: number;
  emergency: number;
  needingCapitalRepair: number;
  barrierFree: number;
  barrierFreeShare: number;
  completeness: number;
  byCondition: { condition: BuildingRow['condition']; count: number }[];
  byHeatingSupplyType: { heatingSupplyType: BuildingRow['heatingSupplyType']; count: number }[];
  byDecadeBuilt: { decade: number; count: number }[];
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** The figures of `prefix` from its count cells; registered buildings only, apart from `retired`. */
export function buildingStatistics(prefix: string, cells: readonly CountCell[]): BuildingStatistics {
  const registered = cells.filter((cell) => cell.status === 'REGISTERED');
  const totals = registered.find(
    (cell) => cell.condition === null && cell.heatingSupplyType === null && cell.decadeBuilt === null && cell.barrierFree === null,
  );
  const retired = cells.find(
    (cell) =>
      cell.status === 'RETIRED' &&
      cell.condition === null &&
      cell.heatingSupplyType === null &&
      cell.decadeBuilt === null &&
      cell.barrierFree === null,
  );
  const byCondition = registered.flatMap((cell) =>
    cell.condition && cell.buildings ? [{ condition: cell.condition, count: cell.buildings }] : [],
  );
  const count = (condition: BuildingRow['condition']) => byCondition.find((row) => row.condition === condition)?.count ?? 0;
  const barrierFree = registered.find((cell) => cell.barrierFree === true)?.buildings ?? 0;
  const total = totals?.buildings ?? 0;
  return {
    prefix,
    registered: total,
    retired: retired?.buildings ?? 0,
    premises: totals?.premises ?? 0,
    emergency: count('EMERGENCY'),
    needingCapitalRepair: count('OPERATING_NEEDS_CAPITAL_REPAIR'),
    barrierFree,
    barrierFreeShare: share(barrierFree, total),
    completeness: share(totals?.annexFieldsFilled ?? 0, totals?.annexFieldsApplicable ?? 0),
    byCondition: byCondition.sort((a, b) => a.condition.localeCompare(b.condition)),
    byHeatingSupplyType: registered
      .flatMap((cell) =>
        cell.heatingSupplyType && cell.buildings ? [{ heatingSupplyType: cell.heatingSupplyType, count: cell.buildings }] : [],
      )
      .sort((a, b) => a.heatingSupplyType.localeCompare(b.heatingSupplyType)),
    byDecadeBuilt: registered
      .flatMap((cell) => (cell.decadeBuilt !== null && cell.buildings ? [{ decade: cell.decadeBuilt, count: cell.buildings }] : []))
      .sort((a, b) => a.decade - b.decade),
  };
}
