import type { Caller } from '../../lib/auth/caller.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { actorOf, grantsInTerritory } from '../../lib/auth/scope.js';
import type { ChangeDeclaration, ChangeOperation } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, forbidden, notFound } from '../../lib/errors.js';
import type { ConflictMessages } from '../../lib/write.js';
import {
  type AnnexFields,
  annexFieldNames,
  katoOf,
  type PremiseInput,
  takenPremises,
  todayInKazakhstan,
  validateAnnexFields,
  validatePremises,
  validateRetireReason,
} from './building-validation.js';
import { type BuildingRow, BuildingsRepository } from './buildings-repository.js';
import { type PremiseRow, PremisesRepository } from './premises-repository.js';
import { TerritoriesRepository } from './territories-repository.js';

/**
 * The lifecycle of a building record (p.13): register, update, retire, confirm, add
 * premises. Each method runs inside the write path's transaction (`placeWrite`), after
 * the rule's reliances were re-checked and locked: it decides on the specific building
 * (does it exist, is it still where the rule saw it, is it still on the register),
 * validates everything against the database, and writes the record and its history.
 * A refusal throws before anything is written.
 */

/** Who changes the register, and which of their grants the write path found in force. */
export interface Acting {
  caller: Caller;
  /** Ids of the caller's grants the re-check found in force (locked FOR SHARE until commit). */
  grantsInForce: readonly string[];
}

/** The annex fields of a registration as the API gives them: optional fields may be absent. */
export type RegistrationInput = Omit<AnnexFields, 'lastCapitalRepairDate' | 'heatingSupplyKind'> &
  Partial<Pick<AnnexFields, 'lastCapitalRepairDate' | 'heatingSupplyKind'>>;

/** The annex fields an update changes: absent fields keep their values, null clears a nullable one. */
export type UpdateInput = Partial<{ [K in keyof AnnexFields]: AnnexFields[K] | null }>;

const messages = {
  cadastralNumberTaken: 'Another building in the register already has this cadastral number (field 1).',
  addressRegistrationCodeTaken: 'Another building in the register already has this address registration code (field 3).',
  retired: 'The building has left the register; a retired record cannot be changed.',
} as const;

/** The unique indexes of the register, reported as the pre-checks below report them when a concurrent placement took the value first. */
export const registerConflicts: ConflictMessages = {
  buildings_cadastral_number_key: { message: messages.cadastralNumberTaken, field: 'input.cadastralNumber' },
  buildings_address_registration_code_key: { message: messages.addressRegistrationCodeTaken, field: 'input.addressRegistrationCode' },
  premises_building_kind_number_key: {
    message: 'A premise of the same kind and number was added to the building meanwhile; reload its premises and add the others.',
    field: 'premises',
  },
};

/** A change of a building for the feed (p.32), located at its KATO code. */
export function buildingChange(building: BuildingRow, operation: ChangeOperation): ChangeDeclaration {
  return { type: 'BUILDING', id: building.id, operation, katoCode: building.katoCode };
}

/** Premises added to a building, for the feed: each located where the building is. */
export function premiseChanges(building: BuildingRow, premises: readonly PremiseRow[]): ChangeDeclaration[] {
  return premises.map((premise) => ({ type: 'PREMISE', id: premise.id, operation: 'CREATED', katoCode: building.katoCode }));
}

/** Annex fields whose column may hold null; the others cannot be cleared. */
const nullableFields = new Set<keyof AnnexFields>(['lastCapitalRepairDate', 'heatingSupplyKind']);

function annexOf(row: BuildingRow): AnnexFields {
  return Object.fromEntries(annexFieldNames.map((name) => [name, row[name]])) as unknown as AnnexFields;
}

export class BuildingRegisterManager {
  private readonly buildings: BuildingsRepository;
  private readonly premises: PremisesRepository;
  private readonly territories: TerritoriesRepository;
  private readonly changedBy: string;

  constructor(
    executor: Executor,
    private readonly acting: Acting,
  ) {
    this.buildings = new BuildingsRepository(executor);
    this.premises = new PremisesRepository(executor);
    this.territories = new TerritoriesRepository(executor);
    this.changedBy = actorOf(acting.caller);
  }

  async register(input: RegistrationInput): Promise<BuildingRow> {
    const fields: AnnexFields = {
      ...input,
      cadastralNumber: input.cadastralNumber.trim(),
      lastCapitalRepairDate: input.lastCapitalRepairDate ?? null,
      heatingSupplyKind: input.heatingSupplyKind ?? null,
    };
    this.ensureReaches(AccessFunction.BuildingRegisterMaintain, fields.katoCode);
    const problems = validateAnnexFields(fields, { today: todayInKazakhstan(), katoKnown: await this.katoKnown(fields.katoCode) });
    if (problems.length > 0) throw badUserInput(problems);
    await this.ensureUnique(fields, null);
    return this.buildings.insert(fields, this.changedBy);
  }

  async update(id: string, expectedVersion: number | null | undefined, input: UpdateInput): Promise<BuildingRow> {
    const before = await this.lockForChange(id, AccessFunction.BuildingRegisterMaintain, 'id');
    if (expectedVersion != null && expectedVersion !== before.version) {
      throw conflict(
        `The building was changed since version ${expectedVersion} (it is at version ${before.version}); reload it and apply your change again.`,
        'expectedVersion',
      );
    }
    const problems: FieldProblem[] = [];
    const patch: Partial<AnnexFields> = {};
    for (const name of annexFieldNames) {
      const value = input[name];
      if (value === undefined) continue;
      if (value === null && !nullableFields.has(name)) {
        problems.push({ field: `input.${name}`, message: `${name} cannot be cleared; give a value or leave it out.` });
        continue;
      }
      (patch as Record<string, unknown>)[name] = name === 'cadastralNumber' ? String(value).trim() : value;
    }
    const after = { ...annexOf(before), ...patch };
    const moves = patch.katoCode !== undefined && patch.katoCode !== before.katoCode;
    // A move needs the right where the building goes too (the rule relied on grants there as well).
    if (moves) this.ensureReaches(AccessFunction.BuildingRegisterMaintain, after.katoCode);
    // A KATO code kept as it was is not re-checked: the territory tree is not this change's business.
    const katoKnown = moves ? await this.katoKnown(after.katoCode) : true;
    problems.push(...validateAnnexFields(after, { today: todayInKazakhstan(), katoKnown }));
    if (problems.length > 0) throw badUserInput(problems);
    if (patch.cadastralNumber !== undefined || patch.addressRegistrationCode !== undefined) await this.ensureUnique(after, before.id);
    return this.buildings.update(before, patch, 'UPDATED', this.changedBy);
  }

  async retire(id: string, reason: string): Promise<BuildingRow> {
    const problems = validateRetireReason(reason);
    if (problems.length > 0) throw badUserInput(problems);
    const before = await this.lockForChange(id, AccessFunction.BuildingRegisterMaintain, 'id');
    return this.buildings.update(
      before,
      { status: 'RETIRED', registerExitReason: reason, retiredAt: new Date() },
      'RETIRED',
      this.changedBy,
    );
  }

  /** The yearly confirmation of p.13. */
  async confirm(id: string): Promise<BuildingRow> {
    const before = await this.lockForChange(id, AccessFunction.BuildingRegisterConfirm, 'id');
    const confirmedAt = new Date();
    return this.buildings.touch(id, { confirmedAt }, 'CONFIRMED', this.changedBy, {
      confirmedAt: { old: before.confirmedAt?.toISOString() ?? null, new: confirmedAt.toISOString() },
    });
  }

  /** Adds premises with their owners, all or none. */
  async addPremises(buildingId: string, input: PremiseInput[]): Promise<{ building: BuildingRow; premises: PremiseRow[] }> {
    const before = await this.lockForChange(buildingId, AccessFunction.PremisesMaintain, 'buildingId');
    const existing = await this.premises.keysOfBuilding(buildingId);
    const problems = validatePremises(input, { building: before, existing, now: new Date(), skipTaken: true });
    if (problems.length > 0) throw badUserInput(problems);
    const taken = takenPremises(input, existing);
    if (taken.length > 0) {
      const [first] = taken as [FieldProblem, ...FieldProblem[]];
      throw conflict(
        taken.length === 1
          ? first.message
          : `${taken.length} premises already exist in the building: ${taken.map((problem) => problem.message).join(' ')}`,
        first.field,
      );
    }
    const premises = await this.premises.insert(buildingId, input);
    // History keeps counts only: owners' identities are personal data and stay out of the log.
    const building = await this.buildings.touch(buildingId, {}, 'PREMISES_ADDED', this.changedBy, {
      premises: { old: existing.length, new: existing.length + premises.length },
    });
    return { building, premises };
  }

  /**
   * Refuses the change unless one of the caller's grants in force allows `fn` at `katoCode`.
   * The rule relied on grants for where it saw the building; this decides on where the
   * locked building is now (it may have moved in between) with the grants the write path
   * re-checked and locked.
   */
  private ensureReaches(fn: AccessFunction, katoCode: string): void {
    const inForce = new Set(this.acting.grantsInForce);
    if (!grantsInTerritory(this.acting.caller, fn, katoCode).some((grant) => inForce.has(grant.grantId))) {
      throw forbidden(`Your access right does not allow ${fn} in the territory of this building; nothing was written.`);
    }
  }

  /** The locked building, refusing a missing or retired one and a caller whose right does not reach it. */
  private async lockForChange(id: string, fn: AccessFunction, field: string): Promise<BuildingRow> {
    const building = await this.buildings.lock(id);
    if (!building) throw notFound('The building', field);
    this.ensureReaches(fn, building.katoCode);
    if (building.status === 'RETIRED') throw conflict(messages.retired, field);
    return building;
  }

  private async katoKnown(katoCode: string): Promise<boolean> {
    const kato = katoOf(katoCode);
    if (kato === null) return false;
    return (await this.territories.containing([kato])).has(kato);
  }

  /**
   * Fields 1 and 3 are unique in the register, field 1 regardless of case and surrounding
   * spaces: a duplicate is CONFLICT, as the unique indexes report a concurrent one. The
   * cadastral number is locked until commit first, since the index compares exact values.
   */
  private async ensureUnique(fields: AnnexFields, exceptId: string | null): Promise<void> {
    await this.buildings.lockCadastralNumber(fields.cadastralNumber);
    const taken = await this.buildings.takenUniqueFields(fields, exceptId);
    if (taken.cadastralNumber && taken.addressRegistrationCode) {
      throw conflict(`${messages.cadastralNumberTaken} ${messages.addressRegistrationCodeTaken}`, 'input.cadastralNumber');
    }
    if (taken.cadastralNumber) throw conflict(messages.cadastralNumberTaken, 'input.cadastralNumber');
    if (taken.addressRegistrationCode) throw conflict(messages.addressRegistrationCodeTaken, 'input.addressRegistrationCode');
  }
}
