import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  char,
  check,
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

/** Utility suppliers, consumers' personal accounts and tariffs (categories 9–11, 14). */
export const utilitiesSchema = pgSchema('utilities');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Utility services of p.2.1. */
export const utilityService = utilitiesSchema.enum('utility_service', [
  'WATER_SUPPLY',
  'SEWERAGE',
  'GAS',
  'ELECTRICITY',
  'HEAT',
  'WASTE_REMOVAL',
  'LIFT_MAINTENANCE',
]);
export type UtilityService = (typeof utilityService.enumValues)[number];

/** What a tariff price is charged per. */
export const tariffUnit = utilitiesSchema.enum('tariff_unit', [
  'CUBIC_METRE',
  'KILOWATT_HOUR',
  'GIGACALORIE',
  'SQUARE_METRE',
  'RESIDENT',
  'PREMISE',
]);
export type TariffUnit = (typeof tariffUnit.enumValues)[number];

/** The register of utility suppliers (category 10): its open part. */
export const suppliers = utilitiesSchema.table(
  'suppliers',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /**
     * The supplier's subject in the access schema (no foreign key across schemas):
     * grants for this subject scope who may maintain the supplier's accounts and tariffs.
     */
    subjectId: uuid('subject_id').notNull(),
    name: text('name').notNull(),
    /** 12-digit BIN, check digit verified by the application. */
    bin: char('bin', { length: 12 }).notNull(),
    services: utilityService('services').array().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    // ── The passport (category 9), kept by the supplier itself or the Administrator; all of it
    // is the organisation's own public data (p.25): no person is named in it.
    /** In the state register of natural monopolies. */
    naturalMonopoly: boolean('natural_monopoly').notNull().default(false),
    /** KATO codes (9 digits) of the territories served, everything under each. */
    territoryKatos: char('territory_katos', { length: 9 }).array().notNull().default(sql`'{}'`),
    /** Licences for its activities, validated by the application. */
    licences: jsonb('licences').$type<SupplierLicence[]>().notNull().default(sql`'[]'::jsonb`),
    legalAddress: text('legal_address'),
    phone: varchar('phone', { length: 30 }),
    email: varchar('email', { length: 254 }),
    website: varchar('website', { length: 300 }),
    bankName: text('bank_name'),
    /** The bank's BIC (SWIFT code, 8 or 11 characters). */
    bankBic: varchar('bank_bic', { length: 11 }),
    /** The settlement account as a Kazakh IBAN (KZ + 18 characters). */
    iban: char('iban', { length: 20 }),
    /** Beneficiary code (КБе), two digits. */
    beneficiaryCode: char('beneficiary_code', { length: 2 }),
    passportUpdatedAt: timestamptz('passport_updated_at'),
    /** `person:<id>` or `digital-object:<id>` of the last passport change. */
    passportUpdatedBy: text('passport_updated_by'),
    /** Bumped on every passport change (optimistic concurrency). */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('suppliers_subject_id_key').on(t.subjectId),
    uniqueIndex('suppliers_bin_key').on(t.bin),
    check('suppliers_services_check', sql`cardinality(${t.services}) > 0`),
  ],
);

/** A licence in a supplier's passport. */
export interface SupplierLicence {
  number: string;
  /** What the licence allows, as written on it. */
  activity: string;
  issuedBy: string;
  issuedOn: string;
  /** Null for a licence without end. */
  validUntil: string | null;
}

/** The buildings a supplier's passport says it serves (the Building entity of the buildings subgraph). */
export const supplierBuildings = utilitiesSchema.table(
  'supplier_buildings',
  {
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    buildingId: uuid('building_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.supplierId, t.buildingId] }), index('supplier_buildings_building_idx').on(t.buildingId)],
);

/**
 * Consumers' personal accounts (category 11). Holder name and IIN are personal data:
 * only the supplier that keeps the account and callers with PERSONAL_DATA_READ see them.
 */
export const personalAccounts = utilitiesSchema.table(
  'personal_accounts',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    /** The Building entity of the buildings subgraph (no foreign key across schemas). */
    buildingId: uuid('building_id').notNull(),
    /** Premise number as in the address register, e.g. "12", "12А"; null for a whole-building account. */
    premiseNumber: varchar('premise_number', { length: 20 }),
    /** The supplier's own account number, unique within the supplier. */
    accountNumber: varchar('account_number', { length: 50 }).notNull(),
    holderName: text('holder_name').notNull(),
    holderIin: char('holder_iin', { length: 12 }).notNull(),
    service: utilityService('service').notNull(),
    openedAt: date('opened_at', { mode: 'string' }).notNull(),
    closedAt: date('closed_at', { mode: 'string' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    /** Bumped on every change by a bulk upsert. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // Also the conflict target of the bulk upsert.
    uniqueIndex('personal_accounts_supplier_account_number_key').on(t.supplierId, t.accountNumber),
    // Keyset pagination of one supplier's accounts.
    index('personal_accounts_supplier_id_idx').on(t.supplierId, t.id),
    index('personal_accounts_building_idx').on(t.buildingId),
    check('personal_accounts_period_check', sql`${t.closedAt} is null or ${t.closedAt} >= ${t.openedAt}`),
  ],
);

/** Who a tariff is charged to (p.4.14): households (residents) or legal entities. */
export const consumerCategory = utilitiesSchema.enum('consumer_category', ['HOUSEHOLD', 'LEGAL_ENTITY']);
export type ConsumerCategory = (typeof consumerCategory.enumValues)[number];

/**
 * One step of a tariff's volume scale: `price` tenge per unit for the volume from the
 * previous step's `upTo` (0 for the first) up to `upTo`; `upTo` null on the last step
 * (unbounded). Exact decimals as strings, never floats.
 */
export interface TariffTier {
  upTo: string | null;
  price: string;
}

/** Tariffs of suppliers (category 14); published ones are the open part (p.21). */
export const tariffs = utilitiesSchema.table(
  'tariffs',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    service: utilityService('service').notNull(),
    /** Tenge per unit of the first tier (the only one of a flat tariff), exact decimal. */
    pricePerUnit: numeric('price_per_unit', { precision: 14, scale: 4, mode: 'string' }).notNull(),
    unit: tariffUnit('unit').notNull(),
    /** KATO code of the territory the tariff covers (everything under it); null: wherever the supplier serves. */
    territoryKato: char('territory_kato', { length: 9 }),
    consumerCategory: consumerCategory('consumer_category').notNull().default('HOUSEHOLD'),
    /** The volume scale, contiguous from 0 and unbounded at the end (validated by the application). */
    tiers: jsonb('tiers').$type<TariffTier[]>().notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    /** The last day the price applies; null while open-ended. */
    validTo: date('valid_to', { mode: 'string' }),
    /** Null while a draft; readable by everyone once set. */
    publishedAt: timestamptz('published_at'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('tariffs_supplier_service_idx').on(t.supplierId, t.service, t.validFrom),
    index('tariffs_published_idx').on(t.publishedAt).where(sql`${t.publishedAt} is not null`),
    check('tariffs_period_check', sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
    check('tariffs_tiers_check', sql`jsonb_typeof(${t.tiers}) = 'array' and jsonb_array_length(${t.tiers}) > 0`),
  ],
);

export const billingPeriodStatus = utilitiesSchema.enum('billing_period_status', ['OPEN', 'CLOSED']);
export type BillingPeriodStatus = (typeof billingPeriodStatus.enumValues)[number];

/**
 * A supplier's billing periods (p.4.14): one calendar month each, opened and then closed;
 * a closed period's charges are frozen and no tariff may start inside or before it.
 */
export const billingPeriods = utilitiesSchema.table(
  'billing_periods',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    /** The first day of the month. */
    month: date('month', { mode: 'string' }).notNull(),
    status: billingPeriodStatus('status').notNull().default('OPEN'),
    openedAt: timestamptz('opened_at').notNull().defaultNow(),
    closedAt: timestamptz('closed_at'),
  },
  (t) => [
    uniqueIndex('billing_periods_supplier_month_key').on(t.supplierId, t.month),
    check('billing_periods_month_check', sql`extract(day from ${t.month}) = 1`),
    check('billing_periods_closed_check', sql`(${t.status} = 'CLOSED') = (${t.closedAt} is not null)`),
  ],
);

/** Whether a meter measures a whole building (common-house) or one premise (individual) (p.4.12). */
export const meterKind = utilitiesSchema.enum('meter_kind', ['COMMON_HOUSE', 'INDIVIDUAL']);
export type MeterKind = (typeof meterKind.enumValues)[number];

/** Where a meter is in its life. A REMOVED meter takes no readings. */
export const meterStatus = utilitiesSchema.enum('meter_status', ['INSTALLED', 'UNDER_VERIFICATION', 'FAULTY', 'REMOVED']);
export type MeterStatus = (typeof meterStatus.enumValues)[number];

/** Meters (category 12), kept by the supplier that reads them. */
export const meters = utilitiesSchema.table(
  'meters',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    kind: meterKind('kind').notNull(),
    /** The Building entity of the buildings subgraph (no foreign key across schemas). */
    buildingId: uuid('building_id').notNull(),
    /** The premise of an individual meter (its number in the building); null for a common-house meter. */
    premiseNumber: varchar('premise_number', { length: 20 }),
    /** The building's KATO code when the meter was placed: readings copy it, for partition-by-region later. */
    katoCode: varchar('kato_code', { length: 500 }).notNull(),
    service: utilityService('service').notNull(),
    /** The manufacturer's serial number, unique within the supplier (the bulk upsert's match). */
    serialNumber: varchar('serial_number', { length: 50 }).notNull(),
    /** Digits of the counter's integer part: it rolls over from 10^digits − 1 to 0. */
    capacityDigits: smallint('capacity_digits').notNull(),
    /** Tariff zones the meter counts separately, 1 to 3. */
    tariffZones: smallint('tariff_zones').notNull(),
    status: meterStatus('status').notNull(),
    installedAt: date('installed_at', { mode: 'string' }).notNull(),
    sealedAt: date('sealed_at', { mode: 'string' }),
    verifiedAt: date('verified_at', { mode: 'string' }),
    nextVerificationAt: date('next_verification_at', { mode: 'string' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('meters_supplier_serial_number_key').on(t.supplierId, t.serialNumber),
    index('meters_supplier_id_idx').on(t.supplierId, t.id),
    index('meters_building_idx').on(t.buildingId),
    index('meters_next_verification_idx').on(t.nextVerificationAt).where(sql`${t.status} <> 'REMOVED'`),
    check('meters_capacity_digits_check', sql`${t.capacityDigits} between 1 and 12`),
    check('meters_tariff_zones_check', sql`${t.tariffZones} between 1 and 3`),
    check('meters_premise_check', sql`(${t.kind} = 'INDIVIDUAL') = (${t.premiseNumber} is not null)`),
  ],
);

/**
 * Reading windows (p.4.13): the days of the month in which a supplier takes its consumers'
 * readings, one default for the supplier (no building) and one per building overriding it.
 * They drive reminders (`readingReminders`): a meter in service with no reading yet in the
 * month while its window is open. A day past the month's end stands for its last day.
 */
export const readingWindows = utilitiesSchema.table(
  'reading_windows',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    /** The building it applies to; null for the supplier's default window. */
    buildingId: uuid('building_id'),
    firstDay: smallint('first_day').notNull(),
    lastDay: smallint('last_day').notNull(),
    setBy: text('set_by').notNull(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('reading_windows_supplier_building_key').on(t.supplierId, t.buildingId).where(sql`${t.buildingId} is not null`),
    uniqueIndex('reading_windows_supplier_default_key').on(t.supplierId).where(sql`${t.buildingId} is null`),
    check('reading_windows_days_check', sql`${t.firstDay} between 1 and 31 and ${t.lastDay} between ${t.firstDay} and 31`),
  ],
);

/** What a reading is (p.4.13). */
export const readingKind = utilitiesSchema.enum('reading_kind', ['CURRENT', 'CONTROL', 'AT_VERIFICATION']);
export type ReadingKind = (typeof readingKind.enumValues)[number];

/** Who took a reading. */
export const readingSource = utilitiesSchema.enum('reading_source', ['SUPPLIER', 'OWNER', 'CONTROLLER', 'AUTOMATIC']);
export type ReadingSource = (typeof readingSource.enumValues)[number];

/**
 * Meter readings (category 13), one per meter, zone and day. PARTITIONED BY RANGE of
 * `taken_on`, one partition a month: drizzle's table DSL cannot say so, so this declaration
 * serves typing and queries, and migration 0010 creates the table partitioned (its primary
 * key and unique index include `taken_on`, as PostgreSQL requires) with its partitions and
 * `utilities.ensure_reading_partitions`. `kato_code` is the meter's building's, so old
 * months can be detached and the table later distributed by region.
 */
export const meterReadings = utilitiesSchema.table(
  'meter_readings',
  {
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    meterId: uuid('meter_id').notNull(),
    supplierId: uuid('supplier_id').notNull(),
    katoCode: varchar('kato_code', { length: 500 }).notNull(),
    zone: smallint('zone').notNull(),
    takenOn: date('taken_on', { mode: 'string' }).notNull(),
    /** The counter's value, up to 3 decimals. */
    value: numeric('value', { precision: 16, scale: 3, mode: 'string' }).notNull(),
    /** Consumption since the previous reading of the meter and zone (over a rollover when the counter wrapped); null for the first. */
    consumption: numeric('consumption', { precision: 16, scale: 3, mode: 'string' }),
    kind: readingKind('kind').notNull(),
    source: readingSource('source').notNull(),
    /** Consumption far above the meter's recent average: accepted, flagged for review. */
    anomaly: boolean('anomaly').notNull().default(false),
    recordedAt: timestamptz('recorded_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.id, t.takenOn] }), uniqueIndex('meter_readings_meter_zone_day_key').on(t.meterId, t.zone, t.takenOn)],
);

/**
 * What each meter and zone keeps of its last readings: enough to judge the next reading
 * (the last value and the last consumptions, for the rollover and anomaly rules) or a
 * correction of the last one (its id, day, recording time, and the value and consumptions
 * before it). Kept by the readings' own write in the same transaction (ReadingRepository),
 * so a 10,000-reading call reads one row per meter and zone instead of searching the
 * partitions of `meter_readings` (which cost two thirds of the call). `meters` keep theirs
 * until they are deleted; `utilities.rebuild_reading_heads(meter ids)` (migration
 * `reading_heads`) rebuilds them from the readings after readings are written another way.
 */
export const meterReadingHeads = utilitiesSchema.table(
  'meter_reading_heads',
  {
    meterId: uuid('meter_id')
      .notNull()
      .references(() => meters.id, { onDelete: 'cascade' }),
    zone: smallint('zone').notNull(),
    lastId: uuid('last_id').notNull(),
    lastTakenOn: date('last_taken_on', { mode: 'string' }).notNull(),
    lastValue: numeric('last_value', { precision: 16, scale: 3, mode: 'string' }).notNull(),
    lastConsumption: numeric('last_consumption', { precision: 16, scale: 3, mode: 'string' }),
    lastRecordedAt: timestamptz('last_recorded_at').notNull(),
    /** The value of the reading before the last; null when the last is the first. */
    previousValue: numeric('previous_value', { precision: 16, scale: 3, mode: 'string' }),
    /** The consumptions (not null) of the readings before the last, newest first, at most 3 (ANOMALY_WINDOW). */
    earlierConsumptions: numeric('earlier_consumptions', { precision: 16, scale: 3, mode: 'string' }).array().notNull().default(sql`'{}'`),
  },
  (t) => [primaryKey({ columns: [t.meterId, t.zone] })],
);

/** Every correction of a reading, with the value it replaced (p.4.13: corrections always with history). */
export const readingCorrections = utilitiesSchema.table(
  'reading_corrections',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    readingId: uuid('reading_id').notNull(),
    meterId: uuid('meter_id').notNull(),
    zone: smallint('zone').notNull(),
    takenOn: date('taken_on', { mode: 'string' }).notNull(),
    previousValue: numeric('previous_value', { precision: 16, scale: 3, mode: 'string' }).notNull(),
    newValue: numeric('new_value', { precision: 16, scale: 3, mode: 'string' }).notNull(),
    correctedBy: text('corrected_by').notNull(),
    correctedAt: timestamptz('corrected_at').notNull().defaultNow(),
  },
  (t) => [index('reading_corrections_reading_idx').on(t.readingId)],
);

/** What a consumption norm is counted per: registered residents or the premise's m². */
export const normBasis = utilitiesSchema.enum('norm_basis', ['RESIDENT', 'SQUARE_METRE']);
export type NormBasis = (typeof normBasis.enumValues)[number];

/**
 * Consumption norms (p.4.14): the monthly volume billed to an account without a valid
 * reading, per resident or per m², for a supplier's service in a territory (KATO code, the
 * most specific covering the account applies; null: wherever the supplier serves).
 */
export const consumptionNorms = utilitiesSchema.table(
  'consumption_norms',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    service: utilityService('service').notNull(),
    territoryKato: char('territory_kato', { length: 9 }),
    basis: normBasis('basis').notNull(),
    /** Units of the service's tariff per resident or m² per month, exact decimal. */
    volume: numeric('volume', { precision: 14, scale: 4, mode: 'string' }).notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('consumption_norms_supplier_service_idx').on(t.supplierId, t.service, t.validFrom)],
);

/** A charge line: the month's charge, or a recalculation of it that says why. */
export const chargeKind = utilitiesSchema.enum('charge_kind', ['CHARGE', 'RECALCULATION']);
export type ChargeKind = (typeof chargeKind.enumValues)[number];

/** Where a charge's volume came from. */
export const chargeBasis = utilitiesSchema.enum('charge_basis', ['READING', 'NORM']);
export type ChargeBasis = (typeof chargeBasis.enumValues)[number];

/**
 * Charges per personal account and billing period (p.4.14), in tiyn. One CHARGE per account
 * and period; a later change of it is a RECALCULATION line of the difference with its reason.
 * A closed period's lines are frozen (the application refuses writes to them). Partitioned by
 * `month` (migration 0019, hand-edited like 0010's readings): a query naming the month reads one
 * partition, and old months can be detached and archived.
 */
export const charges = utilitiesSchema.table(
  'charges',
  {
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => personalAccounts.id),
    billingPeriodId: uuid('billing_period_id')
      .notNull()
      .references(() => billingPeriods.id),
    /** The first day of the billing period's month: the partition key (migration 0019). */
    month: date('month', { mode: 'string' }).notNull(),
    /** KATO code of the account's building when charged: for archiving and distributing by region. */
    katoCode: varchar('kato_code', { length: 500 }).notNull(),
    service: utilityService('service').notNull(),
    kind: chargeKind('kind').notNull(),
    basis: chargeBasis('basis').notNull(),
    /** Volume billed in the tariff's unit (for a recalculation: the corrected volume). */
    volume: numeric('volume', { precision: 14, scale: 4, mode: 'string' }).notNull(),
    tariffId: uuid('tariff_id')
      .notNull()
      .references(() => tariffs.id),
    /** Tiyn; a recalculation's may be negative. */
    amountTiyn: bigint('amount_tiyn', { mode: 'bigint' }).notNull(),
    /** Why a recalculation was made; null on a CHARGE. */
    reason: text('reason'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.month] }),
    uniqueIndex('charges_one_charge_per_period_key').on(t.accountId, t.month, t.billingPeriodId).where(sql`${t.kind} = 'CHARGE'`),
    index('charges_period_idx').on(t.billingPeriodId, t.accountId),
    index('charges_account_month_idx').on(t.accountId, t.month),
    check('charges_reason_check', sql`(${t.kind} = 'RECALCULATION') = (${t.reason} is not null)`),
  ],
);

/** How a payment reached the supplier. */
export const paymentChannel = utilitiesSchema.enum('payment_channel', ['BANK', 'AGENT']);
export type PaymentChannel = (typeof paymentChannel.enumValues)[number];

/**
 * Payments received through banks and agents (p.4.14), each matched to the payment document
 * it pays: the account's document of a billing period. What exceeds the document is the
 * account's advance. One payment per supplier, agent and the agent's own reference.
 */
export const payments = utilitiesSchema.table(
  'payments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => personalAccounts.id),
    /** The period whose payment document this pays. */
    billingPeriodId: uuid('billing_period_id')
      .notNull()
      .references(() => billingPeriods.id),
    amountTiyn: bigint('amount_tiyn', { mode: 'bigint' }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    channel: paymentChannel('channel').notNull(),
    agentName: varchar('agent_name', { length: 200 }).notNull(),
    /** The bank's or agent's own reference of the payment. */
    reference: varchar('reference', { length: 100 }).notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('payments_supplier_agent_reference_key').on(t.supplierId, t.agentName, t.reference),
    index('payments_account_period_idx').on(t.accountId, t.billingPeriodId),
    check('payments_amount_check', sql`${t.amountTiyn} > 0`),
  ],
);

/** Kinds of utility engineering networks (category 15). */
export const networkKind = utilitiesSchema.enum('network_kind', ['HEAT', 'WATER', 'SEWERAGE', 'SEWAGE_TREATMENT', 'ELECTRICITY', 'GAS']);
export type NetworkKind = (typeof networkKind.enumValues)[number];

/**
 * Utility engineering networks (category 15), each owned by a supplier of the register (a
 * natural monopoly as a rule). Their figures are the open part; which buildings a network
 * serves is read by its owner, national bodies and the local executive body of its territory.
 */
export const engineeringNetworks = utilitiesSchema.table(
  'engineering_networks',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    kind: networkKind('kind').notNull(),
    name: text('name').notNull(),
    /** KATO code of the territory the network lies in. */
    territoryKato: char('territory_kato', { length: 9 }).notNull(),
    /** Length in kilometres; null for a facility without one (a treatment plant). */
    lengthKm: numeric('length_km', { precision: 10, scale: 3, mode: 'string' }),
    yearCommissioned: smallint('year_commissioned').notNull(),
    /** Physical wear, 0 to 100 per cent. */
    wearPercent: numeric('wear_percent', { precision: 5, scale: 2, mode: 'string' }).notNull(),
    lastRepairOn: date('last_repair_on', { mode: 'string' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('engineering_networks_supplier_idx').on(t.supplierId, t.id),
    index('engineering_networks_territory_idx').on(t.territoryKato.op('bpchar_pattern_ops')),
    check('engineering_networks_wear_check', sql`${t.wearPercent} between 0 and 100`),
    check('engineering_networks_length_check', sql`${t.lengthKm} is null or ${t.lengthKm} >= 0`),
  ],
);

/** The buildings of the register a network serves. */
export const networkBuildings = utilitiesSchema.table(
  'network_buildings',
  {
    networkId: uuid('network_id')
      .notNull()
      .references(() => engineeringNetworks.id),
    buildingId: uuid('building_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.networkId, t.buildingId] }), index('network_buildings_building_idx').on(t.buildingId)],
);

/** What a consumer asks of a supplier (p.29). */
export const consumerRequestKind = utilitiesSchema.enum('consumer_request_kind', ['COMPLAINT', 'OUTAGE_REPORT', 'RECALCULATION_REQUEST']);
export type ConsumerRequestKind = (typeof consumerRequestKind.enumValues)[number];

/** Where a consumer request is: ANSWERED and REJECTED are final. */
export const consumerRequestStatus = utilitiesSchema.enum('consumer_request_status', ['SUBMITTED', 'IN_PROGRESS', 'ANSWERED', 'REJECTED']);
export type ConsumerRequestStatus = (typeof consumerRequestStatus.enumValues)[number];

/**
 * Consumers' requests about a personal account (p.29), routed to the supplier keeping it:
 * read by the person who submitted it and by that supplier only.
 */
export const consumerRequests = utilitiesSchema.table(
  'consumer_requests',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => personalAccounts.id),
    kind: consumerRequestKind('kind').notNull(),
    text: text('text').notNull(),
    status: consumerRequestStatus('status').notNull().default('SUBMITTED'),
    /** The person of the access subgraph who submitted it (no foreign key across schemas). */
    submittedBy: uuid('submitted_by').notNull(),
    submittedAt: timestamptz('submitted_at').notNull().defaultNow(),
    /** The last day for the supplier's answer. */
    deadline: date('deadline', { mode: 'string' }).notNull(),
    answer: text('answer'),
    answeredAt: timestamptz('answered_at'),
    /** `person:<id>` or `digital-object:<id>` of the supplier's side. */
    answeredBy: text('answered_by'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('consumer_requests_supplier_idx').on(t.supplierId, t.id),
    index('consumer_requests_submitted_by_idx').on(t.submittedBy, t.id),
    check('consumer_requests_answer_check', sql`${t.status} not in ('ANSWERED', 'REJECTED') or ${t.answer} is not null`),
  ],
);

/** Whether an interruption was announced ahead or happened. */
export const outageKind = utilitiesSchema.enum('outage_kind', ['PLANNED', 'EMERGENCY']);
export type OutageKind = (typeof outageKind.enumValues)[number];

/** Interruptions of a service published by its supplier: the open part (residents and the public read them). */
export const outages = utilitiesSchema.table(
  'outages',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    service: utilityService('service').notNull(),
    kind: outageKind('kind').notNull(),
    startsAt: timestamptz('starts_at').notNull(),
    /** Null while an emergency's end is not known. */
    endsAt: timestamptz('ends_at'),
    /** What residents are told, as the supplier wrote it. */
    message: text('message').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('outages_supplier_idx').on(t.supplierId, t.id),
    check('outages_period_check', sql`${t.endsAt} is null or ${t.endsAt} > ${t.startsAt}`),
    check('outages_planned_end_check', sql`${t.kind} = 'EMERGENCY' or ${t.endsAt} is not null`),
  ],
);

/** The buildings an outage affects, with each building's KATO code for territorial lists. */
export const outageBuildings = utilitiesSchema.table(
  'outage_buildings',
  {
    outageId: uuid('outage_id')
      .notNull()
      .references(() => outages.id),
    buildingId: uuid('building_id').notNull(),
    katoCode: varchar('kato_code', { length: 500 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.outageId, t.buildingId] }),
    index('outage_buildings_building_idx').on(t.buildingId),
    index('outage_buildings_kato_idx').on(t.katoCode.op('text_pattern_ops')),
  ],
);

/** What happened to a personal account. */
export const accountChange = utilitiesSchema.enum('account_change', ['OPENED', 'UPDATED', 'CLOSED']);
export type AccountChange = (typeof accountChange.enumValues)[number];

/**
 * Append-only history of personal accounts (p.4.11), written by every write of an account:
 * who, when, and the old and new value of each field that changed. The holder's name and IIN
 * are personal data and never copied here: only that they changed.
 */
export const personalAccountHistory = utilitiesSchema.table(
  'personal_account_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => personalAccounts.id),
    change: accountChange('change').notNull(),
    /** `person:<id>` or `digital-object:<id>`. */
    changedBy: text('changed_by').notNull(),
    changedAt: timestamptz('changed_at').notNull().defaultNow(),
    /** `{ field: { old, new } }` for each field that changed, personal data left out. */
    changes: jsonb('changes').$type<Record<string, { old: unknown; new: unknown }>>().notNull(),
    /** Names of the holder's personal-data fields that changed (their values are not kept). */
    personalDataChanged: text('personal_data_changed').array().notNull().default(sql`'{}'`),
  },
  (t) => [index('personal_account_history_account_idx').on(t.accountId, t.id)],
);

// ── Summaries of the analytics (issue 10): kept current by statement-level triggers in the
// writing transaction (migration `utilities_summaries`, hand-edited), one row per district (the first 4 digits
// of the KATO code) and dimension values; a region or the country sums its districts' rows.
// A bulk load may skip the triggers (`set local utilities.bulk_load = 'on'`) and call
// `utilities.rebuild_analytics_summaries()` after: it recomputes them all from the records.

/**
 * Readings taken per district and month (by the reading's KATO code). Not per service nor
 * meter: those need a look-up per reading, which the bulk ingest cannot afford (migration `utilities_summaries`).
 */
export const readingCounts = utilitiesSchema.table(
  'reading_counts',
  {
    district: varchar('district', { length: 4 }).notNull(),
    /** The first day of the month the readings were taken in. */
    month: date('month', { mode: 'string' }).notNull(),
    readings: bigint('readings', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.district, t.month] })],
);

/**
 * Tiyn billed (charges and recalculations, at the charge's KATO code) and paid (at the
 * account's building's code) per district, service and month of the billing period.
 */
export const moneyCounts = utilitiesSchema.table(
  'money_counts',
  {
    district: varchar('district', { length: 4 }).notNull(),
    service: utilityService('service').notNull(),
    /** The first day of the billing period's month. */
    month: date('month', { mode: 'string' }).notNull(),
    billedTiyn: bigint('billed_tiyn', { mode: 'bigint' }).notNull(),
    paidTiyn: bigint('paid_tiyn', { mode: 'bigint' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.district, t.service, t.month] })],
);

/**
 * Per premises and service: its open personal accounts and its individual meters not removed.
 * The step between the records and `coverage_counts`, so that a meter placed or removed
 * changes the coverage of the accounts it serves without reading them.
 */
export const premiseServiceCounts = utilitiesSchema.table(
  'premise_service_counts',
  {
    buildingId: uuid('building_id').notNull(),
    premiseNumber: varchar('premise_number', { length: 20 }).notNull(),
    service: utilityService('service').notNull(),
    /** The building's district when the first record of the premises and service came. */
    district: varchar('district', { length: 4 }).notNull(),
    openAccounts: integer('open_accounts').notNull(),
    workingMeters: integer('working_meters').notNull(),
  },
  (t) => [primaryKey({ columns: [t.buildingId, t.premiseNumber, t.service] })],
);

/** Open accounts of premises per district and service, and those whose premises has a working individual meter. */
export const coverageCounts = utilitiesSchema.table(
  'coverage_counts',
  {
    district: varchar('district', { length: 4 }).notNull(),
    service: utilityService('service').notNull(),
    accounts: integer('accounts').notNull(),
    metered: integer('metered').notNull(),
  },
  (t) => [primaryKey({ columns: [t.district, t.service] })],
);
// ── Published views: what other subgraphs may read of this one (read-only, no personal data).

/**
 * Suppliers' duties: meters in service due for verification on their next verification date
 * (category 12, p.4.12), and published tariffs that end with no published successor for the
 * same service, territory and consumer category (category 14, p.4.14), due on their last day;
 * and consumers' requests (p.29) the supplier keeping the account has not answered, due on
 * their deadline (15 working days after submission), located at the account's building.
 */
export const publishedUtilityDuties = utilitiesSchema.view('published_duties', dutyViewColumns()).as(sql`
  select 'METER_VERIFICATION'::text as kind, 'p.4.12'::text as rule_point, 'Meter'::text as object_type,
         m.id as object_id, s.subject_id, m.kato_code::text as kato_code, m.next_verification_at as nominal_date
    from utilities.meters m
    join utilities.suppliers s on s.id = m.supplier_id
   where m.status <> 'REMOVED' and m.next_verification_at is not null
  union all
  select 'TARIFF_EXPIRY', 'p.4.14', 'Tariff', t.id, s.subject_id, t.territory_kato::text, t.valid_to
    from utilities.tariffs t
    join utilities.suppliers s on s.id = t.supplier_id
   where t.published_at is not null and t.valid_to is not null
     and not exists (
       select 1 from utilities.tariffs n
        where n.supplier_id = t.supplier_id and n.service = t.service and n.consumer_category = t.consumer_category
          and n.territory_kato is not distinct from t.territory_kato
          and n.published_at is not null and n.valid_from = t.valid_to + 1)
  union all
  select 'CONSUMER_REQUEST_ANSWER', 'p.29', 'ConsumerRequest', r.id, s.subject_id, pb.kato_code::text, r.deadline
    from utilities.consumer_requests r
    join utilities.suppliers s on s.id = r.supplier_id
    join utilities.personal_accounts a on a.id = r.account_id
    join buildings.published_buildings pb on pb.id = a.building_id
   where r.status in ('SUBMITTED', 'IN_PROGRESS')`);

/**
 * What the utilities register holds for each building and service (issue 10, data quality):
 * a service is recorded for a building when a supplier's passport lists the building, or an
 * open personal account or a meter in service is kept there; with how many of each.
 */
export const publishedBuildingSupply = utilitiesSchema
  .view('published_building_supply', {
    buildingId: uuid('building_id').notNull(),
    service: text('service').notNull(),
    openAccounts: integer('open_accounts').notNull(),
    metersInService: integer('meters_in_service').notNull(),
  })
  .as(sql`
  select u.building_id, u.service::text as service,
         count(*) filter (where u.source = 'account')::int as open_accounts,
         count(*) filter (where u.source = 'meter')::int as meters_in_service
    from (
      select a.building_id, a.service, 'account' as source from utilities.personal_accounts a where a.closed_at is null
      union all
      select m.building_id, m.service, 'meter' from utilities.meters m where m.status <> 'REMOVED'
      union all
      select sb.building_id, service, 'passport' from utilities.supplier_buildings sb
        join utilities.suppliers s on s.id = sb.supplier_id, unnest(s.services) as service
    ) u
   group by u.building_id, u.service`);

/** Published tariffs (the open part, p.21): what the open-data statistics average per service. */
export const publishedTariffs = utilitiesSchema
  .view('published_tariffs', {
    id: uuid('id').notNull(),
    service: text('service').notNull(),
    unit: text('unit').notNull(),
    consumerCategory: text('consumer_category').notNull(),
    territoryKato: text('territory_kato'),
    pricePerUnit: numeric('price_per_unit', { precision: 14, scale: 4, mode: 'string' }).notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
  })
  .as(sql`
  select t.id, t.service::text as service, t.unit::text as unit, t.consumer_category::text as consumer_category,
         t.territory_kato::text as territory_kato, t.price_per_unit, t.valid_from, t.valid_to
    from utilities.tariffs t
   where t.published_at is not null`);
