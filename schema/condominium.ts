import { sql } from 'drizzle-orm';
import { boolean, check, date, index, pgSchema, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';

/** Condominium management: who runs each building (categories 2–8 grow here). */
export const condominiumSchema = pgSchema('condominium');

/**
 * The subject kinds that may manage a building: an OSI, a management company, and under
 * direct joint management the owners' representative, an individual registered as a
 * PREMISES_OWNER subject (so the grants of the access subgraph let them act for it).
 */
export const managementSubjectKind = condominiumSchema.enum('management_subject_kind', ['OSI', 'MANAGEMENT_COMPANY', 'PREMISES_OWNER']);
export type ManagementSubjectKind = (typeof managementSubjectKind.enumValues)[number];

/** The forms of management of p.4.2 and Order 129, item 2. */
export const managementForm = condominiumSchema.enum('management_form', [
  /** By the owners' association of the building. */
  'OSI',
  /** By a management company under a contract with the owners. */
  'MANAGEMENT_COMPANY',
  /** Direct joint management by the owners, through one representative (a person). */
  'DIRECT_JOINT_MANAGEMENT',
  /** A management company appointed by the local executive body or its housing inspection. */
  'TEMPORARY_MANAGEMENT_COMPANY',
]);
export type ManagementForm = (typeof managementForm.enumValues)[number];

/** Which OSI or management company runs a building, over time. */
export const managementAssignments = condominiumSchema.table(
  'management_assignments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The Building entity of the buildings subgraph (no foreign key across schemas). */
    buildingId: uuid('building_id').notNull(),
    /** The OSI's or company's subject in the access schema (no foreign key across schemas). */
    managementSubjectId: uuid('management_subject_id').notNull(),
    /** Copied from the subject when assigned, so the open part reads it without the access schema. */
    managementSubjectKind: managementSubjectKind('management_subject_kind').notNull(),
    /** Rows before the forms existed were OSIs or companies under contract: the default backfills them by kind in the migration. */
    form: managementForm('form').notNull(),
    /** Management company under contract: the contract's number and date, when given. */
    contractNumber: varchar('contract_number', { length: 100 }),
    contractDate: date('contract_date', { mode: 'string' }),
    /** Temporary management company: its certificate of no tax, pension and social-contribution debt. */
    taxCertificateNumber: varchar('tax_certificate_number', { length: 100 }),
    taxCertificateIssuedOn: date('tax_certificate_issued_on', { mode: 'string' }),
    /** Temporary management company: the local executive body (subject) that appointed it. */
    appointedBySubjectId: uuid('appointed_by_subject_id'),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    /** Set when the next assignment starts; null while current. */
    validTo: date('valid_to', { mode: 'string' }),
    /** `person:<id>` or `digital-object:<id>`. */
    assignedBy: text('assigned_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    // At most one open assignment per building.
    uniqueIndex('management_assignments_building_open_key').on(t.buildingId).where(sql`${t.validTo} is null`),
    index('management_assignments_building_idx').on(t.buildingId, t.validFrom),
    index('management_assignments_subject_idx').on(t.managementSubjectId),
    check('management_assignments_period_check', sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
    check(
      'management_assignments_form_kind_check',
      // Compared as text: the migration that adds PREMISES_OWNER to the enum cannot use the new value in its own transaction.
      sql`(${t.form} = 'OSI' and ${t.managementSubjectKind}::text = 'OSI')
        or (${t.form} in ('MANAGEMENT_COMPANY', 'TEMPORARY_MANAGEMENT_COMPANY') and ${t.managementSubjectKind}::text = 'MANAGEMENT_COMPANY')
        or (${t.form} = 'DIRECT_JOINT_MANAGEMENT' and ${t.managementSubjectKind}::text = 'PREMISES_OWNER')`,
    ),
    check(
      'management_assignments_temporary_check',
      sql`(${t.form} = 'TEMPORARY_MANAGEMENT_COMPANY') = (${t.taxCertificateNumber} is not null and ${t.taxCertificateIssuedOn} is not null)`,
    ),
  ],
);

/**
 * Members of a building's house council: owners, each for one premises of the building,
 * over a period. Personal data: the IIN and name of each member.
 */
export const houseCouncilMembers = condominiumSchema.table(
  'house_council_members',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The Building entity of the buildings subgraph. */
    buildingId: uuid('building_id').notNull(),
    /** The premises (buildings subgraph) whose owner the member is. */
    premiseId: uuid('premise_id').notNull(),
    /** The member's IIN, one of the premises' owners in the register. */
    iin: varchar('iin', { length: 12 }).notNull(),
    fullName: text('full_name').notNull(),
    /** The council's chair. */
    chair: boolean('chair').notNull().default(false),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    /** The first day the person is no longer a member; null while they are. */
    validTo: date('valid_to', { mode: 'string' }),
    /** `person:<id>` or `digital-object:<id>`. */
    recordedBy: text('recorded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('house_council_members_building_idx').on(t.buildingId, t.validFrom),
    // A person sits on a building's council once at a time.
    uniqueIndex('house_council_members_open_key').on(t.buildingId, t.iin).where(sql`${t.validTo} is null`),
    // One chair at a time.
    uniqueIndex('house_council_members_chair_key').on(t.buildingId).where(sql`${t.chair} and ${t.validTo} is null`),
    check('house_council_members_period_check', sql`${t.validTo} is null or ${t.validTo} > ${t.validFrom}`),
    check('house_council_members_iin_check', sql`${t.iin} ~ '^[0-9]{12}$'`),
  ],
);
