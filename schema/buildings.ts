import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  char,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { dutyViewColumns } from './platform.js';

/** The national building register (category 1) and the territories it is organised by. */
export const buildingsSchema = pgSchema('buildings');

// Directories of the annex. Values keep the regulation's meaning; labels live in the subgraph.
export const territoryKind = buildingsSchema.enum('territory_kind', [
  'REGION',
  'CITY_OF_REPUBLICAN_SIGNIFICANCE',
  'DISTRICT',
  'CITY',
  'RURAL_DISTRICT',
  'SETTLEMENT',
]);
export const buildingPurpose = buildingsSchema.enum('building_purpose', ['MULTI_APARTMENT_BUILDING_OPERATION']);
export const fundCategory = buildingsSchema.enum('fund_category', ['RESIDENTIAL', 'NON_RESIDENTIAL']);
export const balanceOwnership = buildingsSchema.enum('balance_ownership', [
  'PRIVATE_CONDOMINIUM_COMMON_PROPERTY',
  'PRIVATE_SINGLE_OWNER',
  'STATE_ENTERPRISE',
  'STATE_INSTITUTION',
]);
/** Shared by heating supply type (field 17) and hot water supply type (field 21): the same directory. */
export const supplySystemType = buildingsSchema.enum('supply_system_type', ['CENTRAL', 'AUTONOMOUS', 'INDIVIDUAL_INSTALLATIONS', 'NONE']);
export const heatingSupplyKind = buildingsSchema.enum('heating_supply_kind', ['OPEN', 'CLOSED']);
export const gasSupplyKind = buildingsSchema.enum('gas_supply_kind', [
  'NETWORK_NATURAL',
  'LIQUEFIED_GAS_HOLDER_TANKS',
  'LIQUEFIED_CYLINDERS',
  'NONE',
]);
export const waterSupplyKind = buildingsSchema.enum('water_supply_kind', ['CENTRALIZED', 'DECENTRALIZED']);
export const sewerageKind = buildingsSchema.enum('sewerage_kind', ['CENTRALIZED', 'SEPTIC', 'OUTDOOR_TOILET']);
export const buildingCondition = buildingsSchema.enum('building_condition', [
  'OPERATING',
  'OPERATING_NEEDS_CAPITAL_REPAIR',
  'OPERATING_IN_MODERNIZATION_PROGRAMME',
  'NOT_OPERATING',
  'EMERGENCY',
]);
export const registerStatus = buildingsSchema.enum('register_status', ['REGISTERED', 'RETIRED']);
export const buildingChange = buildingsSchema.enum('building_change', ['REGISTERED', 'UPDATED', 'RETIRED', 'CONFIRMED', 'PREMISES_ADDED']);
export const premiseKind = buildingsSchema.enum('premise_kind', ['APARTMENT', 'NON_RESIDENTIAL', 'PARKING_PLACE', 'STORAGE_ROOM']);
export const ownerKind = buildingsSchema.enum('owner_kind', ['PERSON', 'ORGANISATION']);

/** KATO tree: regions, cities of republican significance, districts. */
export const territories = buildingsSchema.table(
  'territories',
  {
    /** 9-digit KATO code. */
    katoCode: varchar('kato_code', { length: 9 }).primaryKey(),
    parentKatoCode: varchar('parent_kato_code', { length: 9 }),
    kind: territoryKind('kind').notNull(),
    /** 1 for regions and cities of republican significance, 2 for their districts. */
    level: smallint('level').notNull(),
    nameKk: text('name_kk').notNull(),
    nameRu: text('name_ru').notNull(),
    /** Leading digits shared by every code under this territory (2 for a region, 4 for a district). */
    katoPrefix: varchar('kato_prefix', { length: 9 }).notNull(),
  },
  (t) => [index('territories_parent_idx').on(t.parentKatoCode)],
);

/** One record of the summary register of operating MKDs (annex: 29 fields). */
export const buildings = buildingsSchema.table(
  'buildings',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    cadastralNumber: varchar('cadastral_number', { length: 200 }).notNull(), // 1
    /** Field 2 (up to 500 characters); its first 9 digits place the building in the KATO tree. */
    katoCode: varchar('kato_code', { length: 500 }).notNull(), // 2
    addressRegistrationCode: char('address_registration_code', { length: 16 }).notNull(), // 3
    purpose: buildingPurpose('purpose').notNull(), // 4
    fundCategory: fundCategory('fund_category').notNull(), // 5
    condominiumRegistered: boolean('condominium_registered').notNull(), // 6
    hasTechnicalPassport: boolean('has_technical_passport').notNull(), // 7
    balanceOwnership: balanceOwnership('balance_ownership').notNull(), // 8
    liftCount: integer('lift_count').notNull(), // 9
    electricityConnected: boolean('electricity_connected').notNull(), // 10
    yearBuilt: integer('year_built').notNull(), // 11
    lastCapitalRepairDate: date('last_capital_repair_date', { mode: 'string' }), // 12
    totalPremisesCount: integer('total_premises_count').notNull(), // 13
    floorCount: integer('floor_count').notNull(), // 14
    apartmentCount: integer('apartment_count').notNull(), // 15
    nonResidentialPremisesCount: integer('non_residential_premises_count').notNull(), // 16
    heatingSupplyType: supplySystemType('heating_supply_type').notNull(), // 17
    heatingSupplyKind: heatingSupplyKind('heating_supply_kind'), // 18
    gasSupplyKind: gasSupplyKind('gas_supply_kind').notNull(), // 19
    hasGasPipeline: boolean('has_gas_pipeline').notNull(), // 20
    hotWaterSupplyType: supplySystemType('hot_water_supply_type').notNull(), // 21
    waterSupplyKind: waterSupplyKind('water_supply_kind').notNull(), // 22
    hasWaterPipeline: boolean('has_water_pipeline').notNull(), // 23
    sewerageKind: sewerageKind('sewerage_kind').notNull(), // 24
    hasSewer: boolean('has_sewer').notNull(), // 25
    commonMeterCount: integer('common_meter_count').notNull(), // 26
    condition: buildingCondition('condition').notNull(), // 27
    registerExitReason: varchar('register_exit_reason', { length: 500 }), // 28
    barrierFree: boolean('barrier_free').notNull(), // 29
    status: registerStatus('status').notNull().default('REGISTERED'),
    /** Last yearly confirmation by the local executive body (p.13); overdue after a year. */
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
    retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Optimistic concurrency: bumped on every change. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // Near-duplicates (" X", "X ", "x") are the same building: unique as compared by the register.
    uniqueIndex('buildings_cadastral_number_key').on(sql`lower(btrim(${t.cadastralNumber}))`),
    index('buildings_cadastral_number_idx').on(t.cadastralNumber),
    uniqueIndex('buildings_address_registration_code_key').on(t.addressRegistrationCode),
    index('buildings_kato_code_prefix_idx').on(t.katoCode.op('text_pattern_ops')),
    index('buildings_condition_idx').on(t.condition),
    index('buildings_heating_supply_type_idx').on(t.heatingSupplyType),
    index('buildings_year_built_idx').on(t.yearBuilt),
    index('buildings_confirmed_at_idx').on(t.confirmedAt),
  ],
);

/**
 * Buildings counted per district (first 4 KATO digits) and the dimensions the analytics
 * group by, kept current by the writes themselves: statement-level triggers on
 * `buildings` add each statement's net change in its own transaction (migration
 * buildings_counts). A region's or the country's figures sum a few hundred rows instead of reading
 * the register. A bulk load may switch the triggers off for its transaction
 * (`set local buildings.bulk_load = 'on'`) and call `buildings.rebuild_building_counts()` after.
 */
export const buildingCounts = buildingsSchema.table(
  'building_counts',
  {
    /** The first 4 digits of field 2: a district or city of a region. */
    district: varchar('district', { length: 4 }).notNull(),
    status: registerStatus('status').notNull(),
    condition: buildingCondition('condition').notNull(),
    heatingSupplyType: supplySystemType('heating_supply_type').notNull(),
    /** Field 11 rounded down to the decade (1970 for 1975). */
    decadeBuilt: smallint('decade_built').notNull(),
    barrierFree: boolean('barrier_free').notNull(),
    buildings: integer('buildings').notNull(),
    /** Sum of field 13 (total premises) of these buildings. */
    premises: bigint('premises', { mode: 'number' }).notNull(),
    /** Annex fields that apply to these buildings (18 only with central heating, 28 only once retired), summed. */
    annexFieldsApplicable: bigint('annex_fields_applicable', { mode: 'number' }).notNull(),
    /** Of those, the fields filled, summed. */
    annexFieldsFilled: bigint('annex_fields_filled', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'building_counts_pkey',
      columns: [t.district, t.status, t.condition, t.heatingSupplyType, t.decadeBuilt, t.barrierFree],
    }),
    // A territory's rows as a KATO range (`~>=~`/`~<~`): at national size (9,836 rows) the
    // dashboard's 20 regions read 8,920 of them by index in 6 ms instead of comparing every
    // row with every region (27 ms).
    index('building_counts_district_range_idx').on(t.district.op('text_pattern_ops')),
  ],
);

/** Append-only history of every change to a building record: who, when, old and new values. */
export const buildingHistory = buildingsSchema.table(
  'building_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    buildingId: uuid('building_id')
      .notNull()
      .references(() => buildings.id),
    change: buildingChange('change').notNull(),
    /** Who made the change: `person:<id>` or `digital-object:<id>`. */
    changedBy: text('changed_by').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** `{ field: { old, new } }` for each field that changed. */
    changes: jsonb('changes').notNull().$type<Record<string, { old: unknown; new: unknown }>>(),
  },
  (t) => [index('building_history_building_idx').on(t.buildingId, t.changedAt)],
);

/** Apartments, non-residential premises, parking places and storage rooms of a building. */
export const premises = buildingsSchema.table(
  'premises',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    buildingId: uuid('building_id')
      .notNull()
      .references(() => buildings.id),
    kind: premiseKind('kind').notNull(),
    /** Number as written in the address register, e.g. "12", "12А", "P-3". */
    number: varchar('number', { length: 20 }).notNull(),
    floor: integer('floor'),
    /** Square metres. */
    area: numeric('area', { precision: 10, scale: 2, mode: 'number' }),
  },
  (t) => [uniqueIndex('premises_building_kind_number_key').on(t.buildingId, t.kind, t.number)],
);

/** Owners of a premise. Personal data: IIN and names reach only callers whose function needs them. */
export const premiseOwners = buildingsSchema.table(
  'premise_owners',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    premiseId: uuid('premise_id')
      .notNull()
      .references(() => premises.id),
    kind: ownerKind('kind').notNull(),
    /** 12-digit IIN (persons) or BIN (organisations), check digit verified. */
    identificationNumber: char('identification_number', { length: 12 }).notNull(),
    /** Person's full name or organisation's name. */
    name: text('name').notNull(),
    /** Ownership share, 0 < share ≤ 1. */
    share: numeric('share', { precision: 7, scale: 6, mode: 'number' }).notNull().default(1),
  },
  (t) => [
    index('premise_owners_premise_idx').on(t.premiseId),
    index('premise_owners_identification_number_idx').on(t.identificationNumber),
  ],
);

// ── Published views: what other subgraphs may read of this one (read-only, no personal data).

/** Whether a building exists, where it is and whether it is still on the register. */
export const publishedBuildings = buildingsSchema
  .view('published_buildings')
  .as((qb) => qb.select({ id: buildings.id, katoCode: buildings.katoCode, status: buildings.status }).from(buildings));

/** Premises of the register, for links such as a personal account's premises. */
export const publishedPremises = buildingsSchema
  .view('published_premises')
  .as((qb) => qb.select({ id: premises.id, buildingId: premises.buildingId, kind: premises.kind, number: premises.number }).from(premises));

/**
 * The register's duties (p.13): every registered record is confirmed at least once a year,
 * so it falls due a year after its last confirmation (a record never confirmed is due from
 * its registration: overdue, as the register's `confirmationOverdue` counts it).
 */
export const publishedBuildingDuties = buildingsSchema.view('published_duties', dutyViewColumns()).as(sql`
  select 'BUILDING_CONFIRMATION'::text as kind, 'p.13'::text as rule_point, 'Building'::text as object_type,
         b.id as object_id, null::uuid as subject_id, b.kato_code::text as kato_code,
         coalesce(((b.confirmed_at at time zone 'UTC') + interval '5 hours' + interval '1 year')::date,
                  ((b.created_at at time zone 'UTC') + interval '5 hours')::date) as nominal_date
    from buildings.buildings b
   where b.status = 'REGISTERED'`);

/**
 * Who owns which premises, by identification number only (no names, no shares): how the
 * condominium subgraph recognizes an owner signed in with their EDS (their IIN) as an owner
 * of premises in a building. Read only to decide an owner's rights and list their own premises.
 */
export const publishedPremiseOwners = buildingsSchema.view('published_premise_owners').as((qb) =>
  qb
    .select({
      premiseId: sql<string>`${premiseOwners.premiseId}`.as('premise_id'),
      buildingId: sql<string>`${premises.buildingId}`.as('building_id'),
      identificationNumber: sql<string>`${premiseOwners.identificationNumber}`.as('identification_number'),
    })
    .from(premiseOwners)
    .innerJoin(premises, sql`${premises.id} = ${premiseOwners.premiseId}`),
);

/**
 * The register's part of a record's data quality (issue 10): whether the annex fields that
 * apply are filled (field 18 with central heating, a cadastral number that is not blank),
 * whether they agree with each other (the cross-field rules of the annex as this project
 * reads them, as `building-validation.ts` enforces them on writes), how many premises the register holds against field 13, and whether the
 * yearly confirmation (p.13) is current. Registered buildings only.
 */
export const publishedRecordQuality = buildingsSchema
  .view('published_record_quality', {
    buildingId: uuid('building_id').notNull(),
    katoCode: text('kato_code').notNull(),
    totalPremisesCount: integer('total_premises_count').notNull(),
    premisesRegistered: integer('premises_registered').notNull(),
    annexComplete: boolean('annex_complete').notNull(),
    annexConsistent: boolean('annex_consistent').notNull(),
    confirmedWithinYear: boolean('confirmed_within_year').notNull(),
  })
  .as(sql`
  select b.id as building_id, b.kato_code::text as kato_code, b.total_premises_count,
         (select count(*) from buildings.premises p where p.building_id = b.id)::int as premises_registered,
         (btrim(b.cadastral_number) <> '' and (b.heating_supply_type <> 'CENTRAL' or b.heating_supply_kind is not null)) as annex_complete,
         ((b.heating_supply_kind is null or b.heating_supply_type = 'CENTRAL')
          and b.apartment_count + b.non_residential_premises_count <= b.total_premises_count
          and (b.last_capital_repair_date is null
               or (extract(year from b.last_capital_repair_date) >= b.year_built and b.last_capital_repair_date <= current_date))
          and b.year_built <= extract(year from current_date)
          and (b.gas_supply_kind <> 'NETWORK_NATURAL' or b.has_gas_pipeline)
          and (b.sewerage_kind <> 'CENTRALIZED' or b.has_sewer)) as annex_consistent,
         coalesce(b.confirmed_at >= now() - interval '1 year', false) as confirmed_within_year
    from buildings.buildings b
   where b.status = 'REGISTERED'`);

/**
 * The register's open facts per building (p.21: the register without personal data is the
 * open part), with when each record entered and left the register: the open-data statistics
 * of a period count the buildings registered at its end.
 */
export const publishedRegisterFacts = buildingsSchema
  .view('published_register_facts', {
    buildingId: uuid('building_id').notNull(),
    katoCode: text('kato_code').notNull(),
    condition: text('condition').notNull(),
    totalPremisesCount: integer('total_premises_count').notNull(),
    barrierFree: boolean('barrier_free').notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'date' }).notNull(),
    retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
  })
  .as(sql`
  select b.id as building_id, b.kato_code::text as kato_code, b.condition::text as condition, b.total_premises_count,
         b.barrier_free, b.created_at as registered_at, b.retired_at
    from buildings.buildings b`);

/**
 * How many buildings each district (the first 4 digits of field 2) has on the register, from
 * `building_counts` (kept by the register's writes in their transaction): how another
 * subgraph learns a territory's register count without counting the register.
 */
export const publishedBuildingCounts = buildingsSchema
  .view('published_building_counts', {
    district: text('district').notNull(),
    registered: integer('registered').notNull(),
  })
  .as(sql`
  select c.district::text as district, sum(c.buildings)::int as registered
    from buildings.building_counts c
   where c.status = 'REGISTERED'
   group by c.district`);
