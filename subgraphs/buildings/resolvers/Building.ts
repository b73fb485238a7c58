import { annexFieldNames, katoOf, type PremiseKind } from '../building-validation.js';
import type { BuildingRow, HistoryRow } from '../buildings-repository.js';
import type { Context } from '../context.js';

/** A registered record is overdue when its last confirmation is missing or more than a year old (p.13). */
function isConfirmationOverdue(building: Pick<BuildingRow, 'status' | 'confirmedAt'>): boolean {
  if (building.status !== 'REGISTERED') return false;
  if (building.confirmedAt === null) return true;
  const yearAgo = new Date();
  yearAgo.setUTCFullYear(yearAgo.getUTCFullYear() - 1);
  return building.confirmedAt.getTime() < yearAgo.getTime();
}

/** History values as text: strings as they are, everything else as JSON. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Changes in the annex's order (Postgres keeps jsonb keys in its own order), then anything else. */
const fieldOrder = new Map<string, number>(annexFieldNames.map((name, index) => [name, index]));
const orderOf = (field: string) => fieldOrder.get(field) ?? fieldOrder.size;

function historyEntry(row: HistoryRow) {
  return {
    id: String(row.id),
    change: row.change,
    changedBy: row.changedBy,
    changedAt: row.changedAt,
    changes: Object.entries(row.changes)
      .sort(([a], [b]) => orderOf(a) - orderOf(b) || a.localeCompare(b))
      .map(([field, change]) => ({ field, oldValue: asText(change.old), newValue: asText(change.new) })),
  };
}

export const Building = {
  __resolveReference(reference: { id?: string; cadastralNumber?: string }, context: Context) {
    if (reference.id !== undefined) return context.loaders.buildingById.load(reference.id);
    if (reference.cadastralNumber !== undefined) return context.loaders.buildingByCadastralNumber.load(reference.cadastralNumber.trim());
    return null;
  },

  region(building: BuildingRow, _: unknown, context: Context) {
    const kato = katoOf(building.katoCode);
    return kato === null ? null : context.loaders.territoryContaining.load(kato);
  },

  confirmationOverdue: (building: BuildingRow) => isConfirmationOverdue(building),

  async premises(building: BuildingRow, args: { kind?: PremiseKind | null }, context: Context) {
    const premises = await context.loaders.premisesByBuildingId.load(building.id);
    return args.kind ? premises.filter((premise) => premise.kind === args.kind) : premises;
  },

  async history(building: BuildingRow, _: unknown, context: Context) {
    return (await context.loaders.historyByBuildingId.load(building.id)).map(historyEntry);
  },
};
