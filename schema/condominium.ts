import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  char,
  check,
  customType,
  date,
  index,
  integer,
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

// ── Reports (p.5): monthly and annual reports of a building's management, machine-readable.

export const reportKind = condominiumSchema.enum('report_kind', ['MONTHLY', 'ANNUAL']);
export type ReportKind = (typeof reportKind.enumValues)[number];

/** DRAFT → SIGNED (a valid EDS of the manager) → PUBLISHED; a published report never changes. */
export const reportStatus = condominiumSchema.enum('report_status', ['DRAFT', 'SIGNED', 'PUBLISHED']);
export type ReportStatus = (typeof reportStatus.enumValues)[number];

export const reportLineDirection = condominiumSchema.enum('report_line_direction', ['INCOME', 'EXPENSE']);

/**
 * How a published report reaches the owners and the house council (p.5): through digital
 * objects (this system, the OSI's application), and/or posted in a publicly accessible place.
 */
export const reportChannel = condominiumSchema.enum('report_channel', ['DIGITAL_OBJECT', 'POSTED_PUBLICLY']);
export type ReportChannel = (typeof reportChannel.enumValues)[number];

/**
 * One version of a building's report for one period. Money in tiyn. A correction of a
 * published report is a new version naming the one it replaces, with the reason.
 */
export const reports = condominiumSchema.table(
  'reports',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The Building entity of the buildings subgraph (no foreign key across schemas). */
    buildingId: uuid('building_id').notNull(),
    kind: reportKind('kind').notNull(),
    /** The period's first day: the 1st of the month (MONTHLY) or 1 January (ANNUAL). */
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    /** 1 for the first report of the period, one more for each correction. */
    version: integer('version').notNull(),
    /** The published version this one corrects; null for the first. */
    replacesId: uuid('replaces_id').references((): AnyPgColumn => reports.id),
    correctionReason: text('correction_reason'),
    status: reportStatus('status').notNull().default('DRAFT'),
    /** The subject (access subgraph) that managed the building when the report was drafted: whose signature it needs. */
    managerSubjectId: uuid('manager_subject_id').notNull(),
    openingBalance: bigint('opening_balance', { mode: 'bigint' }).notNull(),
    incomeTotal: bigint('income_total', { mode: 'bigint' }).notNull(),
    expenseTotal: bigint('expense_total', { mode: 'bigint' }).notNull(),
    closingBalance: bigint('closing_balance', { mode: 'bigint' }).notNull(),
    /** The capital-repair fund over the period (category 3). */
    fundOpeningBalance: bigint('fund_opening_balance', { mode: 'bigint' }).notNull(),
    fundContributions: bigint('fund_contributions', { mode: 'bigint' }).notNull(),
    fundSpending: bigint('fund_spending', { mode: 'bigint' }).notNull(),
    fundClosingBalance: bigint('fund_closing_balance', { mode: 'bigint' }).notNull(),
    /** `person:<id>` or `digital-object:<id>`. */
    draftedBy: text('drafted_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** When it was published (the deadline is judged by it); null before. */
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    /** How it reached the owners (p.5), said when it was published; empty before. */
    channels: reportChannel('channels').array().notNull().default(sql`'{}'`),
  },
  (t) => [
    uniqueIndex('reports_version_key').on(t.buildingId, t.kind, t.periodStart, t.version),
    // One report in the making per building and period, whatever its version.
    uniqueIndex('reports_unpublished_key').on(t.buildingId, t.kind, t.periodStart).where(sql`${t.status} <> 'PUBLISHED'`),
    index('reports_period_idx').on(t.kind, t.periodStart, t.buildingId),
    check(
      'reports_period_check',
      sql`extract(day from ${t.periodStart}) = 1 and (${t.kind} = 'MONTHLY' or extract(month from ${t.periodStart}) = 1)`,
    ),
    check('reports_published_check', sql`(${t.status} = 'PUBLISHED') = (${t.publishedAt} is not null)`),
    check('reports_channels_check', sql`(${t.status} = 'PUBLISHED') = (cardinality(${t.channels}) > 0)`),
    check(
      'reports_correction_check',
      sql`(${t.replacesId} is null) = (${t.correctionReason} is null) and (${t.replacesId} is null) = (${t.version} = 1)`,
    ),
    check(
      'reports_totals_check',
      sql`${t.closingBalance} = ${t.openingBalance} + ${t.incomeTotal} - ${t.expenseTotal}
      and ${t.fundClosingBalance} = ${t.fundOpeningBalance} + ${t.fundContributions} - ${t.fundSpending}`,
    ),
  ],
);

/** Income and expense lines of a report, by category. */
export const reportLines = condominiumSchema.table(
  'report_lines',
  {
    reportId: uuid('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    direction: reportLineDirection('direction').notNull(),
    position: integer('position').notNull(),
    /** A code of the API's IncomeCategory or ExpenseCategory. */
    category: text('category').notNull(),
    description: text('description'),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'report_lines_pkey', columns: [t.reportId, t.direction, t.position] }),
    check('report_lines_amount_check', sql`${t.amount} >= 0`),
  ],
);

/** Works done in the period (category 4), with their cost. */
export const reportWorks = condominiumSchema.table(
  'report_works',
  {
    reportId: uuid('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    description: text('description').notNull(),
    cost: bigint('cost', { mode: 'bigint' }).notNull(),
    completedOn: date('completed_on', { mode: 'string' }),
  },
  (t) => [
    primaryKey({ name: 'report_works_pkey', columns: [t.reportId, t.position] }),
    check('report_works_cost_check', sql`${t.cost} >= 0`),
  ],
);

// ── Owners' meetings and voting (p.4.6, p.27)

/** How a question's approval is counted: against the votes cast on it, or against all premises of the building. */
export const majorityBase = condominiumSchema.enum('majority_base', ['VOTES_CAST', 'ALL_PREMISES']);
export type MajorityBase = (typeof majorityBase.enumValues)[number];

/**
 * The kinds of question an agenda may hold and the voting rule of each: reference data,
 * loaded and changed by migrations, never decided in code (README, "Owners' meetings").
 * A share is `numerator / denominator`; `strict` means "more than", otherwise "at least".
 */
export const questionKinds = condominiumSchema.table(
  'question_kinds',
  {
    code: text('code').primaryKey(),
    nameRu: text('name_ru').notNull(),
    nameKk: text('name_kk').notNull(),
    /** Quorum: premises that voted (any channel) against all premises of the building. */
    quorumNumerator: integer('quorum_numerator').notNull(),
    quorumDenominator: integer('quorum_denominator').notNull(),
    quorumStrict: boolean('quorum_strict').notNull(),
    majorityBase: majorityBase('majority_base').notNull(),
    majorityNumerator: integer('majority_numerator').notNull(),
    majorityDenominator: integer('majority_denominator').notNull(),
    majorityStrict: boolean('majority_strict').notNull(),
    /** An approved question of this kind is a decision to spend the capital repair fund, up to the amount it names. */
    authorizesFundSpending: boolean('authorizes_fund_spending').notNull().default(false),
    /** The article of the Law "On Housing Relations" (or the Rules of Order 163) the rule comes from. */
    legalBasis: text('legal_basis').notNull(),
  },
  (t) => [
    check('question_kinds_quorum_check', sql`${t.quorumNumerator} > 0 and ${t.quorumDenominator} >= ${t.quorumNumerator}`),
    check('question_kinds_majority_check', sql`${t.majorityNumerator} > 0 and ${t.majorityDenominator} >= ${t.majorityNumerator}`),
  ],
);

/** The rules of every meeting (one row): the notice period. Reference data, changed by migrations. */
export const meetingRules = condominiumSchema.table(
  'meeting_rules',
  {
    /** Always true: the table holds one row. */
    single: boolean('single').primaryKey().default(true),
    /** A meeting opens no earlier than this many calendar days after its notice was given. */
    noticeDays: integer('notice_days').notNull(),
    legalBasis: text('legal_basis').notNull(),
  },
  (t) => [check('meeting_rules_single_check', sql`${t.single}`), check('meeting_rules_notice_check', sql`${t.noticeDays} >= 0`)],
);

/** A meeting of a building's owners: announced, open for votes from `opens_at`, closed by its tally. */
export const meetings = condominiumSchema.table(
  'meetings',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The Building entity of the buildings subgraph (no foreign key across schemas). */
    buildingId: uuid('building_id').notNull(),
    title: text('title').notNull(),
    /** The day the owners were notified (in writing, posted, or through a digital object). */
    noticeGivenOn: date('notice_given_on', { mode: 'string' }).notNull(),
    opensAt: timestamp('opens_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The announced end of voting: electronic ballots are refused after it. */
    closesAt: timestamp('closes_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** When the manager closed it and tallied; null while votes are taken. */
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    /** `person:<id>` or `digital-object:<id>`. */
    announcedBy: text('announced_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('meetings_building_idx').on(t.buildingId, t.opensAt), check('meetings_period_check', sql`${t.closesAt} > ${t.opensAt}`)],
);

/** A question of a meeting's agenda, and its result once the meeting is closed. */
export const meetingQuestions = condominiumSchema.table(
  'meeting_questions',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    /** 1, 2, …: the order of the agenda. */
    position: integer('position').notNull(),
    text: text('text').notNull(),
    kind: text('kind')
      .notNull()
      .references(() => questionKinds.code),
    /** For a kind that authorizes spending: the most the decision lets be spent from the fund, in tiyn. */
    fundSpendingTiyn: bigint('fund_spending_tiyn', { mode: 'bigint' }),
    /** The tally, written when the meeting closes. */
    votesFor: integer('votes_for'),
    votesAgainst: integer('votes_against'),
    votesAbstained: integer('votes_abstained'),
    /** Kept as decided at closing, by the rule of the kind then in force. */
    quorumReached: boolean('quorum_reached'),
    approved: boolean('approved'),
  },
  (t) => [
    uniqueIndex('meeting_questions_position_key').on(t.meetingId, t.position),
    check('meeting_questions_spending_check', sql`${t.fundSpendingTiyn} is null or ${t.fundSpendingTiyn} > 0`),
  ],
);

/** How a ballot reached the tally (p.27): at the meeting, by written poll, or through a digital object. */
export const ballotChannel = condominiumSchema.enum('ballot_channel', ['IN_PERSON', 'WRITTEN_POLL', 'ELECTRONIC']);
export type BallotChannel = (typeof ballotChannel.enumValues)[number];

export const ballotAnswer = condominiumSchema.enum('ballot_answer', ['FOR', 'AGAINST', 'ABSTAIN']);
export type BallotAnswer = (typeof ballotAnswer.enumValues)[number];

/**
 * One ballot per premises and meeting, whatever the channel: co-owners share it, an owner
 * of several premises casts one for each. Never changed once recorded.
 */
export const ballots = condominiumSchema.table(
  'ballots',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    /** The premises of the buildings register (no foreign key across schemas). */
    premiseId: uuid('premise_id').notNull(),
    channel: ballotChannel('channel').notNull(),
    /** The signed-in owner who voted electronically (access subgraph's person); null for paper and in-person ballots. */
    voterPersonId: uuid('voter_person_id'),
    /** The name on a paper or in-person ballot, as the manager recorded it. Personal data. */
    voterName: text('voter_name'),
    /** `person:<id>` or `digital-object:<id>`: the owner themselves, or the manager who recorded it. */
    recordedBy: text('recorded_by').notNull(),
    castAt: timestamp('cast_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ballots_meeting_premise_key').on(t.meetingId, t.premiseId),
    index('ballots_voter_idx').on(t.voterPersonId),
    check('ballots_voter_check', sql`(${t.channel} = 'ELECTRONIC') = (${t.voterPersonId} is not null)`),
  ],
);

/** A ballot's answer to each question of the agenda. */
export const ballotAnswers = condominiumSchema.table(
  'ballot_answers',
  {
    ballotId: uuid('ballot_id')
      .notNull()
      .references(() => ballots.id),
    questionId: uuid('question_id')
      .notNull()
      .references(() => meetingQuestions.id),
    answer: ballotAnswer('answer').notNull(),
  },
  (t) => [primaryKey({ name: 'ballot_answers_pkey', columns: [t.ballotId, t.questionId] })],
);

/**
 * The protocol of a closed meeting: its tally, as signed and published (the signature is in
 * `signed_publications`, kind PROTOCOL). Annulled with a stated basis, never deleted.
 */
export const protocols = condominiumSchema.table(
  'protocols',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    buildingId: uuid('building_id').notNull(),
    /** Premises of the building when the meeting closed: the base of the quorum. */
    premisesTotal: integer('premises_total').notNull(),
    ballotsInPerson: integer('ballots_in_person').notNull(),
    ballotsWrittenPoll: integer('ballots_written_poll').notNull(),
    ballotsElectronic: integer('ballots_electronic').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    annulledAt: timestamp('annulled_at', { withTimezone: true, mode: 'date' }),
    /** Why it was annulled (a court decision, a repeated meeting …); set with `annulled_at`. */
    annulmentBasis: text('annulment_basis'),
    annulledBy: text('annulled_by'),
  },
  (t) => [
    uniqueIndex('protocols_meeting_key').on(t.meetingId),
    index('protocols_building_idx').on(t.buildingId),
    check('protocols_annulment_check', sql`(${t.annulledAt} is null) = (${t.annulmentBasis} is null)`),
  ],
);

// ── Capital repair (p.4.3): contributions per premises, the building's fund, spending under a decision

/** A contribution accrued to a premises for a month. */
export const capitalRepairAccruals = condominiumSchema.table(
  'capital_repair_accruals',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    buildingId: uuid('building_id').notNull(),
    premiseId: uuid('premise_id').notNull(),
    /** The first day of the month accrued. */
    period: date('period', { mode: 'string' }).notNull(),
    amountTiyn: bigint('amount_tiyn', { mode: 'bigint' }).notNull(),
    recordedBy: text('recorded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('capital_repair_accruals_premise_period_key').on(t.premiseId, t.period),
    index('capital_repair_accruals_building_idx').on(t.buildingId),
    check('capital_repair_accruals_amount_check', sql`${t.amountTiyn} > 0`),
    check('capital_repair_accruals_period_check', sql`extract(day from ${t.period}) = 1`),
  ],
);

/** A contribution paid for a premises into the building's fund. */
export const capitalRepairPayments = condominiumSchema.table(
  'capital_repair_payments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    buildingId: uuid('building_id').notNull(),
    premiseId: uuid('premise_id').notNull(),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    amountTiyn: bigint('amount_tiyn', { mode: 'bigint' }).notNull(),
    recordedBy: text('recorded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('capital_repair_payments_building_idx').on(t.buildingId),
    index('capital_repair_payments_premise_idx').on(t.premiseId),
    check('capital_repair_payments_amount_check', sql`${t.amountTiyn} > 0`),
  ],
);

/** Money taken from the fund, each under the approved question of a meeting that decided it. */
export const capitalRepairSpendings = condominiumSchema.table(
  'capital_repair_spendings',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    buildingId: uuid('building_id').notNull(),
    /** The approved question (of a kind that authorizes spending) this spending rests on. */
    decisionId: uuid('decision_id')
      .notNull()
      .references(() => meetingQuestions.id),
    spentOn: date('spent_on', { mode: 'string' }).notNull(),
    amountTiyn: bigint('amount_tiyn', { mode: 'bigint' }).notNull(),
    purpose: text('purpose').notNull(),
    recordedBy: text('recorded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('capital_repair_spendings_building_idx').on(t.buildingId),
    index('capital_repair_spendings_decision_idx').on(t.decisionId),
    check('capital_repair_spendings_amount_check', sql`${t.amountTiyn} > 0`),
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
    /**
     * The building's KATO code (field 2 of the register, its published view), copied when the
     * request is filed (by the insert trigger of migration condominium_analytics): the
     * territory's overdue count reads it through `owner_requests_open_kato_idx`.
     */
    katoCode: varchar('kato_code', { length: 9 }).notNull(),
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
    // A territory's overdue requests: the open ones under a KATO range, by due day.
    index('owner_requests_open_kato_idx')
      .on(t.katoCode.op('text_pattern_ops'), t.dueOn)
      .where(sql`${t.status} not in ('DONE', 'REJECTED')`),
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

/**
 * Owners' requests not yet done nor rejected (p.4.7), due on their day, the building's
 * current manager to act. Reports due (p.5) from the manager of each building under a current assignment: the
 * monthly report of every month managed in the last twelve, by the 20th of the next month,
 * and the annual report of last year, by 1 April, while no version of it is published. The
 * nominal date is the day the Rule names (read inclusively, as `report-deadlines.ts` does);
 * the regulatory clock moves it off days off. The place is the building's (the register's
 * published view).
 */
export const publishedCondominiumDuties = condominiumSchema.view('published_duties', dutyViewColumns()).as(sql`
  with managed as (
    select a.building_id, a.management_subject_id, a.valid_from, pb.kato_code,
           date_trunc('month', (now() at time zone 'UTC') + interval '5 hours')::date as this_month
      from condominium.management_assignments a
      join buildings.published_buildings pb on pb.id = a.building_id and pb.status = 'REGISTERED'
     where a.valid_to is null
  ), periods as (
    select m.*, 'MONTHLY'::text as report_kind, p::date as period_start, (p + interval '1 month 19 days')::date as nominal_date
      from managed m,
           generate_series(greatest(date_trunc('month', m.valid_from), m.this_month - interval '12 months'),
                           m.this_month - interval '1 month', interval '1 month') p
    union all
    select m.*, 'ANNUAL', make_date(extract(year from m.this_month)::int - 1, 1, 1), make_date(extract(year from m.this_month)::int, 4, 1)
      from managed m
     where m.valid_from <= make_date(extract(year from m.this_month)::int - 1, 12, 31)
  )
  select (p.report_kind || '_REPORT')::text as kind, 'p.5'::text as rule_point, 'Building'::text as object_type,
         p.building_id as object_id, p.management_subject_id as subject_id, p.kato_code::text as kato_code, p.nominal_date
    from periods p
   where not exists (
     select 1 from condominium.reports r
      where r.building_id = p.building_id and r.kind::text = p.report_kind and r.period_start = p.period_start and r.status = 'PUBLISHED')
  union all
  select 'REQUEST_RESOLUTION', 'p.4.7', 'OwnerRequest', q.id, a.management_subject_id, pb.kato_code::text, q.due_on
    from condominium.owner_requests q
    join buildings.published_buildings pb on pb.id = q.building_id
    left join condominium.management_assignments a on a.building_id = q.building_id and a.valid_to is null
   where q.status not in ('DONE', 'REJECTED')`);

/**
 * Who manages each building now (issue 10, data quality): the current assignment's subject,
 * and whether every report already due (p.5, as `published_duties` lists them) is published.
 */
export const publishedBuildingManagement = condominiumSchema
  .view('published_building_management', {
    buildingId: uuid('building_id').notNull(),
    managerSubjectId: uuid('manager_subject_id').notNull(),
    reportsFiled: boolean('reports_filed').notNull(),
  })
  .as(sql`
  select a.building_id, a.management_subject_id as manager_subject_id,
         not exists (
           select 1 from condominium.published_duties d
            where d.object_id = a.building_id and d.nominal_date < ((now() at time zone 'UTC') + interval '5 hours')::date
         ) as reports_filed
    from condominium.management_assignments a
   where a.valid_to is null`);

// ── Summaries of the ministry's analytics (issue 10), kept by the writes themselves: statement-level
// triggers with transition tables change them in the writing transaction (migration
// condominium_analytics). One row per district (the first 4 digits of a KATO code, read from
// the register's published view when the row is written) and dimensions; a region or the
// country sums its districts' rows by KATO range, a finer territory reads the records.

/**
 * Changes in how many buildings are managed in each form: +1 on an assignment's first day,
 * −1 on its first day without it. The buildings managed on day D are the sum of the rows up
 * to D. A change in a month already over when written is kept on that month's last day (the
 * analytics ask for today and for months' last days), so a district has a row per form and
 * past month, and per day only for the current month and the future.
 */
export const managementCounts = condominiumSchema.table(
  'management_counts',
  {
    district: varchar('district', { length: 4 }).notNull(),
    form: managementForm('form').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    buildings: integer('buildings').notNull(),
  },
  (t) => [primaryKey({ name: 'management_counts_pkey', columns: [t.district, t.form, t.day] })],
);

/**
 * Buildings whose report for a period was first published on a day (Almaty), counted when
 * the first version is published, for buildings managed on the period's last day (those
 * that owe it, as `ReportRepository.compliance` decides).
 */
export const reportPublicationCounts = condominiumSchema.table(
  'report_publication_counts',
  {
    district: varchar('district', { length: 4 }).notNull(),
    kind: reportKind('kind').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    publishedOn: date('published_on', { mode: 'string' }).notNull(),
    buildings: integer('buildings').notNull(),
  },
  (t) => [
    primaryKey({ name: 'report_publication_counts_pkey', columns: [t.district, t.kind, t.periodStart, t.publishedOn] }),
    // A period's rows for every district: how the figures read it.
    index('report_publication_counts_period_idx').on(t.kind, t.periodStart),
  ],
);

/**
 * Open owners' requests (neither DONE nor REJECTED) per district and due day, from their own
 * KATO code: those due before today are overdue. A due day in a month already over when
 * written is kept on that month's last day (still before today at every later read), so
 * a district has a row per past month and per day of the current month and the future.
 */
export const openRequestCounts = condominiumSchema.table(
  'open_request_counts',
  {
    district: varchar('district', { length: 4 }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    requests: integer('requests').notNull(),
  },
  (t) => [primaryKey({ name: 'open_request_counts_pkey', columns: [t.district, t.dueOn] })],
);

/** The capital-repair funds of a district's buildings, in tiyn: accrued and paid contributions, spending. */
export const capitalRepairTotals = condominiumSchema.table('capital_repair_totals', {
  district: varchar('district', { length: 4 }).primaryKey(),
  accruedTiyn: bigint('accrued_tiyn', { mode: 'bigint' }).notNull(),
  paidTiyn: bigint('paid_tiyn', { mode: 'bigint' }).notNull(),
  spentTiyn: bigint('spent_tiyn', { mode: 'bigint' }).notNull(),
});
