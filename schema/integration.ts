import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The integration subgraph (p.32): webhook subscriptions of digital objects and their
 * deliveries. The change feed itself is `platform.changes`, written by every subgraph.
 */
export const integrationSchema = pgSchema('integration');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** Keyset-paginated columns keep milliseconds only, the precision of the cursors (JavaScript dates). */
const keysetTimestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const webhookStatus = integrationSchema.enum('webhook_status', [
  /** Deliveries are sent. */
  'ACTIVE',
  /** Too many consecutive failures, or paused by hand: deliveries are recorded and wait for `resumeWebhook`. */
  'PAUSED',
]);

export const deliveryStatus = integrationSchema.enum('delivery_status', [
  /** Recorded, not yet accepted by the receiver (queued, retrying, or waiting for a paused subscription). */
  'PENDING',
  /** The receiver answered 2xx. */
  'DELIVERED',
  /** Every attempt of the queue failed; a replay sends it again. */
  'FAILED',
]);

/** What a subscription may see besides the open part: the grants it relies on, re-checked at every fan-out. */
export interface SubscriptionScopeGrant {
  grantId: string;
  /** A national body's grant with ANALYTICS_READ: every change. */
  national: boolean;
  /** Changes of records this subject owns. */
  subjectId: string;
  /** A local executive body's territory: changes located under it. */
  territoryKato: string | null;
}

/**
 * A digital object's subscription to changes of some types (p.32). Owned by the digital
 * object (no foreign key to the access schema: linked by id, as federation links).
 */
export const webhookSubscriptions = integrationSchema.table(
  'webhook_subscriptions',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    digitalObjectId: uuid('digital_object_id').notNull(),
    /** Where deliveries are POSTed (https in production; see WEBHOOK_ALLOW_PRIVATE_TARGETS). */
    url: text('url').notNull(),
    /** `ChangeType`s delivered. */
    types: text('types').array().notNull(),
    /** Only changes located under this KATO prefix (digits), when set. */
    katoPrefix: text('kato_prefix'),
    /**
     * Key of the HMAC-SHA256 signature of every delivery, shown once at creation. Kept as
     * it is because signing needs it (a hash would not do): guard backups accordingly.
     */
    signingSecret: text('signing_secret').notNull(),
    /** Where the owner is told that the subscription was paused. */
    notifyEmail: text('notify_email').notNull(),
    /** The grants the owner's scope rested on at creation (`SubscriptionScopeGrant[]`). */
    scope: jsonb('scope').notNull().$type<SubscriptionScopeGrant[]>(),
    status: webhookStatus('status').notNull().default('ACTIVE'),
    /** Failed attempts since the last success; at the threshold the subscription pauses. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** How the last failed attempt ended (status code or network error), without the body. */
    lastError: text('last_error'),
    pausedAt: timestamptz('paused_at'),
    /** How many times it was paused: names the pause notice, one per pause. */
    pauseCount: integer('pause_count').notNull().default(0),
    /** Changes after this position are delivered (the feed's head when the subscription was made). */
    startPosition: bigint('start_position', { mode: 'number' }).notNull(),
    /** `actorOf(caller)`. */
    createdBy: text('created_by').notNull(),
    createdAt: keysetTimestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('webhook_subscriptions_owner_idx').on(t.digitalObjectId, t.createdAt, t.id),
    index('webhook_subscriptions_created_idx').on(t.createdAt, t.id),
    check('webhook_subscriptions_types_check', sql`cardinality(${t.types}) > 0`),
  ],
);

/**
 * One delivery per subscription and change: the unique pair is what makes delivery
 * exactly-once per subscription per change (a replay sends the same row again).
 */
export const webhookDeliveries = integrationSchema.table(
  'webhook_deliveries',
  {
    /** Sent as `X-Housing-Delivery`: stable across retries and replays, for the receiver to drop duplicates. */
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    /** The change's position in `platform.changes`. */
    position: bigint('position', { mode: 'number' }).notNull(),
    status: deliveryStatus('status').notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    /** HTTP status of the last attempt, when the receiver answered. */
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    /** How many times a replay sent it again. */
    replays: integer('replays').notNull().default(0),
    createdAt: keysetTimestamptz('created_at').notNull().defaultNow(),
    deliveredAt: timestamptz('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_subscription_position_key').on(t.subscriptionId, t.position),
    index('webhook_deliveries_pending_idx').on(t.subscriptionId, t.position).where(sql`${t.status} = 'PENDING'`),
  ],
);

/** How far the fan-out has turned the feed into deliveries: one row. */
export const fanOutCursor = integrationSchema.table(
  'fan_out_cursor',
  {
    id: smallint('id').primaryKey().default(1),
    /** Every change up to here has its deliveries. */
    position: bigint('position', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('fan_out_cursor_single_row', sql`${t.id} = 1`)],
);

/**
 * Failures of the CS's components noticed by the integration subgraph's monitor (p.33,
 * p.34): one row per incident, open while `ended_at` is null. At most one open incident
 * per component, so monitors of several replicas record (and notify) each failure once.
 */
export const incidents = integrationSchema.table(
  'incidents',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** `DATABASE` or a subgraph's name in capitals (`BUILDINGS`, …). */
    component: text('component').notNull(),
    /** The first failed check of the incident. */
    startedAt: timestamptz('started_at').notNull(),
    /** The first passing check after it; null while the component is failing. */
    endedAt: timestamptz('ended_at'),
    /** How the last failed check ended (an HTTP status, refused, timed out), without addresses. */
    problem: text('problem'),
    /** Owners' addresses the failure notice was queued for (outbox messages). */
    failureNotices: integer('failure_notices').notNull().default(0),
    /** Owners' addresses the recovery notice was queued for. */
    recoveryNotices: integer('recovery_notices').notNull().default(0),
  },
  (t) => [
    uniqueIndex('incidents_one_open_per_component_key').on(t.component).where(sql`${t.endedAt} is null`),
    index('incidents_started_idx').on(t.startedAt),
    check('incidents_period_check', sql`${t.endedAt} is null or ${t.endedAt} >= ${t.startedAt}`),
  ],
);

/** Where a large export is: queued, being written by the job queue, done, or stopped. */
export const exportStatus = integrationSchema.enum('export_status', ['QUEUED', 'RUNNING', 'DONE', 'FAILED']);

/**
 * Large exports for the ministry (issue 10): asked for by a caller with its scope at that
 * moment, written by the job queue in parts (`export_parts`), read back by whoever asked.
 */
export const exports = integrationSchema.table(
  'exports',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** BUILDING_REGISTER, DUTIES or DATA_QUALITY (the SDL's ExportKind). */
    kind: text('kind').notNull(),
    katoCode: text('kato_code'),
    /** `person:<id>` or `digital-object:<id>`: who may read it. */
    requestedBy: text('requested_by').notNull(),
    /** The requester was the Administrator's staff: everything in scope while it still is. */
    everything: boolean('everything').notNull(),
    /** Otherwise the grants its scope rests on, re-checked before every batch. */
    scopeGrants: jsonb('scope_grants').$type<SubscriptionScopeGrant[]>().notNull(),
    status: exportStatus('status').notNull().default('QUEUED'),
    rowsTotal: integer('rows_total'),
    rowsDone: integer('rows_done').notNull().default(0),
    parts: integer('parts').notNull().default(0),
    /** Where the next batch starts (the runner's keyset position). */
    cursor: text('cursor'),
    error: text('error'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [index('exports_requested_by_idx').on(t.requestedBy, t.createdAt)],
);

/** The CSV of an export, one part per batch; the first part starts with the header line. */
export const exportParts = integrationSchema.table(
  'export_parts',
  {
    exportId: uuid('export_id')
      .notNull()
      .references(() => exports.id),
    part: integer('part').notNull(),
    rows: integer('rows').notNull(),
    content: text('content').notNull(),
  },
  (t) => [primaryKey({ columns: [t.exportId, t.part] })],
);
