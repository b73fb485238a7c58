import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  check,
  date,
  index,
  integer,
  pgSchema,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

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

// ── Planned works (p.4.4), owners' requests (p.4.7) and contracts (p.4.8). Money is integer tiyn.

/** Where a planned work on common property stands. */
export const plannedWorkStatus = condominiumSchema.enum('planned_work_status', ['PLANNED', 'IN_PROGRESS', 'DONE', 'CANCELLED']);
export type PlannedWorkStatus = (typeof plannedWorkStatus.enumValues)[number];

/** Works on a building's common property that its manager plans, carries out and closes (p.4.4). Open part: no personal data. */
export const plannedWorks = condominiumSchema.table(
  'planned_works',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    buildingId: uuid('building_id').notNull(),
    /** The manager that placed the work (the building's management subject at the time). */
    managementSubjectId: uuid('management_subject_id').notNull(),
    title: varchar('title', { length: 300 }).notNull(),
    description: text('description'),
    /** The estimated cost, in tiyn (1/100 tenge). */
    plannedCostTiyn: bigint('planned_cost_tiyn', { mode: 'bigint' }).notNull(),
    /** What the work cost, in tiyn; set when it is done. */
    actualCostTiyn: bigint('actual_cost_tiyn', { mode: 'bigint' }),
    plannedStart: date('planned_start', { mode: 'string' }).notNull(),
    plannedEnd: date('planned_end', { mode: 'string' }).notNull(),
    startedOn: date('started_on', { mode: 'string' }),
    completedOn: date('completed_on', { mode: 'string' }),
    status: plannedWorkStatus('status').notNull().default('PLANNED'),
    cancellationReason: text('cancellation_reason'),
    /** `person:<id>` or `digital-object:<id>`. */
    placedBy: text('placed_by').notNull(),
    /** Bumped by every change: `expectedVersion` guards against lost updates. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('planned_works_building_idx').on(t.buildingId, t.plannedStart),
    check('planned_works_cost_check', sql`${t.plannedCostTiyn} >= 0 and (${t.actualCostTiyn} is null or ${t.actualCostTiyn} >= 0)`),
    check('planned_works_period_check', sql`${t.plannedEnd} >= ${t.plannedStart}`),
  ],
);

/**
 * The categories of owners' requests and the default deadline of each (p.4.7): reference
 * data, loaded by a migration and changed as data, never in code.
 */
export const requestCategories = condominiumSchema.table(
  'request_categories',
  {
    code: varchar('code', { length: 40 }).primaryKey(),
    nameKk: text('name_kk').notNull(),
    nameRu: text('name_ru').notNull(),
    /** Calendar days from submission (in Almaty) to the day the request is due. */
    defaultDeadlineDays: integer('default_deadline_days').notNull(),
  },
  (t) => [check('request_categories_deadline_check', sql`${t.defaultDeadlineDays} between 1 and 365`)],
);

/** Where an owner's request stands: submitted → accepted → in progress → done; rejected with a reason; reopened by its requester. */
export const ownerRequestStatus = condominiumSchema.enum('owner_request_status', [
  'SUBMITTED',
  'ACCEPTED',
  'IN_PROGRESS',
  'DONE',
  'REJECTED',
  'REOPENED',
]);
export type OwnerRequestStatus = (typeof ownerRequestStatus.enumValues)[number];

/** An owner's or resident's request to the building's manager (p.4.7). The requester and the text are personal data. */
export const ownerRequests = condominiumSchema.table(
  'owner_requests',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    buildingId: uuid('building_id').notNull(),
    /** The premises the request concerns (buildings subgraph); null for common property. */
    premiseId: uuid('premise_id'),
    categoryCode: varchar('category_code', { length: 40 })
      .notNull()
      .references(() => requestCategories.code),
    description: text('description').notNull(),
    /** A phone number the manager may call back on, when the requester gave one. */
    contactPhone: varchar('contact_phone', { length: 20 }),
    /** The person who filed it (access subgraph): only they reopen and rate it. */
    requesterPersonId: uuid('requester_person_id').notNull(),
    status: ownerRequestStatus('status').notNull().default('SUBMITTED'),
    /** Submission day plus the category's default deadline; moved the same way when reopened. */
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    rejectionReason: text('rejection_reason'),
    /** The requester's rating of the work, 1 to 5, once it is done. */
    rating: smallint('rating'),
    ratingComment: text('rating_comment'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** When it was last done: cleared on reopening. */
    doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('owner_requests_building_idx').on(t.buildingId, t.submittedAt),
    index('owner_requests_requester_idx').on(t.requesterPersonId, t.submittedAt),
    // The overdue lists read only open requests past their day.
    index('owner_requests_open_due_idx').on(t.dueOn).where(sql`${t.status} not in ('DONE', 'REJECTED')`),
    check('owner_requests_rating_check', sql`${t.rating} is null or ${t.rating} between 1 and 5`),
    check('owner_requests_rejection_check', sql`${t.status} <> 'REJECTED' or ${t.rejectionReason} is not null`),
  ],
);

/** Every status an owner's request took, who moved it there and why: its history. */
export const ownerRequestEvents = condominiumSchema.table(
  'owner_request_events',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    requestId: uuid('request_id')
      .notNull()
      .references(() => ownerRequests.id),
    status: ownerRequestStatus('status').notNull(),
    /** The rejection's or the reopening's reason. */
    reason: text('reason'),
    /** `person:<id>` or `digital-object:<id>`. */
    changedBy: text('changed_by').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('owner_request_events_request_idx').on(t.requestId, t.changedAt)],
);

/** A contract the building's manager concluded with a counterparty for the building (p.4.8). Open part: organisations only. */
export const contracts = condominiumSchema.table(
  'contracts',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    buildingId: uuid('building_id').notNull(),
    /** The party on the building's side: its management subject when the contract was placed. */
    managementSubjectId: uuid('management_subject_id').notNull(),
    /** The contract's own number, as the parties wrote it. */
    number: varchar('number', { length: 100 }).notNull(),
    /** What the contract is about (cleaning, lift maintenance …). */
    subject: text('subject').notNull(),
    counterpartyName: varchar('counterparty_name', { length: 300 }).notNull(),
    /** The counterparty's BIN (an organisation: no personal data). */
    counterpartyBin: char('counterparty_bin', { length: 12 }).notNull(),
    signedOn: date('signed_on', { mode: 'string' }).notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    /** Null for a contract without an end date. */
    validTo: date('valid_to', { mode: 'string' }),
    amountTiyn: bigint('amount_tiyn', { mode: 'bigint' }).notNull(),
    placedBy: text('placed_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('contracts_building_idx').on(t.buildingId, t.validFrom),
    uniqueIndex('contracts_building_number_key').on(t.buildingId, t.number),
    check('contracts_amount_check', sql`${t.amountTiyn} >= 0`),
    check('contracts_period_check', sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
  ],
);
