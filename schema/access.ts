import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  char,
  check,
  date,
  index,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { dutyViewColumns } from './platform.js';

/** Subjects, persons, agreements, grants and their lifecycle, tokens, integration applications. */
export const accessSchema = pgSchema('access');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** Keyset-paginated columns keep milliseconds only, the precision of the cursors (JavaScript dates). */
const keysetTimestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/**
 * Functions are kept as `text[]` checked against the functions directory rather than an
 * enum array: postgres.js returns enum arrays as unparsed strings in raw SQL, and the
 * per-request grant check reads them raw. The values are our own constants, never input.
 */
/** The functions directory of the CS (p.14, p.19); `lib/auth/functions.ts` names each. */
export const accessFunctionCodes = [
  'BUILDING_REGISTER_MAINTAIN',
  'BUILDING_REGISTER_CONFIRM',
  'PREMISES_MAINTAIN',
  'PERSONAL_DATA_READ',
  'CONDOMINIUM_MANAGE',
  'SUPPLIER_REGISTER_MAINTAIN',
  'PERSONAL_ACCOUNTS_MAINTAIN',
  'METERS_MAINTAIN',
  'READINGS_SUBMIT',
  'TARIFFS_MAINTAIN',
  'ENGINEERING_NETWORKS_MAINTAIN',
  'ANALYTICS_READ',
] as const;

/** Subject kinds of p.2.4 and p.19. */
export const subjectKindCodes = [
  'AUTHORIZED_BODY',
  'ADMINISTRATOR',
  'CENTRAL_STATE_BODY',
  'LOCAL_EXECUTIVE_BODY',
  'NATURAL_MONOPOLY',
  'UTILITY_SUPPLIER',
  'OSI',
  'MANAGEMENT_COMPANY',
  'PREMISES_OWNER',
  'HOUSE_COUNCIL',
  'OTHER',
] as const;

const functionsDirectory = sql.raw(`array[${accessFunctionCodes.map((fn) => `'${fn}'`).join(', ')}]::text[]`);

export const subjectKind = accessSchema.enum('subject_kind', subjectKindCodes);
export const agreementKind = accessSchema.enum('agreement_kind', [
  /** With the authorized body, for state bodies and suppliers working through the personal cabinet (p.19, p.22). */
  'ACCESS',
  /** Concluded when an integration application is approved (p.17). */
  'INTEGRATION',
]);
export const grantState = accessSchema.enum('grant_state', ['PENDING', 'ACTIVE', 'SUSPENDED', 'ENDED']);
/** The seven grounds of p.20, in its order. */
export const endGround = accessSchema.enum('end_ground', [
  'AGREEMENT_EXPIRED',
  'REVOKED',
  'RENOUNCED',
  'CASCADE',
  'GROUNDS_ENDED',
  'FALSE_DATA',
  'OTHER_LEGAL_GROUND',
]);
export const digitalObjectStatus = accessSchema.enum('digital_object_status', ['TESTING', 'LIVE', 'DISABLED']);
export const applicationStatus = accessSchema.enum('application_status', ['SUBMITTED', 'APPROVED', 'REFUSED']);
/** Organisations and persons acting in the digital environment (p.2.4, p.19). */
export const subjects = accessSchema.table(
  'subjects',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    kind: subjectKind('kind').notNull(),
    name: text('name').notNull(),
    /** BIN of an organisation or IIN of an individual subject (12 digits, check digit verified by the application). */
    identificationNumber: char('identification_number', { length: 12 }).notNull(),
    /** KATO code of the territory a local executive body governs; everything under it is in its scope. */
    territoryKato: varchar('territory_kato', { length: 9 }),
    /** Where notifications to the subject go (grant ended, suspended). */
    email: text('email'),
    createdAt: keysetTimestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('subjects_identification_number_key').on(t.identificationNumber),
    index('subjects_created_idx').on(t.createdAt, t.id),
    check('subjects_identification_number_check', sql`${t.identificationNumber} ~ '^[0-9]{12}$'`),
    check('subjects_territory_check', sql`(${t.kind} = 'LOCAL_EXECUTIVE_BODY') = (${t.territoryKato} is not null)`),
    check('subjects_territory_kato_check', sql`${t.territoryKato} is null or ${t.territoryKato} ~ '^[0-9]{9}$'`),
  ],
);

/** Users: people who act on behalf of subjects through grants. Personal data throughout. */
export const persons = accessSchema.table(
  'persons',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    iin: char('iin', { length: 12 }).notNull(),
    fullName: text('full_name').notNull(),
    email: text('email'),
    phone: text('phone'),
    /** Staff of the Administrator (p.11): review applications, grant, suspend and revoke. */
    isAdministrator: boolean('is_administrator').notNull().default(false),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('persons_iin_key').on(t.iin), check('persons_iin_check', sql`${t.iin} ~ '^[0-9]{12}$'`)],
);

/** Agreements with the authorized body (access) or integration agreements (p.17, p.19). */
export const agreements = accessSchema.table(
  'agreements',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => subjects.id),
    kind: agreementKind('kind').notNull().default('ACCESS'),
    /** Registration number of the paper or electronic agreement, when it has one. */
    reference: text('reference'),
    functions: text('functions').array().notNull(),
    validFrom: timestamptz('valid_from').notNull().defaultNow(),
    /** End of the term; past it every grant under the agreement has ended with AGREEMENT_EXPIRED (p.20.1). */
    validUntil: timestamptz('valid_until'),
    /** The integration application this agreement concluded, for INTEGRATION agreements. */
    applicationId: uuid('application_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('agreements_subject_idx').on(t.subjectId),
    check('agreements_functions_check', sql`cardinality(${t.functions}) > 0 and ${t.functions} <@ ${functionsDirectory}`),
    check('agreements_period_check', sql`${t.validUntil} is null or ${t.validUntil} > ${t.validFrom}`),
  ],
);

/** External systems integrated with the CS (p.2.2, p.14–17); they call the API with machine tokens. */
export const digitalObjects = accessSchema.table(
  'digital_objects',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => subjects.id),
    name: text('name').notNull(),
    /** TESTING after approval, LIVE once tested (p.17); DISABLED when its last grant ended. */
    status: digitalObjectStatus('status').notNull().default('TESTING'),
    applicationId: uuid('application_id'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    liveAt: timestamptz('live_at'),
    disabledAt: timestamptz('disabled_at'),
  },
  (t) => [index('digital_objects_subject_idx').on(t.subjectId)],
);

/**
 * A right of a person or a digital object to act for a subject with some functions,
 * possibly delegated from another grant. `validFrom`/`validUntil` are the EFFECTIVE
 * period, narrowed at creation to the parent's and the agreement's, and
 * `ancestorSuspended` mirrors whether any ancestor is SUSPENDED: so the per-request
 * check never walks the chain (see `lib/auth/effective-grants.ts`).
 */
export const grants = accessSchema.table(
  'grants',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    personId: uuid('person_id').references(() => persons.id),
    digitalObjectId: uuid('digital_object_id').references(() => digitalObjects.id),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => subjects.id),
    agreementId: uuid('agreement_id')
      .notNull()
      .references(() => agreements.id),
    /** The grant this one was delegated from (p.20.4: it ends when its parent ends). */
    parentGrantId: uuid('parent_grant_id').references((): AnyPgColumn => grants.id),
    /** A subset of the parent's functions, or of the agreement's for a root grant. */
    functions: text('functions').array().notNull(),
    state: grantState('state').notNull().default('PENDING'),
    /** Set exactly when state is ENDED. */
    endGround: endGround('end_ground'),
    /** The law or act behind OTHER_LEGAL_GROUND (p.20.7), or any ground an administrator cites. */
    legalBasis: text('legal_basis'),
    /** True while some ancestor is SUSPENDED: the grant then has no effect, and regains it on reinstatement. */
    ancestorSuspended: boolean('ancestor_suspended').notNull().default(false),
    validFrom: timestamptz('valid_from').notNull().defaultNow(),
    /** Effective end: the earliest of its own, its parent's and its agreement's end. */
    validUntil: timestamptz('valid_until'),
    createdBy: text('created_by').notNull(),
    createdAt: keysetTimestamptz('created_at').notNull().defaultNow(),
    stateChangedAt: timestamptz('state_changed_at').notNull().defaultNow(),
  },
  (t) => [
    // The per-request check: one index probe per caller.
    index('grants_person_active_idx').on(t.personId).where(sql`${t.state} = 'ACTIVE' and not ${t.ancestorSuspended}`),
    index('grants_digital_object_active_idx').on(t.digitalObjectId).where(sql`${t.state} = 'ACTIVE' and not ${t.ancestorSuspended}`),
    index('grants_person_idx').on(t.personId),
    index('grants_digital_object_idx').on(t.digitalObjectId),
    index('grants_parent_idx').on(t.parentGrantId),
    index('grants_subject_state_idx').on(t.subjectId, t.state),
    index('grants_agreement_idx').on(t.agreementId),
    index('grants_created_idx').on(t.createdAt, t.id),
    check('grants_grantee_check', sql`(${t.personId} is null) <> (${t.digitalObjectId} is null)`),
    check('grants_end_ground_check', sql`(${t.state} = 'ENDED') = (${t.endGround} is not null)`),
    check('grants_legal_basis_check', sql`${t.endGround} is distinct from 'OTHER_LEGAL_GROUND' or ${t.legalBasis} is not null`),
    check('grants_functions_check', sql`cardinality(${t.functions}) > 0 and ${t.functions} <@ ${functionsDirectory}`),
  ],
);

/** Append-only (a trigger refuses UPDATE and DELETE): every transition of every grant. */
export const grantHistory = accessSchema.table(
  'grant_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    grantId: uuid('grant_id')
      .notNull()
      .references(() => grants.id),
    /** Null for the row that records the grant's creation. */
    fromState: grantState('from_state'),
    toState: grantState('to_state').notNull(),
    /** The p.20 ground of an end or a suspension (FALSE_DATA); null for creation, activation, reinstatement. */
    ground: endGround('ground'),
    legalBasis: text('legal_basis'),
    comment: text('comment'),
    /** `person:<id>` or `digital-object:<id>`; a CASCADE row names whoever ended the root of the chain. */
    actor: text('actor').notNull(),
    at: timestamptz('at').notNull().default(sql`clock_timestamp()`),
  },
  (t) => [index('grant_history_grant_idx').on(t.grantId, t.at)],
);

/**
 * How a token's holder proved who they are: EDS, a session from signing in with an EDS
 * certificate (`signInWithSignature`); ISSUED, a token handed out otherwise (by the
 * Administrator, the seed, a digital object's API token). What only a signature may do
 * (voting electronically, p.27) asks for EDS.
 */
export const tokenAuthentication = accessSchema.enum('token_authentication', ['EDS', 'ISSUED']);
export type TokenAuthentication = (typeof tokenAuthentication.enumValues)[number];

/** Machine and session tokens; only the SHA-256 of a token is stored. */
export const apiTokens = accessSchema.table(
  'api_tokens',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** Lower-case hex SHA-256 of the token. */
    tokenHash: char('token_hash', { length: 64 }).notNull(),
    personId: uuid('person_id').references(() => persons.id),
    digitalObjectId: uuid('digital_object_id').references(() => digitalObjects.id),
    label: text('label'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
    expiresAt: timestamptz('expires_at'),
    /** How the holder proved who they are when the token was issued; never changes. */
    authentication: tokenAuthentication('authentication').notNull().default('ISSUED'),
  },
  (t) => [
    uniqueIndex('api_tokens_token_hash_key').on(t.tokenHash),
    index('api_tokens_person_idx').on(t.personId),
    index('api_tokens_digital_object_idx').on(t.digitalObjectId),
    check('api_tokens_owner_check', sql`(${t.personId} is null) <> (${t.digitalObjectId} is null)`),
  ],
);

/**
 * EDS sign-in challenges: a random nonce the signer signs with their certificate's key.
 * Only the nonce's SHA-256 is kept; a challenge is used once (`consumed_at`, set in the
 * sign-in's own transaction) and only until `expires_at`.
 */
export const signInChallenges = accessSchema.table(
  'sign_in_challenges',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** Lower-case hex SHA-256 of the nonce. */
    nonceHash: char('nonce_hash', { length: 64 }).notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    consumedAt: timestamptz('consumed_at'),
    /** The person signed in with it. */
    personId: uuid('person_id').references(() => persons.id),
  },
  (t) => [uniqueIndex('sign_in_challenges_nonce_hash_key').on(t.nonceHash), index('sign_in_challenges_expires_idx').on(t.expiresAt)],
);

/** Applications to register and integrate a digital object (p.14–17). */
export const applications = accessSchema.table(
  'applications',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => subjects.id),
    digitalObjectName: text('digital_object_name').notNull(),
    functions: text('functions').array().notNull(),
    /** Where the decision is sent (p.16). */
    contactEmail: text('contact_email').notNull(),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: keysetTimestamptz('submitted_at').notNull().defaultNow(),
    /** Last day of review: 5 working days after submission on the Kazakhstan calendar. */
    deadline: date('deadline', { mode: 'string' }).notNull(),
    status: applicationStatus('status').notNull().default('SUBMITTED'),
    decidedAt: timestamptz('decided_at'),
    decidedBy: text('decided_by'),
    refusalReason: text('refusal_reason'),
    /** Set on approval: the integration agreement and the digital object it created. */
    agreementId: uuid('agreement_id'),
    digitalObjectId: uuid('digital_object_id'),
  },
  (t) => [
    index('applications_status_deadline_idx').on(t.status, t.deadline),
    index('applications_subject_idx').on(t.subjectId),
    index('applications_submitted_idx').on(t.submittedAt, t.id),
    check('applications_functions_check', sql`cardinality(${t.functions}) > 0 and ${t.functions} <@ ${functionsDirectory}`),
    check('applications_refusal_check', sql`(${t.status} = 'REFUSED') = (${t.refusalReason} is not null)`),
  ],
);

// ── Published views: what other subgraphs may read of this one (read-only, no personal data).

/** A subject's kind and territory: enough to validate a link (a supplier, a manager) and to scope by territory. */
export const publishedSubjects = accessSchema
  .view('published_subjects')
  .as((qb) => qb.select({ id: subjects.id, kind: subjects.kind, territoryKato: subjects.territoryKato }).from(subjects));

/**
 * Grants as the write path re-checks them inside a write's transaction (`lib/auth/recheck.ts`),
 * locking the rows FOR SHARE through the view so a revocation waits for the write or wins before it.
 */
export const publishedGrants = accessSchema.view('published_grants').as((qb) =>
  qb
    .select({
      id: grants.id,
      personId: grants.personId,
      digitalObjectId: grants.digitalObjectId,
      subjectId: grants.subjectId,
      state: grants.state,
      ancestorSuspended: grants.ancestorSuspended,
      validFrom: grants.validFrom,
      validUntil: grants.validUntil,
    })
    .from(grants),
);

/** Tokens without their hashes: whether a caller's token is still in force. */
export const publishedTokens = accessSchema.view('published_tokens').as((qb) =>
  qb
    .select({
      id: apiTokens.id,
      personId: apiTokens.personId,
      digitalObjectId: apiTokens.digitalObjectId,
      revokedAt: apiTokens.revokedAt,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens),
);

/** The Administrator's staff (p.11). */
export const publishedAdministrators = accessSchema
  .view('published_administrators')
  .as((qb) => qb.select({ id: persons.id }).from(persons).where(sql`${persons.isAdministrator}`));

/**
 * Who to tell when the CS fails (p.34): each digital object with its status and the contact
 * address of its owner (the owning subject's e-mail, else the contact its integration
 * application gave). Read by the integration subgraph's monitor only, to notify the owners
 * of LIVE objects; it publishes no address through the graph.
 */
export const publishedDigitalObjectContacts = accessSchema.view('published_digital_object_contacts').as((qb) =>
  qb
    .select({
      digitalObjectId: sql<string>`${digitalObjects.id}`.as('digital_object_id'),
      digitalObjectName: sql<string>`${digitalObjects.name}`.as('digital_object_name'),
      status: sql<'TESTING' | 'LIVE' | 'DISABLED'>`${digitalObjects.status}`.as('status'),
      subjectId: sql<string>`${digitalObjects.subjectId}`.as('subject_id'),
      contactEmail: sql<string | null>`coalesce(${subjects.email}, ${applications.contactEmail})`.as('contact_email'),
    })
    .from(digitalObjects)
    .innerJoin(subjects, sql`${subjects.id} = ${digitalObjects.subjectId}`)
    .leftJoin(applications, sql`${applications.id} = ${digitalObjects.applicationId}`),
);

/**
 * Access duties: applications awaiting the Administrator's review, due on their deadline
 * (5 working days, p.16); grants in force whose term ends (p.20.1: the right ends with the
 * agreement's term unless renewed), due on their last day.
 */
export const publishedAccessDuties = accessSchema.view('published_duties', dutyViewColumns()).as(sql`
  select 'APPLICATION_REVIEW'::text as kind, 'p.16'::text as rule_point, 'Application'::text as object_type,
         a.id as object_id, a.subject_id, null::text as kato_code, a.deadline as nominal_date
    from access.applications a
   where a.status = 'SUBMITTED'
  union all
  select 'GRANT_EXPIRY', 'p.20.1', 'Grant', g.id, g.subject_id, null::text,
         ((g.valid_until at time zone 'UTC') + interval '5 hours')::date
    from access.grants g
   where g.state = 'ACTIVE' and g.valid_until is not null`);

/**
 * The identification number of each subject that may manage a building: the BIN of an OSI or
 * a management company, the IIN of an owners' representative under direct joint management.
 * Read by the condominium subgraph only to decide whose signature a report or a protocol
 * needs (p.8); never served (an IIN is personal data).
 */
export const publishedSubjectIdentificationNumbers = accessSchema
  .view('published_subject_identification_numbers')
  .as((qb) =>
    qb
      .select({ id: subjects.id, kind: subjects.kind, identificationNumber: subjects.identificationNumber })
      .from(subjects)
      .where(sql`${subjects.kind} in ('OSI', 'MANAGEMENT_COMPANY', 'PREMISES_OWNER')`),
  );

/**
 * A person's IIN by their id: how another subgraph matches the signed-in person (the caller
 * carries the id only) with registers kept by IIN, e.g. the owners of premises. Read only to
 * decide the person's own rights; never served.
 */
export const publishedPersons = accessSchema
  .view('published_persons')
  .as((qb) => qb.select({ id: persons.id, iin: persons.iin }).from(persons));

/**
 * Names of the organisations that manage buildings (OSIs and management companies, always
 * registered with a BIN): public facts (p.25), shown in the open part as the manager's name.
 */
export const publishedManagingOrganisations = accessSchema
  .view('published_managing_organisations')
  .as((qb) =>
    qb
      .select({ id: subjects.id, kind: subjects.kind, name: subjects.name })
      .from(subjects)
      .where(sql`${subjects.kind} in ('OSI', 'MANAGEMENT_COMPANY')`),
  );
