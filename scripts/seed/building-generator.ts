import type { buildings, premiseOwners, premises } from '../../schema/buildings.js';
import type { Territory } from '../../subgraphs/buildings/territories-data.js';
import type { NameStock } from './names.js';
import { type Owner, OwnerFactory, type Person } from './owners.js';
import { buildPlacements, type Placement, PlacementSequence } from './placement.js';
import { Random, uuid7 } from './random.js';

export type BuildingRow = typeof buildings.$inferInsert & { id: string };
export type PremiseRow = typeof premises.$inferInsert & { id: string };
export type OwnerRow = typeof premiseOwners.$inferInsert & { id: string };

/** One building with everything inside it: the unit the seeder writes. */
export interface GeneratedBuilding {
  building: BuildingRow;
  premises: PremiseRow[];
  owners: OwnerRow[];
}

export interface GeneratorOptions {
  seed: number;
  territories: readonly Territory[];
  /**
   * "Today" for the data: confirmations, repairs and retirements are placed before it.
   * Two runs are identical only with the same reference date (the seeder uses the
   * current UTC day).
   */
  referenceDate: Date;
}

const DAY = 86_400_000;

interface BuildingType {
  floors: readonly [number, number];
  entrances: readonly [number, number];
  apartmentsPerLanding: readonly [number, number];
  /** Years built; `null` as the end means up to the reference year. */
  built: readonly [number, number | null];
  /** Relative frequency in regional towns and in the three big cities. */
  regional: number;
  metropolitan: number;
}

/*
 * The national stock is mostly small: two-storey post-war houses and Soviet panel
 * blocks, then new construction concentrated in the big cities. The mix averages about
 * 20 premises a building (300,000 buildings ≈ 6 million premises, the national size).
 */
const buildingTypes: readonly BuildingType[] = [
  { floors: [1, 2], entrances: [1, 2], apartmentsPerLanding: [2, 4], built: [1948, 1978], regional: 0.62, metropolitan: 0.5 },
  { floors: [3, 4], entrances: [1, 3], apartmentsPerLanding: [2, 3], built: [1955, 2012], regional: 0.24, metropolitan: 0.24 },
  { floors: [5, 5], entrances: [1, 4], apartmentsPerLanding: [3, 4], built: [1958, 1992], regional: 0.1, metropolitan: 0.12 },
  { floors: [9, 9], entrances: [1, 3], apartmentsPerLanding: [4, 4], built: [1972, 1996], regional: 0.025, metropolitan: 0.06 },
  { floors: [6, 12], entrances: [1, 3], apartmentsPerLanding: [4, 6], built: [2003, null], regional: 0.012, metropolitan: 0.055 },
  { floors: [13, 25], entrances: [1, 2], apartmentsPerLanding: [4, 8], built: [2006, null], regional: 0.003, metropolitan: 0.025 },
];

/** Area ranges in square metres of 1- to 4-room apartments, by how common they are. */
const apartmentSizes: readonly (readonly [readonly [number, number], number])[] = [
  [[28, 42], 0.25],
  [[42, 62], 0.38],
  [[58, 85], 0.3],
  [[75, 130], 0.07],
];

const exitReasons = [
  'Снесён как аварийный по постановлению акимата',
  'Признан аварийным, жильцы расселены по программе реновации',
  'Переведён в нежилой фонд',
  'Разрушен пожаром, восстановлению не подлежит',
  'Запись внесена ошибочно (дубликат)',
];

/**
 * Deterministic synthetic buildings, premises and owners. Building `i` draws its
 * attributes from its own stream (seed, i); ids, cadastral numbers and identification
 * numbers come from counters that guarantee uniqueness, so they depend on the order of
 * generation, which is always 0, 1, 2…
 */
export class BuildingGenerator {
  private readonly sequence: PlacementSequence;
  private readonly owners: OwnerFactory;
  private readonly placementCounters = new Map<string, number>();
  private readonly referenceDay: number;
  private readonly referenceYear: number;
  private readonly addressCodeOffset: bigint;
  private nextIndex = 0;
  /** Millisecond clock of the ids: one tick per id, so ids rise in generation order. */
  private idClock: number;

  constructor(private readonly options: GeneratorOptions) {
    const placements = buildPlacements(options.territories);
    const setup = new Random(options.seed, -1);
    this.sequence = new PlacementSequence(placements, setup.float());
    this.addressCodeOffset = BigInt(setup.uint32()) * 1_000_003n + BigInt(setup.uint32());
    this.referenceDay = Math.floor(options.referenceDate.getTime() / DAY) * DAY;
    this.referenceYear = new Date(this.referenceDay).getUTCFullYear();
    this.owners = new OwnerFactory(this.referenceYear);
    this.idClock = this.referenceDay - 7 * DAY;
  }

  /** The next building of the sequence. */
  next(): GeneratedBuilding {
    const index = this.nextIndex++;
    const random = new Random(this.options.seed, index);
    const placement = this.sequence.at(index);
    const counter = this.placementCounters.get(placement.territory.katoCode) ?? 0;
    this.placementCounters.set(placement.territory.katoCode, counter + 1);
    return this.generate(random, index, placement, counter);
  }

  private generate(random: Random, index: number, placement: Placement, counter: number): GeneratedBuilding {
    const { profile } = placement;
    const type = random.weighted(buildingTypes.map((t) => [t, profile.metropolitan ? t.metropolitan : t.regional] as const));
    const yearBuilt = random.int(type.built[0], type.built[1] ?? this.referenceYear);
    const floorCount = random.int(type.floors[0], type.floors[1]);
    const entrances = random.int(type.entrances[0], type.entrances[1]);
    const perLanding = random.int(type.apartmentsPerLanding[0], type.apartmentsPerLanding[1]);
    const isNew = yearBuilt >= 2003;

    const nonResidentialCount = isNew
      ? random.chance(0.45)
        ? random.int(1, 8)
        : 0
      : floorCount >= 5
        ? random.chance(0.3)
          ? random.int(1, 4)
          : 0
        : random.chance(0.04)
          ? 1
          : 0;
    // Shops on the ground floor take the place of some apartments.
    const apartmentCount = Math.max(1, floorCount * entrances * perLanding - (nonResidentialCount > 0 ? random.int(0, perLanding) : 0));
    const parkingCount = isNew && random.chance(profile.metropolitan ? 0.45 : 0.2) ? Math.round(apartmentCount * random.real(0.3, 0.8)) : 0;
    const storageCount = isNew && random.chance(0.3) ? Math.round(apartmentCount * random.real(0.2, 0.6)) : 0;
    // A few records count premises the address register has that are not itemised yet.
    const unlisted = random.chance(0.05) ? random.int(1, 3) : 0;
    const totalPremisesCount = apartmentCount + nonResidentialCount + parkingCount + storageCount + unlisted;

    const retired = random.chance(0.02);
    const condition = retired
      ? random.weighted([
          ['EMERGENCY', 0.6],
          ['NOT_OPERATING', 0.4],
        ] as const)
      : this.condition(random, yearBuilt);
    const balanceOwnership = random.weighted([
      ['PRIVATE_CONDOMINIUM_COMMON_PROPERTY', 0.9],
      ['PRIVATE_SINGLE_OWNER', 0.03],
      ['STATE_ENTERPRISE', 0.03],
      ['STATE_INSTITUTION', 0.04],
    ] as const);

    const heatingSupplyType = random.chance(profile.centralHeating * (floorCount <= 2 ? 0.7 : 1))
      ? 'CENTRAL'
      : random.weighted([
          ['AUTONOMOUS', 0.5],
          ['INDIVIDUAL_INSTALLATIONS', 0.45],
          ['NONE', 0.05],
        ] as const);
    const hotWaterSupplyType =
      heatingSupplyType === 'CENTRAL'
        ? random.chance(0.85)
          ? 'CENTRAL'
          : 'INDIVIDUAL_INSTALLATIONS'
        : heatingSupplyType === 'AUTONOMOUS'
          ? random.chance(0.8)
            ? 'AUTONOMOUS'
            : 'INDIVIDUAL_INSTALLATIONS'
          : random.chance(0.7)
            ? 'INDIVIDUAL_INSTALLATIONS'
            : 'NONE';
    const gasSupplyKind = random.chance(profile.gasNetwork)
      ? 'NETWORK_NATURAL'
      : random.weighted([
          ['LIQUEFIED_GAS_HOLDER_TANKS', 0.1],
          ['LIQUEFIED_CYLINDERS', 0.3],
          ['NONE', 0.6],
        ] as const);
    const waterSupplyKind = floorCount <= 2 && random.chance(0.06) ? 'DECENTRALIZED' : 'CENTRALIZED';
    const sewerageKind =
      floorCount <= 2
        ? random.weighted([
            ['CENTRALIZED', 0.85],
            ['SEPTIC', 0.11],
            ['OUTDOOR_TOILET', 0.04],
          ] as const)
        : random.chance(0.98)
          ? 'CENTRALIZED'
          : 'SEPTIC';
    const electricityConnected = condition === 'NOT_OPERATING' ? random.chance(0.3) : random.chance(0.998);

    const dates = this.dates(random, yearBuilt, condition, retired);
    const id = this.id(random);
    const building: BuildingRow = {
      id,
      cadastralNumber: this.cadastralNumber(random, placement, counter),
      katoCode: placement.territory.katoCode,
      addressRegistrationCode: this.addressRegistrationCode(index),
      purpose: 'MULTI_APARTMENT_BUILDING_OPERATION',
      fundCategory: random.chance(0.01) ? 'NON_RESIDENTIAL' : 'RESIDENTIAL',
      condominiumRegistered: balanceOwnership === 'PRIVATE_CONDOMINIUM_COMMON_PROPERTY' ? random.chance(0.85) : false,
      hasTechnicalPassport: random.chance(isNew ? 0.98 : 0.88),
      balanceOwnership,
      liftCount: floorCount >= 6 ? entrances * (floorCount >= 17 ? 2 : 1) + (floorCount >= 13 && random.chance(0.3) ? 1 : 0) : 0,
      electricityConnected,
      yearBuilt,
      lastCapitalRepairDate: dates.lastCapitalRepairDate,
      totalPremisesCount,
      floorCount,
      apartmentCount,
      nonResidentialPremisesCount: nonResidentialCount,
      heatingSupplyType,
      heatingSupplyKind: heatingSupplyType === 'CENTRAL' ? (random.chance(0.4) ? 'OPEN' : 'CLOSED') : null,
      gasSupplyKind,
      hasGasPipeline: gasSupplyKind === 'NETWORK_NATURAL' || (gasSupplyKind === 'LIQUEFIED_GAS_HOLDER_TANKS' && random.chance(0.8)),
      hotWaterSupplyType,
      waterSupplyKind,
      hasWaterPipeline: waterSupplyKind === 'CENTRALIZED' || random.chance(0.4),
      sewerageKind,
      hasSewer: sewerageKind !== 'OUTDOOR_TOILET',
      commonMeterCount:
        (electricityConnected ? 1 : 0) +
        (heatingSupplyType === 'CENTRAL' && random.chance(0.85) ? 1 : 0) +
        (waterSupplyKind === 'CENTRALIZED' && random.chance(0.75) ? 1 : 0) +
        (hotWaterSupplyType === 'CENTRAL' && random.chance(0.6) ? 1 : 0) +
        (gasSupplyKind === 'NETWORK_NATURAL' && random.chance(0.3) ? 1 : 0),
      condition,
      registerExitReason: retired ? random.pick(exitReasons) : null,
      barrierFree: random.chance(yearBuilt >= 2015 ? 0.7 : 0.08),
      status: retired ? 'RETIRED' : 'REGISTERED',
      confirmedAt: dates.confirmedAt,
      retiredAt: dates.retiredAt,
      createdAt: dates.createdAt,
      updatedAt: dates.updatedAt,
      version: 1,
    };

    const generated: GeneratedBuilding = { building, premises: [], owners: [] };
    this.addPremises(random, generated, placement, {
      floorCount,
      perLanding,
      apartmentCount,
      nonResidentialCount,
      parkingCount,
      storageCount,
      isNew,
      balanceOwnership,
    });
    return generated;
  }

  private id(random: Random): string {
    return uuid7(this.idClock++, random);
  }

  private condition(random: Random, yearBuilt: number): BuildingRow['condition'] {
    const [emergency, repair, modernization, notOperating] =
      yearBuilt < 1970 ? [0.06, 0.3, 0.06, 0.02] : yearBuilt < 2000 ? [0.02, 0.18, 0.06, 0.005] : [0.002, 0.02, 0, 0.001];
    return random.weighted([
      ['EMERGENCY', emergency],
      ['OPERATING_NEEDS_CAPITAL_REPAIR', repair],
      ['OPERATING_IN_MODERNIZATION_PROGRAMME', modernization],
      ['NOT_OPERATING', notOperating],
      ['OPERATING', 1 - emergency - repair - modernization - notOperating],
    ] as const);
  }

  private dates(random: Random, yearBuilt: number, condition: BuildingRow['condition'], retired: boolean) {
    const today = this.referenceDay;
    // Repairs come at least a decade after construction, and never after yesterday.
    let lastCapitalRepairDate: string | null = null;
    const repairChance = condition === 'OPERATING_IN_MODERNIZATION_PROGRAMME' ? 0.7 : yearBuilt < 2000 ? 0.45 : 0.03;
    const earliestRepair = Date.UTC(Math.max(yearBuilt + 10, 1995), 0, 1);
    if (earliestRepair < today - DAY && random.chance(repairChance)) {
      const from = condition === 'OPERATING_IN_MODERNIZATION_PROGRAMME' ? Math.max(earliestRepair, today - 3 * 365 * DAY) : earliestRepair;
      lastCapitalRepairDate = new Date(from + Math.floor(random.float() * ((today - DAY - from) / DAY)) * DAY).toISOString().slice(0, 10);
    }
    // Confirmations happen in Astana office hours (04:00–13:00 UTC). A tenth are overdue,
    // with a margin of days either side of the one-year line so the overdue filter is unambiguous.
    const officeTime = () => (4 + random.float() * 9) * 3_600_000;
    let retiredAt: Date | null = null;
    let confirmedAt: Date;
    if (retired) {
      retiredAt = new Date(today - random.int(10, 900) * DAY + officeTime());
      confirmedAt = new Date(retiredAt.getTime() - random.int(30, 330) * DAY);
    } else {
      const daysAgo = random.chance(0.1) ? random.int(372, 1000) : random.int(1, 358);
      confirmedAt = new Date(today - daysAgo * DAY + officeTime());
    }
    const createdAt = new Date(confirmedAt.getTime() - random.int(0, 700) * DAY);
    const updatedAt = retiredAt ?? confirmedAt;
    return { lastCapitalRepairDate, confirmedAt, retiredAt, createdAt, updatedAt };
  }

  /**
   * `RR:DDD:QQQ:PPPP`: cadastral region, district, quarter, parcel. Unique by
   * construction: the counter of buildings in the territory fixes the quarter and a band
   * of parcel numbers that no other building of that quarter uses.
   */
  private cadastralNumber(random: Random, placement: Placement, counter: number): string {
    const quarter = String(1 + (counter % 400)).padStart(3, '0');
    const parcel = String(Math.floor(counter / 400) * 9 + random.int(1, 9)).padStart(4, '0');
    return `${placement.profile.cadastralRegion}:${placement.cadastralDistrict}:${quarter}:${parcel}`;
  }

  /**
   * 16 digits, leading zeros kept. An affine map modulo 10^16 with a multiplier prime to
   * 10 is a bijection, so codes are unique for every index yet look unrelated.
   */
  private addressRegistrationCode(index: number): string {
    const code = (BigInt(index) * 7_355_608_391_137n + this.addressCodeOffset) % 10_000_000_000_000_000n;
    return code.toString().padStart(16, '0');
  }

  private addPremises(
    random: Random,
    generated: GeneratedBuilding,
    placement: Placement,
    shape: {
      floorCount: number;
      perLanding: number;
      apartmentCount: number;
      nonResidentialCount: number;
      parkingCount: number;
      storageCount: number;
      isNew: boolean;
      balanceOwnership: BuildingRow['balanceOwnership'];
    },
  ): void {
    const buildingId = generated.building.id;
    const regionCode = placement.region.katoCode;
    const stock = (): NameStock => (random.chance(placement.profile.kazakhNames) ? 'KAZAKH' : 'RUSSIAN');
    const singleOwner = shape.balanceOwnership === 'PRIVATE_SINGLE_OWNER' ? this.owners.company(random, regionCode) : null;
    const stateBody =
      shape.balanceOwnership === 'STATE_ENTERPRISE' || shape.balanceOwnership === 'STATE_INSTITUTION'
        ? this.owners.stateBody(random, placement.territory, shape.balanceOwnership)
        : null;
    const residents: Person[] = [];
    const own = (premiseId: string, owner: Owner, share: number) => {
      generated.owners.push({
        id: this.id(random),
        premiseId,
        kind: owner.kind,
        identificationNumber: owner.identificationNumber,
        name: owner.name,
        share,
      });
    };
    const add = (kind: PremiseRow['kind'], number: string, floor: number | null, area: number): string => {
      const id = this.id(random);
      generated.premises.push({ id, buildingId, kind, number, floor, area: Math.round(area * 100) / 100 });
      return id;
    };

    const sizeFactor = shape.isNew ? 1.15 : 1;
    for (let number = 1; number <= shape.apartmentCount; number++) {
      const [minArea, maxArea] = random.weighted(apartmentSizes);
      const area = random.real(minArea, maxArea) * sizeFactor;
      const floor = 1 + (Math.floor((number - 1) / shape.perLanding) % shape.floorCount);
      const id = add('APARTMENT', String(number), floor, area);
      const owner = singleOwner ?? (stateBody && random.chance(0.75) ? stateBody : null);
      if (owner) {
        own(id, owner, 1);
      } else if (random.chance(0.45)) {
        const first = this.owners.person(random, stock());
        const second = this.owners.person(random, first.stock, first);
        residents.push(first, second);
        own(id, first, 0.5);
        own(id, second, 0.5);
      } else {
        const only = this.owners.person(random, stock());
        residents.push(only);
        own(id, only, 1);
      }
    }
    for (let number = 1; number <= shape.nonResidentialCount; number++) {
      const id = add('NON_RESIDENTIAL', `Н-${number}`, random.chance(0.8) ? 1 : 0, random.real(30, 350));
      const owner =
        singleOwner ?? stateBody ?? (random.chance(0.65) ? this.owners.company(random, regionCode) : this.owners.person(random, stock()));
      own(id, owner, 1);
    }
    // Parking places and storage rooms mostly belong to the building's own residents.
    const smallPremiseOwner = (): Owner =>
      singleOwner ??
      (residents.length > 0 && random.chance(0.75)
        ? random.pick(residents)
        : random.chance(0.6)
          ? this.owners.person(random, stock())
          : this.owners.company(random, regionCode));
    for (let number = 1; number <= shape.parkingCount; number++) {
      const id = add('PARKING_PLACE', `П-${number}`, random.chance(0.85) ? -1 : -2, random.real(13.25, 19));
      own(id, smallPremiseOwner(), 1);
    }
    for (let number = 1; number <= shape.storageCount; number++) {
      const id = add('STORAGE_ROOM', `К-${number}`, -1, random.real(3, 9));
      own(id, smallPremiseOwner(), 1);
    }
  }
}
