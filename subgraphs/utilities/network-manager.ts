import type { Caller } from '../../lib/auth/caller.js';
import { grantsOf } from '../../lib/auth/caller.js';
import { AccessFunction, SubjectKind } from '../../lib/auth/functions.js';
import { hasNationalFunction, katoPrefix, subjectsFor } from '../../lib/auth/scope.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, notFound } from '../../lib/errors.js';
import { isKatoCode } from '../../lib/kato.js';
import { isUuid } from '../../lib/uuid.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { NetworkKind, UtilityService } from '../../schema/utilities.js';
import { type NetworkInput, NetworkRepository, type NetworkRow, type NetworkScope } from './network-repository.js';
import { ReferencesRepository } from './references-repository.js';
import { SupplierManager } from './supplier-manager.js';

/** `EngineeringNetworkInput` as the client sends it. */
export interface EngineeringNetworkInput {
  kind: NetworkKind;
  name: string;
  territoryKato: string;
  lengthKm?: string | null;
  yearCommissioned: number;
  wearPercent: string;
  lastRepairOn?: string | null;
  buildingIds: string[];
}

/** The service a network carries: its owner must supply it. */
export const serviceOfNetwork: Record<NetworkKind, UtilityService> = {
  HEAT: 'HEAT',
  WATER: 'WATER_SUPPLY',
  SEWERAGE: 'SEWERAGE',
  SEWAGE_TREATMENT: 'SEWERAGE',
  ELECTRICITY: 'ELECTRICITY',
  GAS: 'GAS',
};

const MAX_BUILDINGS = 10_000;
/** Networks older than this are not in the register's scope (and a typo more likely). */
const EARLIEST_YEAR = 1850;

/**
 * Whose served buildings a caller reads, once per request: national bodies with
 * ANALYTICS_READ all; a supplier the networks it keeps (ENGINEERING_NETWORKS_MAINTAIN for it);
 * a local executive body those in its territory, whatever its function.
 */
export function networkScopeOf(caller: Caller): NetworkScope {
  return {
    all: hasNationalFunction(caller, AccessFunction.AnalyticsRead),
    ownerSubjects: new Set(subjectsFor(caller, AccessFunction.EngineeringNetworksMaintain)),
    territories: grantsOf(caller).flatMap((grant) =>
      grant.subjectKind === SubjectKind.LocalExecutiveBody && grant.territoryKato ? [katoPrefix(grant.territoryKato)] : [],
    ),
  };
}

/** Whether the caller reads the buildings of any network at all. */
export function readsAnyNetworkLinks(scope: NetworkScope): boolean {
  return scope.all || scope.ownerSubjects.size > 0 || scope.territories.length > 0;
}

/** Whether the caller reads which buildings this network serves. */
export function readsLinksOf(scope: NetworkScope, network: Pick<NetworkRow, 'supplierSubjectId' | 'territoryKato'>): boolean {
  return (
    scope.all ||
    scope.ownerSubjects.has(network.supplierSubjectId) ||
    scope.territories.some((prefix) => network.territoryKato.startsWith(prefix))
  );
}

/** Checks a network in memory against the owner's services and today (Kazakhstan), listing every problem. */
export function validateNetwork(input: EngineeringNetworkInput, offered: readonly UtilityService[], now: Date): NetworkInput {
  const today = almatyDate(now);
  const year = Number(today.slice(0, 4));
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field: `input.${field}`, message: `input.${field} ${message}` });
  const name = input.name.trim();
  const lengthKm = input.lengthKm ?? null;
  const lastRepairOn = input.lastRepairOn ?? null;
  if (!offered.includes(serviceOfNetwork[input.kind]))
    add('kind', `carries ${serviceOfNetwork[input.kind]}, which the owner does not supply (its passport lists ${offered.join(', ')}).`);
  if (name.length === 0 || name.length > 300) add('name', 'must be 1 to 300 characters.');
  if (!isKatoCode(input.territoryKato)) add('territoryKato', 'must be a 9-digit KATO code.');
  if (lengthKm !== null && !/^\d{1,7}(\.\d{1,3})?$/.test(lengthKm))
    add('lengthKm', 'must be a non-negative decimal with up to 3 decimal places.');
  if (!Number.isInteger(input.yearCommissioned) || input.yearCommissioned < EARLIEST_YEAR || input.yearCommissioned > year)
    add('yearCommissioned', `must be a year from ${EARLIEST_YEAR} to this year.`);
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(input.wearPercent) || Number(input.wearPercent) > 100)
    add('wearPercent', 'must be a decimal from 0 to 100 with up to 2 decimal places.');
  if (lastRepairOn !== null && lastRepairOn > today) add('lastRepairOn', 'must not be in the future.');
  else if (lastRepairOn !== null && Number(lastRepairOn.slice(0, 4)) < input.yearCommissioned)
    add('lastRepairOn', 'must not be before the year the network was commissioned.');
  if (input.buildingIds.length > MAX_BUILDINGS) add('buildingIds', `must list at most ${MAX_BUILDINGS} buildings.`);
  const buildingIds = input.buildingIds.map((id) => id.toLowerCase());
  buildingIds.forEach((id, index) => {
    if (!isUuid(id)) add(`buildingIds[${index}]`, 'must be an id (a UUID) of a building of the register.');
    else if (buildingIds.indexOf(id) !== index) add(`buildingIds[${index}]`, 'repeats a building listed before.');
  });
  if (problems.length > 0) throw badUserInput(problems);
  return {
    kind: input.kind,
    name,
    territoryKato: input.territoryKato,
    lengthKm,
    yearCommissioned: input.yearCommissioned,
    wearPercent: input.wearPercent,
    lastRepairOn,
    buildingIds,
  };
}

/** Engineering networks (category 15), each kept by its owner. */
export class NetworkManager {
  constructor(private readonly executor: Executor) {}

  /** Places a new network of `supplierId`; returns it as stored. */
  async place(supplierId: string, input: EngineeringNetworkInput, now: Date): Promise<NetworkRow> {
    const owner = await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    const network = validateNetwork(input, owner.services, now);
    await this.checkBuildings(network.buildingIds);
    const repository = new NetworkRepository(this.executor);
    return this.stored(await repository.insert(supplierId, network));
  }

  /** Replaces a network's figures and buildings; a stale `expectedVersion` is CONFLICT. */
  async update(id: string, input: EngineeringNetworkInput, expectedVersion: number | null | undefined, now: Date): Promise<NetworkRow> {
    const repository = new NetworkRepository(this.executor);
    const [existing] = await repository.byIds([id]);
    if (!existing) throw notFound('The engineering network', 'id');
    const owner = await new SupplierManager(this.executor).existing(existing.supplierId, 'id');
    const network = validateNetwork(input, owner.services, now);
    const version = await repository.lockVersion(id);
    if (expectedVersion != null && expectedVersion !== version) {
      throw conflict(
        `The network was changed since version ${expectedVersion} (it is at version ${version}); reload it and apply your change again.`,
        'expectedVersion',
      );
    }
    await this.checkBuildings(network.buildingIds);
    await repository.replace(id, network);
    return this.stored(id);
  }

  /** The network as this transaction sees it: a testing-stand answer is read before its rollback. */
  private async stored(id: string): Promise<NetworkRow> {
    const [row] = await new NetworkRepository(this.executor).byIds([id]);
    if (!row) throw new Error('The network written is not there.');
    return row;
  }

  private async checkBuildings(buildingIds: readonly string[]): Promise<void> {
    const known = await new ReferencesRepository(this.executor).existingBuildings(buildingIds);
    const unknown = buildingIds.flatMap((id, index) =>
      known.has(id)
        ? []
        : [{ field: `input.buildingIds[${index}]`, message: `input.buildingIds[${index}] is not the id of a building of the register.` }],
    );
    if (unknown.length > 0) throw badUserInput(unknown);
  }
}
