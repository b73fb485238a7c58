import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import { almatyDate } from '../../lib/working-calendar.js';
import { ManagementRepository, type AssignmentRow } from './management-repository.js';

export interface CondominiumLoaders {
  currentManagement: DataLoader<string, AssignmentRow | null>;
  managementHistory: DataLoader<string, AssignmentRow[]>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createLoaders(db: Database, _caller: Caller): CondominiumLoaders {
  const repository = new ManagementRepository(db);
  return {
    currentManagement: new DataLoader(async (ids) => {
      const rows = await repository.currentOf(ids.filter((id) => uuid.test(id)), almatyDate(new Date()));
      const byBuilding = new Map(rows.map((row) => [row.buildingId, row]));
      return ids.map((id) => byBuilding.get(id) ?? null);
    }),
    managementHistory: new DataLoader(async (ids) => {
      const byBuilding = new Map<string, AssignmentRow[]>();
      for (const row of await repository.historyOf(ids.filter((id) => uuid.test(id)))) {
        const list = byBuilding.get(row.buildingId) ?? [];
        list.push(row);
        byBuilding.set(row.buildingId, list);
      }
      return ids.map((id) => byBuilding.get(id) ?? []);
    }),
  };
}
