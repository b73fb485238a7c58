import { type SQL, sql } from 'drizzle-orm';
import type { JobHelpers, TaskList } from 'graphile-worker';
import type { Database } from '../../lib/db.js';
import { jobSpec, safeTask, TaskFailure, TaskName } from '../../lib/jobs.js';
import { enqueueNotification, type MailTransport, mailTasks } from '../../lib/outbox.js';
import { encodeSequenceCursor } from '../../lib/pagination.js';
import { isUuid } from '../../lib/uuid.js';
import { type ChangeRow, ChangesRepository } from './changes-repository.js';
import { exportTasks } from './export-runner.js';
import { inScope, narrowedTo } from './feed-scope.js';
import { type DeliveryKey, WebhookRepository } from './webhook-repository.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';
import { postToTarget } from './webhook-target.js';

/** The list name of the feed's cursors (`changes`): a delivery's `change.cursor` continues the feed. */
export const CHANGES_LIST = 'changes';

/** Changes one fan-out run turns into deliveries; a full batch queues the next run. */
export const FAN_OUT_BATCH = 500;

export interface DispatchSettings {
  allowPrivateTargets: boolean;
  failureThreshold: number;
  timeoutMs: number;
}

/** What a subscription selects of a change, besides its scope. */
function selects(subscription: { types: string[]; katoPrefix: string | null }, change: ChangeRow): boolean {
  if (!subscription.types.includes(change.type)) return false;
  return subscription.katoPrefix === null || (change.katoCode ?? '').startsWith(subscription.katoPrefix);
}

/**
 * The `webhook.fan-out` job: turns the changes recorded after the fan-out's cursor into
 * deliveries, one per subscription and change (the unique pair), and queues the delivery
 * jobs of active subscriptions, all in one transaction that also moves the cursor. Runs one
 * at a time (the cursor row is locked); positions are in commit order, so the cursor never
 * passes a change committed later. A paused subscription's deliveries are recorded and wait.
 */
export async function fanOut(db: Database, batch = FAN_OUT_BATCH): Promise<{ changes: number; deliveries: number }> {
  return db.transaction(async (tx) => {
    const subscriptions = new WebhookRepository(tx);
    const cursor = await subscriptions.lockFanOutCursor();
    const changes = await new ChangesRepository(tx).after(cursor, batch);
    const last = changes.at(-1);
    if (!last) return { changes: 0, deliveries: 0 };
    const candidates = await subscriptions.subscriptionsBefore(last.position);
    const live = await subscriptions.grantsInForce([...new Set(candidates.flatMap((s) => s.scope.map((grant) => grant.grantId)))]);
    const wanted: DeliveryKey[] = [];
    const active = new Set<string>();
    for (const subscription of candidates) {
      if (subscription.status === 'ACTIVE') active.add(subscription.id);
      const scope = narrowedTo(subscription.scope, live);
      for (const change of changes) {
        if (change.position > subscription.startPosition && selects(subscription, change) && inScope(scope, change)) {
          wanted.push({ subscriptionId: subscription.id, position: change.position });
        }
      }
    }
    const recorded = await subscriptions.insertDeliveries(wanted);
    await subscriptions.enqueue(recorded.filter((key) => active.has(key.subscriptionId)));
    await subscriptions.moveFanOutCursor(last.position);
    if (changes.length === batch) await tx.execute(jobSpecStatement());
    return { changes: changes.length, deliveries: recorded.length };
  });
}

/** A full batch: more changes may be waiting; the next run is queued (coalesced by its key). */
function jobSpecStatement(): SQL {
  return sql`select ${jobSpec(TaskName.FanOut, {}, { jobKey: TaskName.FanOut })}`;
}

/** The JSON a receiver gets: the delivery, and the change (what and where; read the record through the graph). */
export function deliveryBody(delivery: { id: string; subscriptionId: string; replays: number }, change: ChangeRow): string {
  return JSON.stringify({
    deliveryId: delivery.id,
    subscriptionId: delivery.subscriptionId,
    replay: delivery.replays,
    change: {
      position: String(change.position),
      cursor: encodeSequenceCursor(CHANGES_LIST, change.position),
      type: change.type,
      entityId: change.entityId,
      operation: change.operation,
      receiptId: change.receiptId,
      recordedAt: change.recordedAt.toISOString(),
      katoCode: change.katoCode,
      subjectId: change.subjectId,
    },
  });
}

export type DeliveryOutcome = 'delivered' | 'skipped' | 'failed' | 'paused';

/**
 * The `webhook.deliver` job: POSTs one delivery, signed, and records the outcome.
 * Nothing is sent for a delivery already delivered or failed, nor while its subscription
 * is paused (a resume queues it again). A failure counts against the subscription: at
 * the threshold it pauses and its owner is told through the outbox, in one transaction;
 * otherwise the job throws and the queue retries it with backoff, until its last attempt
 * marks the delivery FAILED.
 */
export async function deliver(
  db: Database,
  key: DeliveryKey,
  attempt: { number: number; last: boolean },
  settings: DispatchSettings,
): Promise<DeliveryOutcome> {
  const repository = new WebhookRepository(db);
  const delivery = await repository.toSend(key);
  if (delivery?.status !== 'PENDING' || delivery.subscriptionStatus !== 'ACTIVE') return 'skipped';
  const change = await new ChangesRepository(db).at(key.position);
  if (!change) return 'skipped';
  const body = deliveryBody({ id: delivery.deliveryId, subscriptionId: key.subscriptionId, replays: delivery.replays }, change);
  const timestamp = Math.floor(Date.now() / 1000);
  const outcome = await postToTarget(
    delivery.url,
    body,
    {
      'content-type': 'application/json',
      'user-agent': 'kz-housing-graph-webhooks/1',
      [DELIVERY_HEADER]: delivery.deliveryId,
      'x-housing-event': `${change.type}.${change.operation}`,
      [SIGNATURE_HEADER]: signatureHeader(delivery.signingSecret, timestamp, body),
    },
    { allowPrivate: settings.allowPrivateTargets, timeoutMs: settings.timeoutMs },
  );
  if (outcome.ok) {
    await db.transaction((tx) => new WebhookRepository(tx).delivered(delivery.deliveryId, key.subscriptionId, outcome.statusCode ?? 200));
    return 'delivered';
  }
  const error = (outcome.error ?? 'the delivery failed').slice(0, 300);
  const paused = await db.transaction(async (tx) => {
    const subscriptions = new WebhookRepository(tx);
    await subscriptions.failed(delivery.deliveryId, outcome.statusCode, error, attempt.last);
    const counted = await subscriptions.countFailure(key.subscriptionId, error, settings.failureThreshold);
    if (!counted?.pausedNow) return false;
    const { subscription } = counted;
    await enqueueNotification(tx, {
      kind: 'webhook.paused',
      recipientEmail: subscription.notifyEmail,
      subject: 'Webhook subscription paused',
      body:
        `Your webhook subscription ${subscription.id} (${subscription.url}) was paused after ${subscription.consecutiveFailures} ` +
        `consecutive failed deliveries; the last one: ${error}. Deliveries are kept: once the receiver works, resume it ` +
        '(resumeWebhookSubscription) and they are sent.',
      dedupeKey: `webhook:${subscription.id}:paused:${subscription.pauseCount}`,
    });
    return true;
  });
  if (paused) return 'paused';
  if (attempt.last) return 'failed';
  // The queue keeps this message as the job's last error: no body, no secret.
  throw new TaskFailure(`Webhook delivery ${delivery.deliveryId} failed: ${error}`);
}

/** The delivery a job's payload names, or null for a payload that names none. */
function deliveryKeyOf(payload: unknown): DeliveryKey | null {
  const { subscriptionId, position } = (payload ?? {}) as { subscriptionId?: unknown; position?: unknown };
  if (!isUuid(subscriptionId) || typeof position !== 'number' || !Number.isSafeInteger(position)) return null;
  return { subscriptionId, position };
}

export interface IntegrationTaskOptions extends DispatchSettings {
  /** Sends the outbox's mail when set; without it notifications stay listable in the outbox. */
  mailTransport: MailTransport | null;
}

/** Every task of the queue this subgraph's worker runs: the fan-out, deliveries, and mail when a transport is configured. */
export function integrationTasks(db: Database, options: IntegrationTaskOptions): TaskList {
  return {
    [TaskName.FanOut]: safeTask(() => fanOut(db)),
    [TaskName.Deliver]: safeTask(async (payload: unknown, helpers: JobHelpers) => {
      const key = deliveryKeyOf(payload);
      if (!key) return;
      await deliver(db, key, { number: helpers.job.attempts, last: helpers.job.attempts >= helpers.job.max_attempts }, options);
    }),
    ...(options.mailTransport ? mailTasks(db, options.mailTransport) : {}),
    ...exportTasks(db),
  };
}
