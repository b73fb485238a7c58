import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import { isUuid } from '../../lib/uuid.js';
import { almatyDate } from '../../lib/working-calendar.js';
import { ManagementRepository, type AssignmentRow } from './management-repository.js';

export interface CondominiumLoaders {
  currentManagement: DataLoader<string, AssignmentRow | null>;
  managementHistory: DataLoader<string, AssignmentRow[]>;
}

// Postgres prints UUIDs in lower case but reads any case: results are matched to keys in
// lower case, so a building id given in upper case still finds its rows.

export function createLoaders(db: Database, _caller: Caller): CondominiumLoaders {
  const repository = new ManagementRepository(db);
  return {
    currentManagement: new DataLoader(async (ids) => {
      const rows = await repository.currentOf(ids.filter(isUuid), almatyDate(new Date()));
      const byBuilding = new Map(rows.map((row) => [row.buildingId, row]));
      return ids.map((id) => byBuilding.get(id.toLowerCase()) ?? null);
    }),
    managementHistory: new DataLoader(async (ids) => {
      const byBuilding = new Map<string, AssignmentRow[]>();
      for (const row of await repository.historyOf(ids.filter(isUuid))) {
        const list = byBuilding.get(row.buildingId) ?? [];
        list.push(row);
        byBuilding.set(row.buildingId, list);
      }
      return ids.map((id) => byBuilding.get(id.toLowerCase()) ?? []);
    }),
  };
}
