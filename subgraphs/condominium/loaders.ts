import DataLoader from 'dataloader';
import type { Database } from '../../lib/db.js';
import { almatyDate } from '../../lib/working-calendar.js';
import { type AssignmentRow, ManagementRepository } from './management-repository.js';
import { createServiceLoaders, type ServiceLoaders } from './service-loaders.js';

/**
 * One request's DataLoaders: one statement per relation, whatever the number of buildings
 * asked for. Keys are building ids as `parseId` returns them (lower case, as PostgreSQL
 * prints them), so the rows are matched to their keys by plain comparison.
 */
export interface Loaders {
  /** The assignment in force today (in Almaty) of each building; null when none is. */
  currentManagement: DataLoader<string, AssignmentRow | null>;
  /** Every assignment of each building, newest first; empty when it never had one. */
  managementHistory: DataLoader<string, AssignmentRow[]>;
  /** Planned works, owners' requests and contracts (service-loaders.ts). */
  services: ServiceLoaders;
}

export function createLoaders(db: Database): Loaders {
  const repository = new ManagementRepository(db);
  const today = almatyDate(new Date());
  return {
    services: createServiceLoaders(db),
    currentManagement: new DataLoader(async (buildingIds) => {
      const current = new Map((await repository.currentOf(buildingIds, today)).map((row) => [row.buildingId, row]));
      return buildingIds.map((id) => current.get(id) ?? null);
    }),
    managementHistory: new DataLoader(async (buildingIds) => {
      const history = new Map<string, AssignmentRow[]>(buildingIds.map((id) => [id, []]));
      for (const row of await repository.historyOf(buildingIds)) history.get(row.buildingId)?.push(row);
      return buildingIds.map((id) => history.get(id) ?? []);
    }),
  };
}
