import { sql } from 'drizzle-orm';
import { check, date, index, numeric, pgSchema, text, timestamp, uniqueIndex, uuid, varchar, char, integer } from 'drizzle-orm/pg-core';

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
  },
  (t) => [
    uniqueIndex('suppliers_subject_id_key').on(t.subjectId),
    uniqueIndex('suppliers_bin_key').on(t.bin),
    check('suppliers_services_check', sql`cardinality(${t.services}) > 0`),
  ],
);

/**
 * Consumers' personal accounts (category 11). Holder name and IIN are personal data:
 * only the supplier that keeps the account and callers with PERSONAL_DATA_READ see them.
 */
export const personalAccounts = utilitiesSchema.table(
  'personal_accounts',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id').notNull().references(() => suppliers.id),
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

/** Tariffs of suppliers (category 14); published ones are the open part (p.21). */
export const tariffs = utilitiesSchema.table(
  'tariffs',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id').notNull().references(() => suppliers.id),
    service: utilityService('service').notNull(),
    /** Tenge per unit, exact decimal. */
    pricePerUnit: numeric('price_per_unit', { precision: 14, scale: 4, mode: 'string' }).notNull(),
    unit: tariffUnit('unit').notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    /** Null while a draft; readable by everyone once set. */
    publishedAt: timestamptz('published_at'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('tariffs_supplier_service_idx').on(t.supplierId, t.service, t.validFrom),
    index('tariffs_published_idx').on(t.publishedAt).where(sql`${t.publishedAt} is not null`),
  ],
);
