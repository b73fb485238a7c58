import DataLoader from 'dataloader';
import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { ManagementForm } from '../../schema/condominium.js';
import { type HouseCouncilMemberRow, HouseCouncilRepository } from './house-council-repository.js';
import { type AssignmentRow, ManagementRepository } from './management-repository.js';
import { type PublishedBuilding, RightsRepository } from './rights-repository.js';
import { createServiceLoaders, type ServiceLoaders } from './service-loaders.js';

/**
 * One request's DataLoaders: one statement per relation, whatever the number of buildings
 * asked for. Keys are building ids as `parseId` returns them (lower case, as PostgreSQL
 * prints them), so the rows are matched to their keys by plain comparison.
 *
 * They live for one request: the rights derived from them (`building-rights.ts`) are
 * computed afresh by every request, so an assignment that ended yesterday grants nothing today.
 */
export interface Loaders {
  /** The assignment in force today (in Almaty) of each building; null when none is. */
  currentManagement: DataLoader<string, AssignmentRow | null>;
  /** Every assignment of each building, newest first; empty when it never had one. */
  managementHistory: DataLoader<string, AssignmentRow[]>;
  /** The register's building (buildings subgraph, published view); null when no building has the id. */
  buildingById: DataLoader<string, PublishedBuilding | null>;
  /** Ids of the premises the caller owns in each building (by the IIN of the signed-in person); empty for anyone else. */
  callerPremisesIn: DataLoader<string, string[]>;
  /** Ids of every premises each person owns (by their IIN), ordered by building and premises id. */
  premisesOwnedByPerson: DataLoader<string, string[]>;
  /** The name of each managing organisation (OSI or company); null for anyone else. */
  organisationName: DataLoader<string, string | null>;
  /** The current house council of each building, the chair first. */
  houseCouncil: DataLoader<string, HouseCouncilMemberRow[]>;
  /** A house council membership by id; null when there is none. */
  houseCouncilMemberById: DataLoader<string, HouseCouncilMemberRow | null>;
  /** Buildings on the register under each territory (KATO code) by their form of management today; `null` counts those with none. */
  managementCounts: DataLoader<string, Map<ManagementForm | null, number>>;
  /** Planned works, owners' requests and contracts (service-loaders.ts). */
  services: ServiceLoaders;
}

export function createLoaders(db: Database, caller: Caller): Loaders {
  const repository = new ManagementRepository(db);
  const rights = new RightsRepository(db);
  const councils = new HouseCouncilRepository(db);
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
    buildingById: new DataLoader(async (ids) => {
      const found = new Map((await rights.buildings(ids)).map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    callerPremisesIn: new DataLoader(async (buildingIds) => {
      const owned = new Map<string, string[]>(buildingIds.map((id) => [id, []]));
      if (caller.kind === 'person') {
        for (const row of await rights.premisesOwnedBy(caller.personId, buildingIds)) owned.get(row.buildingId)?.push(row.premiseId);
      }
      return buildingIds.map((id) => owned.get(id) ?? []);
    }),
    premisesOwnedByPerson: new DataLoader(async (personIds) =>
      Promise.all(personIds.map(async (id) => (await rights.allPremisesOwnedBy(id)).map((row) => row.premiseId))),
    ),
    organisationName: new DataLoader(async (subjectIds) => {
      const names = new Map((await repository.organisationNames(subjectIds)).map((row) => [row.id, row.name]));
      return subjectIds.map((id) => names.get(id) ?? null);
    }),
    houseCouncil: new DataLoader(async (buildingIds) => {
      const members = new Map<string, HouseCouncilMemberRow[]>(buildingIds.map((id) => [id, []]));
      for (const row of await councils.currentOf(buildingIds)) members.get(row.buildingId)?.push(row);
      return buildingIds.map((id) => members.get(id) ?? []);
    }),
    houseCouncilMemberById: new DataLoader(async (ids) => {
      const found = new Map((await councils.byIds(ids)).map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    managementCounts: new DataLoader(async (katoCodes) => {
      const counts = new Map<string, Map<ManagementForm | null, number>>(katoCodes.map((code) => [code, new Map()]));
      for (const row of await repository.countsByTerritory(katoCodes, today)) counts.get(row.katoCode)?.set(row.form, row.buildings);
      return katoCodes.map((code) => counts.get(code) ?? new Map());
    }),
  };
}
