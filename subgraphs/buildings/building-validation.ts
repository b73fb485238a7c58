import type { FieldProblem } from '../../lib/errors.js';
import { binProblem, iinProblem } from '../../lib/identification-number.js';
import { isKatoCode } from '../../lib/kato.js';
import type { buildings, ownerKind, premiseKind } from '../../schema/buildings.js';

/**
 * The rules of the building record (annex to the Rules, DOMAIN.md) as pure functions:
 * each returns every problem it finds, so a caller fixes its input in one pass.
 * Beyond the annex's types and the cross-field rules DOMAIN.md names, these rules are
 * ours (documented in docs/building-passport.md):
 * - field 2 continues after its 9-digit KATO code with nothing or more characters, and
 *   that code must lie in a territory we know;
 * - field 3 is 16 digits (the address register's codes are numeric);
 * - sane upper bounds: at most 100 lifts, 10,000 premises, 200 floors, 1,000 meters;
 *   year built from 1800; at least one floor;
 * - centralized sewerage (field 24) implies a sewer (field 25), as network gas (19)
 *   implies a gas pipeline (20);
 * - premises: the building's apartments, non-residential premises and all premises but
 *   storage rooms never exceed fields 15, 16 and 13; a floor lies between -10 and field 14.
 */

type BuildingRow = typeof buildings.$inferSelect;

/** The annex fields a caller places (all but 28, which only retirement sets). */
export type AnnexFields = Pick<
  BuildingRow,
  | 'cadastralNumber'
  | 'katoCode'
  | 'addressRegistrationCode'
  | 'purpose'
  | 'fundCategory'
  | 'condominiumRegistered'
  | 'hasTechnicalPassport'
  | 'balanceOwnership'
  | 'liftCount'
  | 'electricityConnected'
  | 'yearBuilt'
  | 'lastCapitalRepairDate'
  | 'totalPremisesCount'
  | 'floorCount'
  | 'apartmentCount'
  | 'nonResidentialPremisesCount'
  | 'heatingSupplyType'
  | 'heatingSupplyKind'
  | 'gasSupplyKind'
  | 'hasGasPipeline'
  | 'hotWaterSupplyType'
  | 'waterSupplyKind'
  | 'hasWaterPipeline'
  | 'sewerageKind'
  | 'hasSewer'
  | 'commonMeterCount'
  | 'condition'
  | 'barrierFree'
>;

export const annexFieldNames: (keyof AnnexFields)[] = [
  'cadastralNumber',
  'katoCode',
  'addressRegistrationCode',
  'purpose',
  'fundCategory',
  'condominiumRegistered',
  'hasTechnicalPassport',
  'balanceOwnership',
  'liftCount',
  'electricityConnected',
  'yearBuilt',
  'lastCapitalRepairDate',
  'totalPremisesCount',
  'floorCount',
  'apartmentCount',
  'nonResidentialPremisesCount',
  'heatingSupplyType',
  'heatingSupplyKind',
  'gasSupplyKind',
  'hasGasPipeline',
  'hotWaterSupplyType',
  'waterSupplyKind',
  'hasWaterPipeline',
  'sewerageKind',
  'hasSewer',
  'commonMeterCount',
  'condition',
  'barrierFree',
];

const limits = {
  cadastralNumberLength: 200,
  katoCodeLength: 500,
  addressRegistrationCodeLength: 16,
  liftCount: 100,
  earliestYearBuilt: 1800,
  premisesCount: 10_000,
  floorCount: 200,
  commonMeterCount: 1_000,
  registerExitReasonLength: 500,
  premiseNumberLength: 20,
  lowestFloor: -10,
  premiseArea: 100_000,
  ownerNameLength: 300,
  /** Premises in one addPremises call: 5 parameters each stays under Postgres's 65,535 per statement. */
  premisesPerCall: 5_000,
  /** Owners in one addPremises call, for the same reason. */
  ownersPerCall: 10_000,
} as const;

/** Today's date in Kazakhstan (UTC+5 across the country since 1 March 2024), YYYY-MM-DD. */
export function todayInKazakhstan(now: Date = new Date()): string {
  return new Date(now.getTime() + 5 * 3_600_000).toISOString().slice(0, 10);
}

/** The first 9 characters of field 2 when they are a KATO code: the territory that places the building. */
export function katoOf(katoCode: string): string | null {
  const code = katoCode.slice(0, 9);
  return isKatoCode(code) ? code : null;
}

export interface AnnexContext {
  /** YYYY-MM-DD in Kazakhstan, see `todayInKazakhstan`. */
  today: string;
  /** Whether a known territory contains the 9-digit code at the start of field 2. */
  katoKnown: boolean;
  /** Prefix of the field paths in problems. */
  path?: string;
}

function count(problems: FieldProblem[], field: string, label: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value)) problems.push({ field, message: `${label} must be a whole number.` });
  else if (value < min)
    problems.push({ field, message: `${label} must be ${min === 0 ? 'zero or more' : `at least ${min}`}; it is ${value}.` });
  else if (value > max) problems.push({ field, message: `${label} must be at most ${max}; it is ${value}.` });
}

/** Every problem of a building record; `record` is the whole record after the change. */
export function validateAnnexFields(record: AnnexFields & { registerExitReason?: unknown }, context: AnnexContext): FieldProblem[] {
  const at = (field: string) => `${context.path ?? 'input'}.${field}`;
  const problems: FieldProblem[] = [];
  const currentYear = Number(context.today.slice(0, 4));

  // Field 1.
  if (record.cadastralNumber.trim() === '') {
    problems.push({ field: at('cadastralNumber'), message: 'The cadastral number (field 1) must not be empty.' });
  } else if (record.cadastralNumber.length > limits.cadastralNumberLength) {
    problems.push({
      field: at('cadastralNumber'),
      message: `The cadastral number (field 1) must be at most ${limits.cadastralNumberLength} characters; it has ${record.cadastralNumber.length}.`,
    });
  }

  // Field 2.
  if (record.katoCode.length > limits.katoCodeLength) {
    problems.push({
      field: at('katoCode'),
      message: `The KATO code (field 2) must be at most ${limits.katoCodeLength} characters; it has ${record.katoCode.length}.`,
    });
  } else if (katoOf(record.katoCode) === null) {
    problems.push({
      field: at('katoCode'),
      message: 'The KATO code (field 2) must start with the 9-digit code of the territory, e.g. 751110000.',
    });
  } else if (!context.katoKnown) {
    problems.push({
      field: at('katoCode'),
      message: `The KATO code (field 2) starts with ${record.katoCode.slice(0, 9)}, which lies in no known territory; check the region and district digits.`,
    });
  }

  // Field 3.
  if (!/^\d{16}$/.test(record.addressRegistrationCode)) {
    problems.push({
      field: at('addressRegistrationCode'),
      message: `The address registration code (field 3) must be exactly ${limits.addressRegistrationCodeLength} digits, leading zeros included; it has ${record.addressRegistrationCode.length} characters.`,
    });
  }

  // Fields 9, 11, 13–16, 26.
  count(problems, at('liftCount'), 'The number of lifts (field 9)', record.liftCount, 0, limits.liftCount);
  count(problems, at('yearBuilt'), 'The year built (field 11)', record.yearBuilt, limits.earliestYearBuilt, currentYear);
  count(problems, at('totalPremisesCount'), 'The total number of premises (field 13)', record.totalPremisesCount, 0, limits.premisesCount);
  count(problems, at('floorCount'), 'The number of floors (field 14)', record.floorCount, 1, limits.floorCount);
  count(problems, at('apartmentCount'), 'The number of apartments (field 15)', record.apartmentCount, 0, limits.premisesCount);
  count(
    problems,
    at('nonResidentialPremisesCount'),
    'The number of non-residential premises (field 16)',
    record.nonResidentialPremisesCount,
    0,
    limits.premisesCount,
  );
  count(
    problems,
    at('commonMeterCount'),
    'The number of common-house meters (field 26)',
    record.commonMeterCount,
    0,
    limits.commonMeterCount,
  );

  // Fields 13, 15, 16 together, once each of them is a valid count on its own.
  const validCount = (value: number) => Number.isInteger(value) && value >= 0;
  if (
    validCount(record.totalPremisesCount) &&
    validCount(record.apartmentCount) &&
    validCount(record.nonResidentialPremisesCount) &&
    record.apartmentCount + record.nonResidentialPremisesCount > record.totalPremisesCount
  ) {
    problems.push({
      field: at('totalPremisesCount'),
      message: `The total number of premises (field 13) is ${record.totalPremisesCount}, fewer than the apartments (field 15) and non-residential premises (field 16) together, ${record.apartmentCount + record.nonResidentialPremisesCount}.`,
    });
  }

  // Field 12 against 11 and today.
  if (record.lastCapitalRepairDate !== null) {
    if (record.lastCapitalRepairDate > context.today) {
      problems.push({
        field: at('lastCapitalRepairDate'),
        message: `The last capital repair date (field 12) must not be in the future; today is ${context.today}.`,
      });
    } else if (Number.isInteger(record.yearBuilt) && Number(record.lastCapitalRepairDate.slice(0, 4)) < record.yearBuilt) {
      problems.push({
        field: at('lastCapitalRepairDate'),
        message: `The last capital repair date (field 12) must not be before the year built (field 11), ${record.yearBuilt}.`,
      });
    }
  }

  // Fields 17 and 18.
  if (record.heatingSupplyType === 'CENTRAL' && record.heatingSupplyKind === null) {
    problems.push({
      field: at('heatingSupplyKind'),
      message: 'The heating supply kind (field 18) is required when the heating supply type (field 17) is CENTRAL: choose OPEN or CLOSED.',
    });
  } else if (record.heatingSupplyType !== 'CENTRAL' && record.heatingSupplyKind !== null) {
    problems.push({
      field: at('heatingSupplyKind'),
      message: `The heating supply kind (field 18) applies only to central heating; leave it empty when the heating supply type (field 17) is ${record.heatingSupplyType}.`,
    });
  }

  // Fields 19 and 20.
  if (record.gasSupplyKind === 'NETWORK_NATURAL' && !record.hasGasPipeline) {
    problems.push({
      field: at('hasGasPipeline'),
      message:
        'A building supplied with network natural gas (field 19) has a gas pipeline: set field 20 to true, or choose another gas supply kind.',
    });
  }

  // Fields 24 and 25.
  if (record.sewerageKind === 'CENTRALIZED' && !record.hasSewer) {
    problems.push({
      field: at('hasSewer'),
      message: 'A building with centralized sewerage (field 24) has a sewer: set field 25 to true, or choose another sewerage kind.',
    });
  }

  // Field 28.
  if (record.registerExitReason !== undefined && record.registerExitReason !== null) {
    problems.push({
      field: at('registerExitReason'),
      message: 'The reason for leaving the register (field 28) is set only by retireBuilding.',
    });
  }

  return problems;
}

/** Field 28, given to retireBuilding. */
export function validateRetireReason(reason: string, field = 'reason'): FieldProblem[] {
  if (reason.trim() === '') return [{ field, message: 'The reason for leaving the register (field 28) must not be empty.' }];
  if (reason.length > limits.registerExitReasonLength) {
    return [
      {
        field,
        message: `The reason for leaving the register (field 28) must be at most ${limits.registerExitReasonLength} characters; it has ${reason.length}.`,
      },
    ];
  }
  return [];
}

export type PremiseKind = (typeof premiseKind.enumValues)[number];
export type OwnerKind = (typeof ownerKind.enumValues)[number];

export interface OwnerInput {
  kind: OwnerKind;
  identificationNumber: string;
  name: string;
  share: number;
}

export interface PremiseInput {
  kind: PremiseKind;
  number: string;
  floor: number | null;
  area: number | null;
  owners: OwnerInput[];
}

export interface PremisesContext {
  /** The building's fields 13–16. */
  building: Pick<AnnexFields, 'totalPremisesCount' | 'floorCount' | 'apartmentCount' | 'nonResidentialPremisesCount'>;
  /** The premises the building already has. */
  existing: { kind: PremiseKind; number: string }[];
  /** For IIN dates of birth. */
  now?: Date;
  path?: string;
  /**
   * Leave numbers the building already has to `takenPremises` (the write path reports a
   * duplicate as CONFLICT, as its unique index does); by default they are problems here.
   */
  skipTaken?: boolean;
}

const premiseKey = (premise: { kind: PremiseKind; number: string }) => `${premise.kind}\u0000${premise.number}`;

/** Premises of the call whose kind and number the building already has, with paths like `premises[2].number`. */
export function takenPremises(premises: PremiseInput[], existing: PremisesContext['existing'], path = 'premises'): FieldProblem[] {
  const taken = new Set(existing.map(premiseKey));
  return premises.flatMap((premise, index) =>
    taken.has(premiseKey(premise))
      ? [
          {
            field: `${path}[${index}].number`,
            message: `The building already has a premise of kind ${premise.kind} numbered "${premise.number}".`,
          },
        ]
      : [],
  );
}

/** Shares are decimals with 6 places in the database; a sum may exceed 1 by rounding only. */
const shareTolerance = 1e-6;

/** Every problem of premises to add to a building, with paths like `premises[2].owners[0].identificationNumber`. */
export function validatePremises(premises: PremiseInput[], context: PremisesContext): FieldProblem[] {
  const root = context.path ?? 'premises';
  const problems: FieldProblem[] = [];
  if (premises.length === 0) return [{ field: root, message: 'Give at least one premise to add.' }];
  if (premises.length > limits.premisesPerCall) {
    return [
      {
        field: root,
        message: `Add at most ${limits.premisesPerCall} premises in one call; split the ${premises.length} into several calls.`,
      },
    ];
  }
  const ownerTotal = premises.reduce((sum, premise) => sum + premise.owners.length, 0);
  if (ownerTotal > limits.ownersPerCall) {
    return [{ field: root, message: `Add at most ${limits.ownersPerCall} owners in one call; this call has ${ownerTotal}.` }];
  }

  const taken = new Set(context.skipTaken ? [] : context.existing.map(premiseKey));
  const seen = new Map<string, number>();
  premises.forEach((premise, index) => {
    const at = (field: string) => `${root}[${index}].${field}`;
    const key = premiseKey(premise);
    if (premise.number.trim() === '') {
      problems.push({ field: at('number'), message: 'The premise number must not be empty.' });
    } else if (premise.number.length > limits.premiseNumberLength) {
      problems.push({
        field: at('number'),
        message: `The premise number must be at most ${limits.premiseNumberLength} characters; it has ${premise.number.length}.`,
      });
    } else if (taken.has(key)) {
      problems.push({
        field: at('number'),
        message: `The building already has a premise of kind ${premise.kind} numbered "${premise.number}".`,
      });
    } else if (seen.has(key)) {
      problems.push({
        field: at('number'),
        message: `Premise ${seen.get(key)} of this call already has kind ${premise.kind} and number "${premise.number}".`,
      });
    } else {
      seen.set(key, index);
    }

    if (premise.floor !== null) {
      if (!Number.isInteger(premise.floor) || premise.floor < limits.lowestFloor || premise.floor > context.building.floorCount) {
        problems.push({
          field: at('floor'),
          message: `The floor must be a whole number from ${limits.lowestFloor} to the building's number of floors (field 14), ${context.building.floorCount}.`,
        });
      }
    }
    if (premise.area !== null && !(premise.area > 0 && premise.area <= limits.premiseArea)) {
      problems.push({ field: at('area'), message: `The area must be greater than 0 and at most ${limits.premiseArea} square metres.` });
    }

    let shares = 0;
    premise.owners.forEach((owner, ownerIndex) => {
      const ownerAt = (field: string) => `${at('owners')}[${ownerIndex}].${field}`;
      const idProblem =
        owner.kind === 'PERSON' ? iinProblem(owner.identificationNumber, context.now) : binProblem(owner.identificationNumber);
      if (idProblem) {
        problems.push({
          field: ownerAt('identificationNumber'),
          message: `${owner.kind === 'PERSON' ? 'A person is identified by IIN' : 'An organisation is identified by BIN'}: ${idProblem}`,
        });
      }
      if (owner.name.trim() === '') {
        problems.push({ field: ownerAt('name'), message: "The owner's name must not be empty." });
      } else if (owner.name.length > limits.ownerNameLength) {
        problems.push({ field: ownerAt('name'), message: `The owner's name must be at most ${limits.ownerNameLength} characters.` });
      }
      if (!(owner.share > 0 && owner.share <= 1)) {
        problems.push({ field: ownerAt('share'), message: 'An ownership share must be greater than 0 and at most 1.' });
      } else {
        shares += owner.share;
      }
    });
    if (shares > 1 + shareTolerance) {
      problems.push({
        field: at('owners'),
        message: `The owners' shares add up to ${Number(shares.toFixed(6))}; they must add up to at most 1.`,
      });
    }
  });

  // The premises list must stay within the building's counts from the address register.
  const counts = (kinds: PremiseKind[]) =>
    context.existing.filter((premise) => kinds.includes(premise.kind)).length +
    premises.filter((premise) => kinds.includes(premise.kind)).length;
  const apartments = counts(['APARTMENT']);
  if (apartments > context.building.apartmentCount) {
    problems.push({
      field: root,
      message: `The building would have ${apartments} apartments, more than its number of apartments (field 15), ${context.building.apartmentCount}; update the building first.`,
    });
  }
  const nonResidential = counts(['NON_RESIDENTIAL']);
  if (nonResidential > context.building.nonResidentialPremisesCount) {
    problems.push({
      field: root,
      message: `The building would have ${nonResidential} non-residential premises, more than field 16 allows, ${context.building.nonResidentialPremisesCount}; update the building first.`,
    });
  }
  const counted = counts(['APARTMENT', 'NON_RESIDENTIAL', 'PARKING_PLACE']);
  if (counted > context.building.totalPremisesCount) {
    problems.push({
      field: root,
      message: `The building would have ${counted} premises (apartments, non-residential, parking places), more than its total (field 13), ${context.building.totalPremisesCount}; update the building first.`,
    });
  }
  return problems;
}
