import { describe, expect, it } from 'vitest';
import { bin as binNumber, iin as iinNumber, validAnnexFieldValues } from '../../test/support/buildings-fixtures.js';
import {
  type AnnexFields,
  katoOf,
  type OwnerInput,
  type PremiseInput,
  type PremisesContext,
  todayInKazakhstan,
  validateAnnexFields,
  validatePremises,
  validateRetireReason,
} from './building-validation.js';

const today = '2026-07-12';
const context = { today, katoKnown: true };

const valid: AnnexFields = {
  ...validAnnexFieldValues,
  cadastralNumber: '20-311-005-123',
  katoCode: '751110000',
  addressRegistrationCode: '0200300400500607',
};

/** The problems of `valid` changed by `change`. */
function problemsOf(change: Partial<AnnexFields> & { registerExitReason?: unknown }, ctx: Partial<typeof context> = {}) {
  return validateAnnexFields({ ...valid, ...change }, { ...context, ...ctx });
}

describe('a valid building record', () => {
  it('has no problems', () => {
    expect(validateAnnexFields(valid, context)).toEqual([]);
  });
  it('may omit field 12 and, without central heating, field 18', () => {
    expect(problemsOf({ lastCapitalRepairDate: null, heatingSupplyType: 'AUTONOMOUS', heatingSupplyKind: null })).toEqual([]);
  });
  it('may continue field 2 after the 9-digit code, up to 500 characters', () => {
    expect(problemsOf({ katoCode: `751110000${'x'.repeat(491)}` })).toEqual([]);
  });
});

describe('field 1: cadastral number', () => {
  it('must not be empty', () => {
    expect(problemsOf({ cadastralNumber: '   ' })).toEqual([
      { field: 'input.cadastralNumber', message: 'The cadastral number (field 1) must not be empty.' },
    ]);
  });
  it('must be at most 200 characters', () => {
    expect(problemsOf({ cadastralNumber: '1'.repeat(200) })).toEqual([]);
    expect(problemsOf({ cadastralNumber: '1'.repeat(201) })).toEqual([
      { field: 'input.cadastralNumber', message: 'The cadastral number (field 1) must be at most 200 characters; it has 201.' },
    ]);
  });
});

describe('field 2: KATO code', () => {
  it('must be at most 500 characters', () => {
    expect(problemsOf({ katoCode: `751110000${'x'.repeat(492)}` })).toEqual([
      { field: 'input.katoCode', message: 'The KATO code (field 2) must be at most 500 characters; it has 501.' },
    ]);
  });
  it('must start with 9 digits', () => {
    expect(problemsOf({ katoCode: '75111000' })).toEqual([
      { field: 'input.katoCode', message: 'The KATO code (field 2) must start with the 9-digit code of the territory, e.g. 751110000.' },
    ]);
    expect(katoOf('75111000A')).toBeNull();
    expect(katoOf('751110000, Abai street 1')).toBe('751110000');
  });
  it('must lie in a known territory', () => {
    expect(problemsOf({ katoCode: '991110000' }, { katoKnown: false })).toEqual([
      {
        field: 'input.katoCode',
        message: 'The KATO code (field 2) starts with 991110000, which lies in no known territory; check the region and district digits.',
      },
    ]);
  });
});

describe('field 3: address registration code', () => {
  it('must be exactly 16 digits, leading zeros kept', () => {
    expect(problemsOf({ addressRegistrationCode: '0000000000000001' })).toEqual([]);
    for (const code of ['020030040050060', '02003004005006070', '020030040050060A']) {
      expect(problemsOf({ addressRegistrationCode: code })).toEqual([
        {
          field: 'input.addressRegistrationCode',
          message: `The address registration code (field 3) must be exactly 16 digits, leading zeros included; it has ${code.length} characters.`,
        },
      ]);
    }
  });
});

describe('counts: fields 9, 11, 13–16, 26', () => {
  const cases: [keyof AnnexFields, string, number, number, string][] = [
    ['liftCount', 'The number of lifts (field 9)', -1, 101, 'zero or more'],
    ['totalPremisesCount', 'The total number of premises (field 13)', -1, 10_001, 'zero or more'],
    ['floorCount', 'The number of floors (field 14)', 0, 201, 'at least 1'],
    ['apartmentCount', 'The number of apartments (field 15)', -1, 10_001, 'zero or more'],
    ['nonResidentialPremisesCount', 'The number of non-residential premises (field 16)', -1, 10_001, 'zero or more'],
    ['commonMeterCount', 'The number of common-house meters (field 26)', -1, 1_001, 'zero or more'],
  ];
  for (const [field, label, tooLow, tooHigh, lower] of cases) {
    it(`${field} has a lower and an upper bound and is whole`, () => {
      // Keep fields 13 ≥ 15 + 16 true so only the bound under test is reported.
      const base: Partial<AnnexFields> = { totalPremisesCount: 10_000, apartmentCount: 0, nonResidentialPremisesCount: 0 };
      expect(problemsOf({ ...base, [field]: tooLow })).toContainEqual({
        field: `input.${field}`,
        message: `${label} must be ${lower}; it is ${tooLow}.`,
      });
      expect(problemsOf({ ...base, [field]: tooHigh })).toContainEqual({
        field: `input.${field}`,
        message: `${label} must be at most ${tooHigh - 1}; it is ${tooHigh}.`,
      });
      expect(problemsOf({ ...base, [field]: 1.5 })).toContainEqual({
        field: `input.${field}`,
        message: `${label} must be a whole number.`,
      });
    });
  }
  it('field 11: year built from 1800 to the current year', () => {
    expect(problemsOf({ yearBuilt: 2026, lastCapitalRepairDate: null })).toEqual([]);
    expect(problemsOf({ yearBuilt: 2027, lastCapitalRepairDate: null })).toEqual([
      { field: 'input.yearBuilt', message: 'The year built (field 11) must be at most 2026; it is 2027.' },
    ]);
    expect(problemsOf({ yearBuilt: 1799 })).toEqual([
      { field: 'input.yearBuilt', message: 'The year built (field 11) must be at least 1800; it is 1799.' },
    ]);
  });
});

describe('fields 13, 15, 16: apartments plus non-residential premises never exceed the total', () => {
  it('accepts equality', () => {
    expect(problemsOf({ totalPremisesCount: 56, apartmentCount: 54, nonResidentialPremisesCount: 2 })).toEqual([]);
  });
  it('refuses more', () => {
    expect(problemsOf({ totalPremisesCount: 55, apartmentCount: 54, nonResidentialPremisesCount: 2 })).toEqual([
      {
        field: 'input.totalPremisesCount',
        message:
          'The total number of premises (field 13) is 55, fewer than the apartments (field 15) and non-residential premises (field 16) together, 56.',
      },
    ]);
  });
});

describe('field 12: last capital repair', () => {
  it('may be on 1 January of the year built and today', () => {
    expect(problemsOf({ lastCapitalRepairDate: '1975-01-01' })).toEqual([]);
    expect(problemsOf({ lastCapitalRepairDate: today })).toEqual([]);
  });
  it('must not be before the year built', () => {
    expect(problemsOf({ lastCapitalRepairDate: '1974-12-31' })).toEqual([
      {
        field: 'input.lastCapitalRepairDate',
        message: 'The last capital repair date (field 12) must not be before the year built (field 11), 1975.',
      },
    ]);
  });
  it('must not be in the future', () => {
    expect(problemsOf({ lastCapitalRepairDate: '2026-07-13' })).toEqual([
      {
        field: 'input.lastCapitalRepairDate',
        message: 'The last capital repair date (field 12) must not be in the future; today is 2026-07-12.',
      },
    ]);
  });
  it('today is taken in Kazakhstan (UTC+5)', () => {
    expect(todayInKazakhstan(new Date('2026-07-12T18:59:59Z'))).toBe('2026-07-12');
    expect(todayInKazakhstan(new Date('2026-07-12T19:00:00Z'))).toBe('2026-07-13');
  });
});

describe('fields 17 and 18: heating supply kind only with central heating', () => {
  it('is required when the type is CENTRAL', () => {
    expect(problemsOf({ heatingSupplyKind: null })).toEqual([
      {
        field: 'input.heatingSupplyKind',
        message:
          'The heating supply kind (field 18) is required when the heating supply type (field 17) is CENTRAL: choose OPEN or CLOSED.',
      },
    ]);
  });
  it('is refused with any other type', () => {
    for (const type of ['AUTONOMOUS', 'INDIVIDUAL_INSTALLATIONS', 'NONE'] as const) {
      expect(problemsOf({ heatingSupplyType: type, heatingSupplyKind: 'OPEN' })).toEqual([
        {
          field: 'input.heatingSupplyKind',
          message: `The heating supply kind (field 18) applies only to central heating; leave it empty when the heating supply type (field 17) is ${type}.`,
        },
      ]);
    }
  });
});

describe('fields 19 and 20: network gas implies a gas pipeline', () => {
  it('refuses network gas without a pipeline', () => {
    expect(problemsOf({ hasGasPipeline: false })).toEqual([
      {
        field: 'input.hasGasPipeline',
        message:
          'A building supplied with network natural gas (field 19) has a gas pipeline: set field 20 to true, or choose another gas supply kind.',
      },
    ]);
  });
  it('accepts other kinds without a pipeline', () => {
    expect(problemsOf({ gasSupplyKind: 'LIQUEFIED_CYLINDERS', hasGasPipeline: false })).toEqual([]);
  });
});

describe('fields 24 and 25: centralized sewerage implies a sewer', () => {
  it('refuses centralized sewerage without a sewer', () => {
    expect(problemsOf({ hasSewer: false })).toEqual([
      {
        field: 'input.hasSewer',
        message: 'A building with centralized sewerage (field 24) has a sewer: set field 25 to true, or choose another sewerage kind.',
      },
    ]);
  });
  it('accepts a septic tank without a sewer', () => {
    expect(problemsOf({ sewerageKind: 'SEPTIC', hasSewer: false })).toEqual([]);
  });
});

describe('field 28: reason for leaving the register', () => {
  it('is refused in a registration or update record', () => {
    expect(problemsOf({ registerExitReason: 'demolished' })).toEqual([
      { field: 'input.registerExitReason', message: 'The reason for leaving the register (field 28) is set only by retireBuilding.' },
    ]);
  });
  it('is required and at most 500 characters when retiring', () => {
    expect(validateRetireReason('Demolished under the renovation programme.')).toEqual([]);
    expect(validateRetireReason('x'.repeat(500))).toEqual([]);
    expect(validateRetireReason(' ')).toEqual([
      { field: 'reason', message: 'The reason for leaving the register (field 28) must not be empty.' },
    ]);
    expect(validateRetireReason('x'.repeat(501))).toEqual([
      { field: 'reason', message: 'The reason for leaving the register (field 28) must be at most 500 characters; it has 501.' },
    ]);
  });
});

describe('all problems at once', () => {
  it('lists every broken rule, in field order, under the given path', () => {
    const problems = validateAnnexFields(
      { ...valid, cadastralNumber: '', addressRegistrationCode: '1', liftCount: -3, heatingSupplyKind: null, hasSewer: false },
      { ...context, path: 'update' },
    );
    expect(problems.map((problem) => problem.field)).toEqual([
      'update.cadastralNumber',
      'update.addressRegistrationCode',
      'update.liftCount',
      'update.heatingSupplyKind',
      'update.hasSewer',
    ]);
  });
});

// Premises and owners.

const iin = iinNumber(1);
const bin = binNumber(12);

const building: PremisesContext['building'] = { totalPremisesCount: 10, floorCount: 5, apartmentCount: 6, nonResidentialPremisesCount: 2 };

function premise(change: Partial<PremiseInput> = {}): PremiseInput {
  return {
    kind: 'APARTMENT',
    number: '1',
    floor: 1,
    area: 54.3,
    owners: [{ kind: 'PERSON', identificationNumber: iin, name: 'Owner', share: 1 }],
    ...change,
  };
}
function owner(change: Partial<OwnerInput>): OwnerInput {
  return { kind: 'PERSON', identificationNumber: iin, name: 'Owner', share: 1, ...change };
}
const premisesContext: PremisesContext = { building, existing: [], now: new Date('2026-07-12T00:00:00Z') };

describe('premises', () => {
  it('accepts valid premises with persons and organisations', () => {
    expect(
      validatePremises(
        [
          premise(),
          premise({ number: '2', owners: [owner({ share: 0.5 }), owner({ kind: 'ORGANISATION', identificationNumber: bin, share: 0.5 })] }),
        ],
        premisesContext,
      ),
    ).toEqual([]);
  });
  it('needs at least one premise', () => {
    expect(validatePremises([], premisesContext)).toEqual([{ field: 'premises', message: 'Give at least one premise to add.' }]);
  });
  it('takes at most 5,000 premises per call', () => {
    const many = Array.from({ length: 5001 }, (_, i) => premise({ number: String(i), owners: [] }));
    expect(validatePremises(many, premisesContext)).toEqual([
      { field: 'premises', message: 'Add at most 5000 premises in one call; split the 5001 into several calls.' },
    ]);
  });
  it('takes at most 10,000 owners per call', () => {
    const owners = Array.from({ length: 2001 }, () => owner({ share: 0.0001 }));
    const many = Array.from({ length: 5 }, (_, i) => premise({ number: String(i), owners }));
    expect(validatePremises(many, premisesContext)).toEqual([
      { field: 'premises', message: 'Add at most 10000 owners in one call; this call has 10005.' },
    ]);
  });
  it('needs a number of 1 to 20 characters', () => {
    expect(validatePremises([premise({ number: ' ' })], premisesContext)).toEqual([
      { field: 'premises[0].number', message: 'The premise number must not be empty.' },
    ]);
    expect(validatePremises([premise({ number: '1'.repeat(21) })], premisesContext)).toEqual([
      { field: 'premises[0].number', message: 'The premise number must be at most 20 characters; it has 21.' },
    ]);
  });
  it('refuses a number the building already has for that kind, or that the call repeats', () => {
    expect(validatePremises([premise({ number: '7' })], { ...premisesContext, existing: [{ kind: 'APARTMENT', number: '7' }] })).toEqual([
      { field: 'premises[0].number', message: 'The building already has a premise of kind APARTMENT numbered "7".' },
    ]);
    expect(validatePremises([premise(), premise({ owners: [] })], premisesContext)).toEqual([
      { field: 'premises[1].number', message: 'Premise 0 of this call already has kind APARTMENT and number "1".' },
    ]);
    // The same number for another kind is another premise.
    expect(validatePremises([premise(), premise({ kind: 'PARKING_PLACE' })], premisesContext)).toEqual([]);
  });
  it('needs a floor from -10 to the number of floors', () => {
    expect(validatePremises([premise({ floor: -10 }), premise({ number: '2', floor: 5 })], premisesContext)).toEqual([]);
    const message = "The floor must be a whole number from -10 to the building's number of floors (field 14), 5.";
    expect(validatePremises([premise({ floor: -11 })], premisesContext)).toEqual([{ field: 'premises[0].floor', message }]);
    expect(validatePremises([premise({ floor: 6 })], premisesContext)).toEqual([{ field: 'premises[0].floor', message }]);
  });
  it('needs an area above 0 and at most 100,000 m²', () => {
    const message = 'The area must be greater than 0 and at most 100000 square metres.';
    expect(validatePremises([premise({ area: 0 })], premisesContext)).toEqual([{ field: 'premises[0].area', message }]);
    expect(validatePremises([premise({ area: 100_000.01 })], premisesContext)).toEqual([{ field: 'premises[0].area', message }]);
    expect(validatePremises([premise({ area: null })], premisesContext)).toEqual([]);
  });
  it("checks a person's IIN, including its check digit, and never echoes it", () => {
    const wrong = iin.slice(0, 11) + ((Number(iin[11]) + 1) % 10);
    const problems = validatePremises([premise({ owners: [owner({ identificationNumber: wrong })] })], premisesContext);
    expect(problems).toEqual([
      {
        field: 'premises[0].owners[0].identificationNumber',
        message: 'A person is identified by IIN: An IIN has a wrong check digit; check it for a typing mistake.',
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain(wrong);
  });
  it("checks an organisation's BIN; an IIN is not a BIN", () => {
    expect(validatePremises([premise({ owners: [owner({ kind: 'ORGANISATION', identificationNumber: iin })] })], premisesContext)).toEqual([
      {
        field: 'premises[0].owners[0].identificationNumber',
        message: 'An organisation is identified by BIN: The 5th digit of a BIN (kind of entity) must be 4, 5 or 6.',
      },
    ]);
  });
  it("needs the owner's name, at most 300 characters, never echoed", () => {
    expect(validatePremises([premise({ owners: [owner({ name: '' })] })], premisesContext)).toEqual([
      { field: 'premises[0].owners[0].name', message: "The owner's name must not be empty." },
    ]);
    expect(validatePremises([premise({ owners: [owner({ name: 'N'.repeat(301) })] })], premisesContext)).toEqual([
      { field: 'premises[0].owners[0].name', message: "The owner's name must be at most 300 characters." },
    ]);
  });
  it('needs each share in (0, 1] and their sum at most 1', () => {
    const message = 'An ownership share must be greater than 0 and at most 1.';
    expect(validatePremises([premise({ owners: [owner({ share: 0 })] })], premisesContext)).toEqual([
      { field: 'premises[0].owners[0].share', message },
    ]);
    expect(validatePremises([premise({ owners: [owner({ share: 1.2 })] })], premisesContext)).toEqual([
      { field: 'premises[0].owners[0].share', message },
    ]);
    expect(validatePremises([premise({ owners: [owner({ share: 0.6 }), owner({ share: 0.6 })] })], premisesContext)).toEqual([
      { field: 'premises[0].owners', message: "The owners' shares add up to 1.2; they must add up to at most 1." },
    ]);
    expect(
      validatePremises([premise({ owners: [owner({ share: 1 / 3 }), owner({ share: 1 / 3 }), owner({ share: 1 / 3 })] })], premisesContext),
    ).toEqual([]);
  });
  it("keeps the building's apartments within field 15, non-residential within 16, and all but storage rooms within 13", () => {
    const apartments = Array.from({ length: 7 }, (_, i) => premise({ number: String(i), owners: [] }));
    expect(validatePremises(apartments, premisesContext)).toEqual([
      {
        field: 'premises',
        message: 'The building would have 7 apartments, more than its number of apartments (field 15), 6; update the building first.',
      },
    ]);
    const shops = Array.from({ length: 2 }, (_, i) => premise({ kind: 'NON_RESIDENTIAL', number: String(i), owners: [] }));
    expect(validatePremises(shops, { ...premisesContext, existing: [{ kind: 'NON_RESIDENTIAL', number: 'A' }] })).toEqual([
      {
        field: 'premises',
        message: 'The building would have 3 non-residential premises, more than field 16 allows, 2; update the building first.',
      },
    ]);
    const parking = Array.from({ length: 11 }, (_, i) => premise({ kind: 'PARKING_PLACE', number: String(i), owners: [] }));
    expect(validatePremises(parking, premisesContext)).toEqual([
      {
        field: 'premises',
        message:
          'The building would have 11 premises (apartments, non-residential, parking places), more than its total (field 13), 10; update the building first.',
      },
    ]);
    const storage = Array.from({ length: 30 }, (_, i) => premise({ kind: 'STORAGE_ROOM', number: String(i), owners: [] }));
    expect(validatePremises(storage, premisesContext)).toEqual([]);
  });
});
