import type { GraphQLError } from 'graphql';
import type { Caller } from '../../lib/auth/caller.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { recheckGrants } from '../../lib/auth/recheck.js';
import { actorOf, grantsInTerritory } from '../../lib/auth/scope.js';
import type { Database, Transaction } from '../../lib/db.js';
import { badUserInput, conflict, notFound, uniqueViolation, type FieldProblem } from '../../lib/errors.js';
import { receiptFor, type PlacementSource, type Receipt } from '../../lib/receipts.js';
import {
  annexFieldNames, katoOf, todayInKazakhstan, validateAnnexFields, validatePremises, validateRetireReason,
  type AnnexFields, type PremiseInput,
} from './building-validation.js';
import { BuildingsRepository, type BuildingRow, type PremiseRow } from './buildings-repository.js';
import { isUuid } from '../../lib/uuid.js';

/**
 * The lifecycle of a building record (p.13): register, update, retire, confirm, add
 * premises. Each runs in one transaction that re-checks the caller's grants for the
 * building's territory (so a right ended meanwhile refuses the write), validates
 * everything, writes the record and its history, and issues the receipt of p.30, so a
 * refusal writes nothing.
 */

/** Who places the change and when it arrived (for the receipt), and the database to write it to. */
export interface Placement extends PlacementSource {
  db: Database;
}

export interface BuildingResult {
  building: BuildingRow;
  receipt: Receipt;
}

/** Annex fields whose column may hold null; the others cannot be cleared. */
const nullableFields = new Set<keyof AnnexFields>(['lastCapitalRepairDate', 'heatingSupplyKind']);

const uniqueIndexFields: Record<string, string> = {
  buildings_cadastral_number_key: 'input.cadastralNumber',
  buildings_address_registration_code_key: 'input.addressRegistrationCode',
  premises_building_kind_number_key: 'premises',
};

/** A unique index raced by a concurrent placement becomes the same error the pre-check gives. */
function uniqueIndexProblem(error: unknown): GraphQLError | null {
  const constraint = uniqueViolation(error)?.constraint;
  const field = constraint ? uniqueIndexFields[constraint] : undefined;
  return field ? badUserInput({ field, message: 'Another record already uses this value; it must be unique in the register.' }) : null;
}

async function inTransaction<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(work);
  } catch (error) {
    throw uniqueIndexProblem(error) ?? error;
  }
}

/** Problems of fields 1 and 3 being used by another building. */
async function uniquenessProblems(repository: BuildingsRepository, fields: AnnexFields, exceptId: string | null): Promise<FieldProblem[]> {
  const taken = await repository.takenUniqueFields(fields, exceptId);
  const problems: FieldProblem[] = [];
  if (taken.cadastralNumber) {
    problems.push({ field: 'input.cadastralNumber', message: 'Another building in the register already has this cadastral number (field 1).' });
  }
  if (taken.addressRegistrationCode) {
    problems.push({
      field: 'input.addressRegistrationCode',
      message: 'Another building in the register already has this address registration code (field 3).',
    });
  }
  return problems;
}

async function katoKnown(repository: BuildingsRepository, katoCode: string): Promise<boolean> {
  const kato = katoOf(katoCode);
  if (kato === null) return false;
  return (await repository.territoriesContaining([kato])).has(kato);
}

/**
 * Refuses the write unless a grant allowing `fn` in each territory is still in force,
 * checked inside the write's transaction (lib/auth/recheck.ts). The permission rule
 * decided from the caller the gateway resolved before the transaction began.
 */
async function recheckTerritories(tx: Transaction, caller: Caller, fn: AccessFunction, katoCodes: string[]): Promise<void> {
  for (const katoCode of new Set(katoCodes)) await recheckGrants(tx, caller, grantsInTerritory(caller, fn, katoCode));
}

/** The locked building, refusing a missing or retired one and a caller whose right does not reach it. */
async function lockForChange(
  tx: Transaction,
  repository: BuildingsRepository,
  caller: Caller,
  id: string,
  fn: AccessFunction,
  field: string,
): Promise<BuildingRow> {
  const building = isUuid(id) ? await repository.lockBuilding(id) : null;
  if (!building) throw notFound('The building', field);
  // The row may have moved to another territory since the permission rule read it.
  await recheckTerritories(tx, caller, fn, [building.katoCode]);
  if (building.status === 'RETIRED') throw conflict('The building has left the register; a retired record cannot be changed.', field);
  return building;
}

function annexOf(row: BuildingRow): AnnexFields {
  return Object.fromEntries(annexFieldNames.map((name) => [name, row[name]])) as unknown as AnnexFields;
}

export async function registerBuilding(placement: Placement, input: AnnexFields): Promise<BuildingResult> {
  const fields: AnnexFields = { ...input, lastCapitalRepairDate: input.lastCapitalRepairDate ?? null, heatingSupplyKind: input.heatingSupplyKind ?? null };
  return inTransaction(placement.db, async (tx) => {
    await recheckTerritories(tx, placement.caller, AccessFunction.BuildingRegisterMaintain, [fields.katoCode]);
    const repository = new BuildingsRepository(tx);
    const problems = validateAnnexFields(fields, { today: todayInKazakhstan(), katoKnown: await katoKnown(repository, fields.katoCode) });
    problems.push(...(await uniquenessProblems(repository, fields, null)));
    if (problems.length > 0) throw badUserInput(problems);
    const building = await repository.insertBuilding(fields, actorOf(placement.caller));
    const receipt = await receiptFor(tx, placement, 'buildings.registerBuilding', [building.id]);
    return { building, receipt };
  });
}

export async function updateBuilding(
  placement: Placement,
  id: string,
  expectedVersion: number | null | undefined,
  input: Partial<{ [K in keyof AnnexFields]: AnnexFields[K] | null }>,
): Promise<BuildingResult> {
  return inTransaction(placement.db, async (tx) => {
    const repository = new BuildingsRepository(tx);
    const before = await lockForChange(tx, repository, placement.caller, id, AccessFunction.BuildingRegisterMaintain, 'id');
    if (expectedVersion != null && expectedVersion !== before.version) {
      throw conflict(
        `The building was changed since version ${expectedVersion} (it is at version ${before.version}); reload it and apply your change again.`,
        'expectedVersion',
      );
    }
    const problems: FieldProblem[] = [];
    const patch: Partial<AnnexFields> = {};
    for (const name of annexFieldNames) {
      if (!(name in input) || input[name] === undefined) continue;
      const value = input[name];
      if (value === null && !nullableFields.has(name)) {
        problems.push({ field: `input.${name}`, message: `${name} cannot be cleared; give a value or leave it out.` });
        continue;
      }
      (patch as Record<string, unknown>)[name] = value;
    }
    const after = { ...annexOf(before), ...patch };
    if (patch.katoCode !== undefined) await recheckTerritories(tx, placement.caller, AccessFunction.BuildingRegisterMaintain, [after.katoCode]);
    // A KATO code kept as it was is not re-checked: the territory tree is not this change's business.
    const known = patch.katoCode === undefined ? true : await katoKnown(repository, after.katoCode);
    problems.push(...validateAnnexFields(after, { today: todayInKazakhstan(), katoKnown: known }));
    if (patch.cadastralNumber !== undefined || patch.addressRegistrationCode !== undefined) {
      problems.push(...(await uniquenessProblems(repository, after, before.id)));
    }
    if (problems.length > 0) throw badUserInput(problems);
    const building = await repository.updateBuilding(before, patch, 'UPDATED', actorOf(placement.caller));
    const receipt = await receiptFor(tx, placement, 'buildings.updateBuilding', [building.id]);
    return { building, receipt };
  });
}

export async function retireBuilding(placement: Placement, id: string, reason: string): Promise<BuildingResult> {
  return inTransaction(placement.db, async (tx) => {
    const repository = new BuildingsRepository(tx);
    const problems = validateRetireReason(reason);
    if (problems.length > 0) throw badUserInput(problems);
    const before = await lockForChange(tx, repository, placement.caller, id, AccessFunction.BuildingRegisterMaintain, 'id');
    const building = await repository.updateBuilding(
      before,
      { status: 'RETIRED', registerExitReason: reason, retiredAt: new Date() },
      'RETIRED',
      actorOf(placement.caller),
    );
    const receipt = await receiptFor(tx, placement, 'buildings.retireBuilding', [building.id]);
    return { building, receipt };
  });
}

export async function confirmBuilding(placement: Placement, id: string): Promise<BuildingResult> {
  return inTransaction(placement.db, async (tx) => {
    const repository = new BuildingsRepository(tx);
    const before = await lockForChange(tx, repository, placement.caller, id, AccessFunction.BuildingRegisterConfirm, 'id');
    const confirmedAt = new Date();
    const building = await repository.touchBuilding(id, { confirmedAt }, 'CONFIRMED', actorOf(placement.caller), {
      confirmedAt: { old: before.confirmedAt?.toISOString() ?? null, new: confirmedAt.toISOString() },
    });
    const receipt = await receiptFor(tx, placement, 'buildings.confirmBuilding', [building.id]);
    return { building, receipt };
  });
}

export interface PremisesResult extends BuildingResult {
  premises: PremiseRow[];
}

export async function addPremises(placement: Placement, buildingId: string, input: PremiseInput[]): Promise<PremisesResult> {
  return inTransaction(placement.db, async (tx) => {
    const repository = new BuildingsRepository(tx);
    const before = await lockForChange(tx, repository, placement.caller, buildingId, AccessFunction.PremisesMaintain, 'buildingId');
    const existing = await repository.premiseKeys(buildingId);
    const problems = validatePremises(input, { building: before, existing, now: new Date() });
    if (problems.length > 0) throw badUserInput(problems);
    const premises = await repository.insertPremises(buildingId, input);
    // History keeps counts only: owners' identities are personal data and stay out of the log.
    const building = await repository.touchBuilding(buildingId, {}, 'PREMISES_ADDED', actorOf(placement.caller), {
      premises: { old: existing.length, new: existing.length + premises.length },
    });
    const receipt = await receiptFor(tx, placement, 'buildings.addPremises', [buildingId, ...premises.map((premise) => premise.id)]);
    return { building, premises, receipt };
  });
}
