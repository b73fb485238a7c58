import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import { isUuid, uuidKeys } from '../../lib/uuid.js';
import { meterScopeOf } from './meter-manager.js';
import { type MeterFilter, MeterRepository, type MeterRow, type MeterScope } from './meter-repository.js';
import { ReadingRepository, type ReadingRow } from './reading-repository.js';

/** The per-request loaders of meters and readings (part of `UtilitiesLoaders.meters`). */
export interface MeterLoaders {
  /** The caller's reach over meters and readings, decided once per request. */
  scope: MeterScope;
  /** Scope-filtering: null for a meter that does not exist OR is outside the caller's scope. */
  byId: DataLoader<string, MeterRow | null>;
  page: DataLoader<{ after: string | null; limit: number; filter: MeterFilter }, MeterRow[], string>;
  /** Keyed by `${first}:${buildingId}`. */
  byBuilding: DataLoader<string, MeterRow[]>;
  /** Keyed by premise id: the individual meters of the premise. */
  byPremise: DataLoader<string, MeterRow[]>;
  /** Keyed by `${buildingId}:${number}`: the id of that premise of the register, or null. */
  premiseIdOf: DataLoader<string, string | null>;
  /** Keyed by `${from}:${to}:${meterId}`: readings of the meter in that span. */
  readings: DataLoader<string, ReadingRow[]>;
}

export function createMeterLoaders(db: Database, caller: Caller): MeterLoaders {
  const scope = meterScopeOf(caller);
  const meters = new MeterRepository(db);
  const readings = new ReadingRepository(db);
  const byId = new DataLoader<string, MeterRow | null>(async (ids) => {
    const rows = await meters.byIds(uuidKeys(ids), scope);
    const map = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });
  return {
    scope,
    byId,
    page: new DataLoader(
      (keys) =>
        Promise.all(
          keys.map(async (key) => {
            const rows = await meters.page({ ...key, scope });
            for (const row of rows) byId.prime(row.id, row);
            return rows;
          }),
        ),
      { cacheKeyFn: (key) => JSON.stringify(key) },
    ),
    byBuilding: new DataLoader(async (keys) => {
      const byFirst = new Map<number, string[]>();
      for (const key of keys) {
        const [first, buildingId] = key.split(':') as [string, string];
        if (!isUuid(buildingId)) continue;
        byFirst.set(Number(first), [...(byFirst.get(Number(first)) ?? []), buildingId.toLowerCase()]);
      }
      const found = new Map<string, MeterRow[]>();
      for (const [first, buildingIds] of byFirst) {
        for (const row of await meters.ofBuildings(buildingIds, first, scope)) {
          const key = `${first}:${row.buildingId}`;
          found.set(key, [...(found.get(key) ?? []), row]);
        }
      }
      return keys.map((key) => found.get(key.toLowerCase()) ?? []);
    }),
    byPremise: new DataLoader(async (ids) => {
      const rows = await meters.ofPremises(uuidKeys(ids), scope);
      return ids.map((id) => rows.get(id.toLowerCase()) ?? []);
    }),
    premiseIdOf: new DataLoader(async (keys) => {
      const pairs = keys.map((key) => {
        const at = key.indexOf(':');
        return { buildingId: key.slice(0, at), number: key.slice(at + 1) };
      });
      const ids = await meters.premiseIds(pairs);
      return keys.map((key) => ids.get(key) ?? null);
    }),
    readings: new DataLoader(async (keys) => {
      // Keys of one request share the span almost always; one statement per span.
      const bySpan = new Map<string, string[]>();
      for (const key of keys) {
        const [from, to, meterId] = key.split(':') as [string, string, string];
        bySpan.set(`${from}:${to}`, [...(bySpan.get(`${from}:${to}`) ?? []), meterId]);
      }
      const found = new Map<string, ReadingRow[]>();
      for (const [span, meterIds] of bySpan) {
        const [from, to] = span.split(':') as [string, string];
        for (const row of await readings.ofMeters(meterIds, from, to, scope)) {
          const key = `${span}:${row.meterId}`;
          found.set(key, [...(found.get(key) ?? []), row]);
        }
      }
      return keys.map((key) => found.get(key) ?? []);
    }),
  };
}
