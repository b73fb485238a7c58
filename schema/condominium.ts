import { sql } from 'drizzle-orm';
import {
  char,
  check,
  customType,
  date,
  index,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

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

/** Raw bytes (PostgreSQL `bytea`), read and written as Buffers. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

// ── Documents (p.7): electronic documents and scans attached to reports, protocols, contracts and requests.

/** An upload is UPLOADING until its last byte arrives and its SHA-256 matches the declared one, then STORED. */
export const documentStatus = condominiumSchema.enum('document_status', ['UPLOADING', 'STORED']);
export type DocumentStatus = (typeof documentStatus.enumValues)[number];

/** A document's description and the proof of its content (size, SHA-256); the bytes are in the document store. */
export const documents = condominiumSchema.table(
  'documents',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The building the document concerns (buildings subgraph; no foreign key across schemas): who may read it follows from it. */
    buildingId: uuid('building_id').notNull(),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    /** Declared when the upload begins; bounded by the store's limit (20 MiB). */
    size: integer('size').notNull(),
    /** Declared when the upload begins (lower-case hex); the content is refused unless it hashes to it. */
    sha256: char('sha256', { length: 64 }).notNull(),
    status: documentStatus('status').notNull().default('UPLOADING'),
    /** `person:<id>` or `digital-object:<id>`. */
    uploadedBy: text('uploaded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    storedAt: timestamp('stored_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('documents_building_idx').on(t.buildingId, t.createdAt),
    check('documents_size_check', sql`${t.size} > 0 and ${t.size} <= 20971520`),
    check('documents_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('documents_stored_check', sql`(${t.status} = 'STORED') = (${t.storedAt} is not null)`),
  ],
);

/**
 * The content of documents kept in PostgreSQL (the default document store): in parts of at
 * most 4 MiB, as they were uploaded, so that no statement moves more than one part.
 */
export const documentParts = condominiumSchema.table(
  'document_parts',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    /** Position of the part's first byte in the document. */
    offset: integer('offset').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [primaryKey({ name: 'document_parts_pkey', columns: [t.documentId, t.offset] })],
);

/** The kinds of record a document can be attached to (categories 5–8 of p.4). */
export const attachedRecordKind = condominiumSchema.enum('attached_record_kind', ['REPORT', 'PROTOCOL', 'CONTRACT', 'REQUEST']);
export type AttachedRecordKind = (typeof attachedRecordKind.enumValues)[number];

/** Which documents are attached to which record; the record is of this schema, named by kind and id. */
export const documentAttachments = condominiumSchema.table(
  'document_attachments',
  {
    recordKind: attachedRecordKind('record_kind').notNull(),
    recordId: uuid('record_id').notNull(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    /** Order in which the record lists its documents. */
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ name: 'document_attachments_pkey', columns: [t.recordKind, t.recordId, t.documentId] }),
    index('document_attachments_document_idx').on(t.documentId),
  ],
);

// ── Signed publications (p.8, p.28): reports and protocols are published only once signed with an EDS.

/** The kinds of record published under a signature. */
export const publishedRecordKind = condominiumSchema.enum('published_record_kind', ['REPORT', 'PROTOCOL']);
export type PublishedRecordKind = (typeof publishedRecordKind.enumValues)[number];

/**
 * A record's signature: the exact bytes signed (the record's canonical form), the detached
 * CMS signature, who signed (as verified from the certificate) and when, and the short code
 * printed on paper for verification. Written when the signature is accepted; `published_at`
 * set when the record is published. Never changed after publication.
 */
export const signedPublications = condominiumSchema.table(
  'signed_publications',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    recordKind: publishedRecordKind('record_kind').notNull(),
    /** The report's or protocol's id (this schema). */
    recordId: uuid('record_id').notNull(),
    buildingId: uuid('building_id').notNull(),
    /** What the verification page calls the record, e.g. "Monthly report for 2026-10". */
    title: text('title').notNull(),
    /** The short verification code printed on paper (Crockford base32, e.g. `7KQ2-M9XD-4TRA`). */
    code: text('code').notNull(),
    content: bytea('content').notNull(),
    contentSha256: char('content_sha256', { length: 64 }).notNull(),
    /** DER of the CMS SignedData. */
    signature: bytea('signature').notNull(),
    /** The organisation's BIN from the certificate (OU=BIN…): public (p.25). */
    signerBin: char('signer_bin', { length: 12 }),
    /** The organisation's name as this system knows it (the managing subject): public (p.25). */
    signerOrganisationName: text('signer_organisation_name'),
    /** The signing person's IIN and name from the certificate: personal data, never in the open part. */
    signerIin: char('signer_iin', { length: 12 }),
    signerCommonName: text('signer_common_name'),
    certificateSerial: text('certificate_serial').notNull(),
    certificateIssuer: text('certificate_issuer').notNull(),
    /** The signature's signingTime, or the moment it was verified when it carries none. */
    signedAt: timestamp('signed_at', { withTimezone: true, mode: 'date' }).notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }).notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('signed_publications_record_key').on(t.recordKind, t.recordId),
    uniqueIndex('signed_publications_code_key').on(t.code),
    index('signed_publications_building_idx').on(t.buildingId),
  ],
);
