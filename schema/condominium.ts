import { sql } from 'drizzle-orm';
import { check, date, index, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Condominium management: who runs each building (categories 2–8 grow here). */
export const condominiumSchema = pgSchema('condominium');

/** The subject kinds that may manage a building. */
export const managementSubjectKind = condominiumSchema.enum('management_subject_kind', ['OSI', 'MANAGEMENT_COMPANY']);
export type ManagementSubjectKind = (typeof managementSubjectKind.enumValues)[number];

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
  ],
);
