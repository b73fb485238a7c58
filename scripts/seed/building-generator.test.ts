import { describe, expect, it } from 'vitest';
import { isValidBin, isValidIin } from '../../lib/identification-number.js';
import { validateAnnexFields, validatePremises, validateRetireReason } from '../../subgraphs/buildings/building-validation.js';
import { ALMATY_KATO, territoriesData } from '../../subgraphs/buildings/territories-data.js';
import { BuildingGenerator, type GeneratedBuilding, type OwnerRow } from './building-generator.js';

const referenceDate = new Date('2026-03-01T00:00:00Z');
const DAY = 86_400_000;

function generate(count: number, seed = 11, date = referenceDate): GeneratedBuilding[] {
  const generator = new BuildingGenerator({ seed, territories: territoriesData, referenceDate: date });
  return Array.from({ length: count }, () => generator.next());
}

const sample = generate(2500);
const levelTwoCodes = new Set(territoriesData.filter((t) => t.level === 2).map((t) => t.katoCode));

describe('BuildingGenerator', () => {
  it('gives the same buildings for the same seed and day, and others for another seed', () => {
    expect(generate(300)).toEqual(sample.slice(0, 300));
    const other = generate(300, 12);
    expect(other.map((b) => b.building.cadastralNumber)).not.toEqual(sample.slice(0, 300).map((b) => b.building.cadastralNumber));
    expect(other.filter((b, i) => b.building.yearBuilt === sample[i]?.building.yearBuilt).length).toBeLessThan(100);
  });

  it('makes every building a valid register record, placed in a known district or city', () => {
    for (const { building } of sample) {
      const { registerExitReason, ...annex } = building;
      const problems = validateAnnexFields(
        { ...annex, lastCapitalRepairDate: annex.lastCapitalRepairDate ?? null, heatingSupplyKind: annex.heatingSupplyKind ?? null },
        { today: '2026-03-01', katoKnown: levelTwoCodes.has(building.katoCode) },
      );
      expect(problems, building.cadastralNumber).toEqual([]);
      expect(building.katoCode).toMatch(/^\d{9}$/);
      expect(levelTwoCodes.has(building.katoCode)).toBe(true);
      expect(building.addressRegistrationCode).toMatch(/^\d{16}$/);
      expect(building.cadastralNumber).toMatch(/^\d{2}:\d{3}:\d{3}:\d{4,}$/);
      if (building.heatingSupplyType !== 'CENTRAL') expect(building.heatingSupplyKind).toBeNull();
      if (building.lastCapitalRepairDate) {
        expect(Number(building.lastCapitalRepairDate.slice(0, 4))).toBeGreaterThan(building.yearBuilt);
        expect(building.lastCapitalRepairDate < '2026-03-01').toBe(true);
      }
      if (building.status === 'RETIRED') {
        expect(validateRetireReason(registerExitReason ?? '')).toEqual([]);
        expect(building.retiredAt!.getTime()).toBeLessThan(referenceDate.getTime());
      } else {
        expect(registerExitReason).toBeNull();
        expect(building.retiredAt).toBeNull();
      }
      expect(building.confirmedAt!.getTime()).toBeLessThan(referenceDate.getTime());
      expect(building.createdAt!.getTime()).toBeLessThanOrEqual(building.confirmedAt!.getTime());
    }
  });

  it('gives each building premises and owners that the premises rules accept', () => {
    for (const { building, premises, owners } of sample) {
      const ownersByPremise = new Map<string, OwnerRow[]>();
      for (const owner of owners) ownersByPremise.set(owner.premiseId, [...(ownersByPremise.get(owner.premiseId) ?? []), owner]);
      const input = premises.map((premise) => ({
        kind: premise.kind,
        number: premise.number,
        floor: premise.floor ?? null,
        area: premise.area ?? null,
        owners: (ownersByPremise.get(premise.id) ?? []).map((owner) => ({
          kind: owner.kind,
          identificationNumber: owner.identificationNumber,
          name: owner.name,
          share: owner.share ?? 1,
        })),
      }));
      expect(validatePremises(input, { building, existing: [], now: referenceDate }), building.cadastralNumber).toEqual([]);
      expect(premises.length).toBeLessThanOrEqual(building.totalPremisesCount);
      expect(premises.filter((p) => p.kind === 'APARTMENT')).toHaveLength(building.apartmentCount);
      expect(premises.filter((p) => p.kind === 'NON_RESIDENTIAL')).toHaveLength(building.nonResidentialPremisesCount);
      expect(premises.every((p) => p.buildingId === building.id)).toBe(true);
      for (const apartment of input.filter((p) => p.kind === 'APARTMENT')) {
        expect(apartment.owners.length).toBeGreaterThanOrEqual(1);
        expect(apartment.owners.length).toBeLessThanOrEqual(2);
        expect(apartment.owners.reduce((sum, owner) => sum + owner.share, 0)).toBeCloseTo(1, 6);
      }
    }
  });

  it('identifies owners by valid, unique numbers: one IIN or BIN per person or organisation', () => {
    const owners = sample.flatMap((b) => b.owners);
    const nameById = new Map<string, string>();
    for (const owner of owners) {
      expect(owner.kind === 'PERSON' ? isValidIin(owner.identificationNumber, referenceDate) : isValidBin(owner.identificationNumber)).toBe(
        true,
      );
      const known = nameById.get(owner.identificationNumber);
      if (known) expect(owner.name).toBe(known);
      nameById.set(owner.identificationNumber, owner.name);
    }
    expect(owners.some((owner) => owner.kind === 'ORGANISATION')).toBe(true);
    const people = owners.filter((owner) => owner.kind === 'PERSON');
    expect(people.some((p) => /[ов]а /.test(p.name))).toBe(true);
    expect(people.every((p) => p.name.split(' ').length === 3)).toBe(true);
  });

  it('never repeats an id, a cadastral number or a registration code', () => {
    const unique = (values: string[]) => expect(new Set(values).size).toBe(values.length);
    unique(sample.map((b) => b.building.cadastralNumber));
    unique(sample.map((b) => b.building.addressRegistrationCode));
    unique(sample.flatMap((b) => [b.building.id, ...b.premises.map((p) => p.id), ...b.owners.map((o) => o.id)]));
    unique(sample.flatMap((b) => b.premises.map((p) => `${b.building.id}/${p.kind}/${p.number}`)));
    // Some registration codes start with zeros, which must be kept.
    expect(sample.some((b) => b.building.addressRegistrationCode.startsWith('0'))).toBe(true);
  });

  it('follows the national picture: big cities heavy, some emergency and overdue records, a few retired', () => {
    const share = (predicate: (b: GeneratedBuilding) => boolean) => sample.filter(predicate).length / sample.length;
    expect(share((b) => b.building.katoCode.startsWith(ALMATY_KATO.slice(0, 2)))).toBeGreaterThan(0.14);
    expect(share((b) => b.building.katoCode.startsWith('71'))).toBeGreaterThan(0.1);
    expect(share((b) => b.building.katoCode.startsWith('62'))).toBeLessThan(0.03);
    expect(new Set(sample.map((b) => b.building.katoCode.slice(0, 2))).size).toBe(20);
    expect(share((b) => b.building.condition === 'EMERGENCY')).toBeGreaterThan(0.01);
    expect(share((b) => b.building.condition === 'OPERATING_NEEDS_CAPITAL_REPAIR')).toBeGreaterThan(0.1);
    const overdue = share(
      (b) => b.building.status === 'REGISTERED' && b.building.confirmedAt!.getTime() < referenceDate.getTime() - 365 * DAY,
    );
    expect(overdue).toBeGreaterThan(0.07);
    expect(overdue).toBeLessThan(0.13);
    const retired = share((b) => b.building.status === 'RETIRED');
    expect(retired).toBeGreaterThan(0.01);
    expect(retired).toBeLessThan(0.035);
    const premisesPerBuilding = sample.reduce((sum, b) => sum + b.premises.length, 0) / sample.length;
    expect(premisesPerBuilding).toBeGreaterThan(15);
    expect(premisesPerBuilding).toBeLessThan(28);
  });

  it('places even the first few buildings across the country, Almaty among them', () => {
    expect(sample.slice(0, 10).some((b) => b.building.katoCode.startsWith('75'))).toBe(true);
  });
});
