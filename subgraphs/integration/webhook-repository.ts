import { and, desc, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import { grantInForce } from '../../lib/auth/effective-grants.js';
import type { Executor } from '../../lib/db.js';
import { jobSpec, TaskName } from '../../lib/jobs.js';
import type { PagePosition } from '../../lib/pagination.js';
import { uuidArray } from '../../lib/uuid.js';
import { type SubscriptionScopeGrant, webhookDeliveries, webhookSubscriptions } from '../../schema/integration.js';

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type NewSubscription = typeof webhookSubscriptions.$inferInsert;

/** Attempts of one delivery before the queue gives up on it (e^attempt seconds apart, at most about 6 hours: some four days in all). */
export const DELIVERY_MAX_ATTEMPTS = 25;

/** A delivery with what sending it needs: its subscription and its change. */
export interface DeliveryToSend {
  deliveryId: string;
  status: DeliveryRow['status'];
  attempts: number;
  replays: number;
  subscriptionId: string;
  subscriptionStatus: SubscriptionRow['status'];
  url: string;
  signingSecret: string;
  position: number;
}

/** The pair that names one delivery. */
export interface DeliveryKey {
  subscriptionId: string;
  position: number;
}

function bigintArray(values: readonly number[]): string {
  return `{${values.map((value) => String(Math.trunc(value))).join(',')}}`;
}

/** The `webhook.deliver` job of each delivery, one statement for any number. */
function enqueueSql(from: SQL): SQL {
  return sql`select ${jobSpec(TaskName.Deliver, sql`json_build_object('subscriptionId', d.subscription_id, 'position', d.position)`, {
    jobKey: sql`'webhook:' || d.subscription_id || ':' || d.position`,
    maxAttempts: DELIVERY_MAX_ATTEMPTS,
  })} from ${from}`;
}

/**
 * The SQL of webhook subscriptions and deliveries (the `integration` schema), and of the
 * jobs that send them. Grants are read only through the access subgraph's published view.
 */
export class WebhookRepository {
  constructor(private readonly executor: Executor) {}

  async insert(subscription: NewSubscription): Promise<SubscriptionRow> {
    const [row] = await this.executor.insert(webhookSubscriptions).values(subscription).returning();
    if (!row) throw new Error('The subscription was not recorded.');
    return row;
  }

  async byIds(ids: readonly string[]): Promise<SubscriptionRow[]> {
    if (ids.length === 0) return [];
    return this.executor
      .select()
      .from(webhookSubscriptions)
      .where(inArray(webhookSubscriptions.id, [...ids]));
  }

  /** The subscription, locked until the transaction ends; null when there is none. */
  async lock(id: string): Promise<SubscriptionRow | null> {
    const [row] = await this.executor.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).for('update');
    return row ?? null;
  }

  /** Newest first, after `after`; only `digitalObjectId`'s when given. */
  page(digitalObjectId: string | null, after: PagePosition | null, limit: number): Promise<SubscriptionRow[]> {
    const conditions: SQL[] = [];
    if (digitalObjectId) conditions.push(eq(webhookSubscriptions.digitalObjectId, digitalObjectId));
    if (after)
      conditions.push(
        sql`(${webhookSubscriptions.createdAt}, ${webhookSubscriptions.id}) < (${after.at ?? null}::timestamptz, ${after.id}::uuid)`,
      );
    return this.executor
      .select()
      .from(webhookSubscriptions)
      .where(conditions.length > 0 ? and(...conditions) : undefined)
      .orderBy(desc(webhookSubscriptions.createdAt), desc(webhookSubscriptions.id))
      .limit(limit);
  }

  async update(id: string, values: Partial<NewSubscription>): Promise<SubscriptionRow> {
    const [row] = await this.executor.update(webhookSubscriptions).set(values).where(eq(webhookSubscriptions.id, id)).returning();
    if (!row) throw new Error('The subscription vanished while it was being changed.');
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.executor.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
  }

  /** Deliveries of each subscription, newest change first, at most `limit` each: one statement for any number of subscriptions. */
  async deliveriesOf(subscriptionIds: readonly string[], status: DeliveryRow['status'] | null, limit: number): Promise<DeliveryRow[]> {
    if (subscriptionIds.length === 0 || limit === 0) return [];
    const ranked = this.executor
      .select({
        id: webhookDeliveries.id,
        rank: sql<number>`row_number() over (partition by ${webhookDeliveries.subscriptionId} order by ${webhookDeliveries.position} desc)`.as(
          'rank',
        ),
      })
      .from(webhookDeliveries)
      .where(
        and(inArray(webhookDeliveries.subscriptionId, [...subscriptionIds]), status ? eq(webhookDeliveries.status, status) : undefined),
      )
      .as('ranked');
    return this.executor
      .select(getTableColumns(webhookDeliveries))
      .from(webhookDeliveries)
      .innerJoin(ranked, eq(ranked.id, webhookDeliveries.id))
      .where(sql`${ranked.rank} <= ${limit}`)
      .orderBy(desc(webhookDeliveries.position));
  }

  // ── The fan-out

  /** Where the fan-out stands, locked until the transaction ends (one fan-out at a time). */
  async lockFanOutCursor(): Promise<number> {
    const [row] = await this.executor.execute<{ position: string | number }>(
      sql`select position from integration.fan_out_cursor where id = 1 for update`,
    );
    if (!row) throw new Error('The fan-out cursor is missing (migration 0009 inserts it).');
    return Number(row.position);
  }

  async moveFanOutCursor(position: number): Promise<void> {
    await this.executor.execute(sql`update integration.fan_out_cursor set position = ${position} where id = 1`);
  }

  /** Subscriptions that may want changes up to `upTo` (created before it), active or paused. */
  async subscriptionsBefore(upTo: number): Promise<SubscriptionRow[]> {
    return this.executor.select().from(webhookSubscriptions).where(sql`${webhookSubscriptions.startPosition} < ${upTo}`);
  }

  /** Which of these grants are in force now, through the access subgraph's published grants. */
  async grantsInForce(grantIds: readonly string[]): Promise<Set<string>> {
    if (grantIds.length === 0) return new Set();
    const rows = await this.executor.execute<{ id: string }>(sql`
      select g.id from access.published_grants g where g.id = any(${uuidArray(grantIds)}::uuid[]) and ${grantInForce()}`);
    return new Set(rows.map((row) => row.id));
  }

  /** Records deliveries, each once (a pair already recorded is left as it is); returns those recorded now. */
  async insertDeliveries(keys: readonly DeliveryKey[]): Promise<DeliveryKey[]> {
    if (keys.length === 0) return [];
    const rows = await this.executor.execute<{ subscription_id: string; position: string | number }>(sql`
      insert into integration.webhook_deliveries (subscription_id, position)
      select k.subscription_id, k.position
        from unnest(${uuidArray(keys.map((key) => key.subscriptionId))}::uuid[], ${bigintArray(keys.map((key) => key.position))}::bigint[])
             as k(subscription_id, position)
      on conflict (subscription_id, position) do nothing
      returning subscription_id, position`);
    return rows.map((row) => ({ subscriptionId: row.subscription_id, position: Number(row.position) }));
  }

  /** Queues the delivery job of each delivery (a job already waiting for one is replaced, not doubled). */
  async enqueue(keys: readonly DeliveryKey[]): Promise<number> {
    if (keys.length === 0) return 0;
    const rows = await this.executor.execute(
      enqueueSql(
        sql`unnest(${uuidArray(keys.map((key) => key.subscriptionId))}::uuid[], ${bigintArray(keys.map((key) => key.position))}::bigint[]) as d(subscription_id, position)`,
      ),
    );
    return rows.length;
  }

  /** Queues every pending delivery of a subscription (after a resume). */
  async enqueuePending(subscriptionId: string): Promise<number> {
    const rows = await this.executor.execute(
      enqueueSql(sql`integration.webhook_deliveries d where d.subscription_id = ${subscriptionId}::uuid and d.status = 'PENDING'`),
    );
    return rows.length;
  }

  /**
   * Makes the deliveries of `positions` pending again (recording those not yet recorded):
   * a replay. Each keeps its id; those already delivered or failed count one more replay.
   */
  async replay(subscriptionId: string, positions: readonly number[]): Promise<void> {
    if (positions.length === 0) return;
    await this.executor.execute(sql`
      insert into integration.webhook_deliveries (subscription_id, position)
      select ${subscriptionId}::uuid, p from unnest(${bigintArray(positions)}::bigint[]) as p
      on conflict (subscription_id, position) do update
         set status = 'PENDING', attempts = 0, last_error = null, last_status_code = null, delivered_at = null,
             replays = integration.webhook_deliveries.replays + 1
       where integration.webhook_deliveries.status <> 'PENDING'`);
  }

  // ── Sending

  async toSend(key: DeliveryKey): Promise<DeliveryToSend | null> {
    const [row] = await this.executor.execute<{
      delivery_id: string;
      status: DeliveryRow['status'];
      attempts: number;
      replays: number;
      subscription_status: SubscriptionRow['status'];
      url: string;
      signing_secret: string;
    }>(sql`
      select d.id as delivery_id, d.status, d.attempts, d.replays, s.status as subscription_status, s.url, s.signing_secret
        from integration.webhook_deliveries d
        join integration.webhook_subscriptions s on s.id = d.subscription_id
       where d.subscription_id = ${key.subscriptionId}::uuid and d.position = ${key.position}`);
    if (!row) return null;
    return {
      deliveryId: row.delivery_id,
      status: row.status,
      attempts: row.attempts,
      replays: row.replays,
      subscriptionId: key.subscriptionId,
      subscriptionStatus: row.subscription_status,
      url: row.url,
      signingSecret: row.signing_secret,
      position: key.position,
    };
  }

  /** The receiver took it: the delivery is done and the subscription's failure count starts again. */
  async delivered(deliveryId: string, subscriptionId: string, statusCode: number): Promise<void> {
    await this.executor.execute(sql`
      update integration.webhook_deliveries
         set status = 'DELIVERED', attempts = attempts + 1, last_status_code = ${statusCode}, last_error = null, delivered_at = now()
       where id = ${deliveryId}::uuid`);
    await this.executor.execute(sql`
      update integration.webhook_subscriptions set consecutive_failures = 0, last_error = null
       where id = ${subscriptionId}::uuid and consecutive_failures <> 0`);
  }

  /** An attempt failed: counted on the delivery (FAILED when it was the last) and on the subscription. */
  async failed(deliveryId: string, statusCode: number | null, error: string, last: boolean): Promise<void> {
    await this.executor.execute(sql`
      update integration.webhook_deliveries
         set attempts = attempts + 1, last_status_code = ${statusCode}, last_error = ${error},
             status = case when ${last} then 'FAILED'::integration.delivery_status else status end
       where id = ${deliveryId}::uuid`);
  }

  /** One more consecutive failure; at `threshold` an active subscription pauses. Returns it, and whether this failure paused it. */
  async countFailure(
    subscriptionId: string,
    error: string,
    threshold: number,
  ): Promise<{ subscription: SubscriptionRow; pausedNow: boolean } | null> {
    const current = await this.lock(subscriptionId);
    if (!current) return null;
    const failures = current.consecutiveFailures + 1;
    const pausedNow = current.status === 'ACTIVE' && failures >= threshold;
    const subscription = await this.update(subscriptionId, {
      consecutiveFailures: failures,
      lastError: error,
      ...(pausedNow ? { status: 'PAUSED' as const, pausedAt: new Date(), pauseCount: current.pauseCount + 1 } : {}),
    });
    return { subscription, pausedNow };
  }
}

export type { SubscriptionScopeGrant };
