import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Records every subgraph writes and none owns: receipts of placements (p.30), the change
 * feed (p.32), the notification outbox, idempotency keys of bulk calls, and the working calendar.
 */
export const platformSchema = pgSchema('platform');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** Keyset-paginated columns keep milliseconds only, the precision of the cursors (JavaScript dates). */
const keysetTimestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const calendarDayKind = platformSchema.enum('calendar_day_kind', [
  /** A public holiday named in the law. */
  'PUBLIC_HOLIDAY',
  /** A day off moved onto a working day (a holiday on a weekend, or a government decree). */
  'TRANSFERRED_DAY_OFF',
  /** A Saturday or Sunday made a working day by a decree that moved its day off elsewhere. */
  'WORKING_WEEKEND',
]);

/** Kazakhstan's working calendar as data: public holidays, transferred days off, working weekends. */
export const holidays = platformSchema.table('holidays', {
  date: date('date', { mode: 'string' }).primaryKey(),
  kind: calendarDayKind('kind').notNull().default('PUBLIC_HOLIDAY'),
  nameKk: text('name_kk').notNull(),
  nameRu: text('name_ru').notNull(),
});

/**
 * Transactional outbox: notifications written in the same transaction as the change
 * they report, each with a `mail.send` job of the queue (`lib/jobs.ts`) that sends it.
 */
export const outbox = platformSchema.table(
  'outbox',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** What happened, e.g. `application.approved`, `grant.ended`. */
    kind: text('kind').notNull(),
    recipientEmail: text('recipient_email').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** One message per event and recipient, however often the event is reported. */
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: keysetTimestamptz('created_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
    deliveredAt: timestamptz('delivered_at'),
    /** Transport's message of the last failed attempt (no message content). */
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_key_key').on(t.dedupeKey),
    index('outbox_pending_idx').on(t.nextAttemptAt).where(sql`${t.deliveredAt} is null`),
    index('outbox_created_idx').on(t.createdAt, t.id),
  ],
);

/**
 * Confirmation of every placement of information (p.30), written by all subgraphs
 * through `lib/receipts.ts` in the same transaction as the placement itself.
 */
export const receipts = platformSchema.table(
  'receipts',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** What was placed, e.g. `buildings.registerBuilding`. */
    operation: text('operation').notNull(),
    /** `person:<id>` or `digital-object:<id>`. */
    placedBy: text('placed_by').notNull(),
    /** When the request reached the system. */
    receivedAt: timestamptz('received_at').notNull(),
    /** When the placement was recorded (inside its transaction). */
    recordedAt: timestamptz('recorded_at').notNull().default(sql`clock_timestamp()`),
    /** Ids of the records the placement created or changed. */
    objectIds: jsonb('object_ids').notNull().$type<string[]>(),
  },
  (t) => [index('receipts_placed_by_idx').on(t.placedBy, t.recordedAt)],
);

/**
 * One row per bulk call made with a client-chosen idempotency key: the same key and
 * content returns the stored result and writes nothing; concurrent calls with one key
 * wait on the primary key and run once.
 */
export const idempotencyKeys = platformSchema.table(
  'idempotency_keys',
  {
    /** `actorOf(caller)`: keys are the caller's own namespace. */
    placedBy: text('placed_by').notNull(),
    /** `<subgraph>.<mutation>`. */
    operation: text('operation').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of the call's canonical arguments: the same key with other content is a CONFLICT. */
    requestHash: text('request_hash').notNull(),
    /** The result returned the first time (ids, per-item errors, the receipt). */
    response: jsonb('response').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.placedBy, t.operation, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

/**
 * The change feed (p.32): one row per record a write created, changed or deleted, written
 * by `lib/changes.ts` in the write's own transaction (so it exists exactly when the change
 * does). Positions are handed out in commit order (a lock held from the insert to the
 * commit), so a reader's cursor never skips a change committed later with a smaller one.
 * The integration subgraph serves it (`changes`) and fans it out to webhooks.
 */
export const changes = platformSchema.table(
  'changes',
  {
    /** Monotonic in commit order; the feed's cursor. Gaps are rolled-back writes. */
    position: bigint('position', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** `ChangeType`: BUILDING, PREMISE, MANAGEMENT_ASSIGNMENT, SUPPLIER, PERSONAL_ACCOUNT, TARIFF. */
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    /** CREATED, UPDATED or DELETED. */
    operation: text('operation').notNull(),
    /** The receipt (p.30) of the placement that made the change; null for writes without one. */
    receiptId: uuid('receipt_id'),
    recordedAt: timestamptz('recorded_at').notNull().default(sql`clock_timestamp()`),
    /** KATO code of where the record is: a local executive body reads its territory's changes. */
    katoCode: text('kato_code'),
    /** The subject owning the record (a supplier's, for its accounts and tariffs): that subject reads them. */
    subjectId: uuid('subject_id'),
  },
  (t) => [
    index('changes_type_position_idx').on(t.entityType, t.position),
    index('changes_subject_position_idx').on(t.subjectId, t.position).where(sql`${t.subjectId} is not null`),
    index('changes_kato_idx').on(t.katoCode.op('text_pattern_ops'), t.position).where(sql`${t.katoCode} is not null`),
  ],
);

/**
 * The columns of every subgraph's `published_duties` view: the duties of the regulatory clock
 * (issue 10) that its own records give rise to. The integration subgraph reads their union
 * and moves each nominal date to the working calendar (`subgraphs/integration/duties-repository.ts`).
 */
export const dutyViewColumns = () => ({
  /** What must be done: a `DutyKind` of the integration subgraph's SDL. */
  kind: text('kind').notNull(),
  /** The point of the Rules (004) the duty comes from, e.g. `p.13`. */
  rulePoint: text('rule_point').notNull(),
  /** The entity the duty is about (`Building`, `Meter`, …) and its id. */
  objectType: text('object_type').notNull(),
  objectId: uuid('object_id').notNull(),
  /** The subject that must act or whose record it is; null when it is the territory's local executive body. */
  subjectId: uuid('subject_id'),
  /** Where the object is; null when it has no place (an application, a grant). */
  katoCode: text('kato_code'),
  /** The last day as the rule states it, before the working calendar moves it off a day off. */
  nominalDate: date('nominal_date', { mode: 'string' }).notNull(),
});
