import { sql } from 'drizzle-orm';
import { outbox } from '../schema/platform.js';
import type { Database, Executor } from './db.js';

/** A notification to write in the same transaction as the change it reports. */
export interface Notification {
  /** What happened, e.g. `application.approved`, `grant.ended`. */
  kind: string;
  recipientEmail: string;
  subject: string;
  body: string;
  /**
   * Names the event and the recipient, e.g. `application:<id>:decision:<email>`: the same
   * event reported twice (a retried mutation, a re-run) yields one message.
   */
  dedupeKey: string;
}

/**
 * Writes notifications into the outbox through the caller's transaction, so they exist
 * exactly when the change does. Duplicates by dedupe key are dropped silently; returns
 * how many new messages were queued. One statement for any number of notifications.
 */
export async function enqueueNotification(executor: Executor, notifications: Notification | Notification[]): Promise<number> {
  const list = Array.isArray(notifications) ? notifications : [notifications];
  if (list.length === 0) return 0;
  const rows = await executor
    .insert(outbox)
    .values(list.map(({ kind, recipientEmail, subject, body, dedupeKey }) => ({ kind, recipientEmail, subject, body, dedupeKey })))
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id });
  return rows.length;
}

/** A message as handed to a transport; `id` is stable across retries (use it as Message-ID). */
export interface OutgoingMessage {
  id: string;
  kind: string;
  recipientEmail: string;
  subject: string;
  body: string;
}

/** Sends one message; throws when it was not accepted. */
export interface MailTransport {
  send(message: OutgoingMessage): Promise<void>;
}

/**
 * Keeps sent messages in memory. For tests and for deployments without SMTP_URL, where
 * undelivered notifications simply stay in the outbox, listable by administrators
 * (`notifications(undeliveredOnly: true)`); a real mail transport (SMTP, a mail API)
 * is a plug-in implementing `MailTransport`.
 */
export class KeepTransport implements MailTransport {
  readonly sent: OutgoingMessage[] = [];
  async send(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
  }
}

export interface DeliveryOptions {
  /** The delivery run's clock (tests move it). */
  now?: Date;
  /** Most messages claimed in one run. */
  batch?: number;
  /**
   * How long a claimed message is withheld from other workers while this one sends it.
   * If the worker dies mid-send, the message is retried after the lease.
   */
  leaseMs?: number;
}

export interface DeliveryResult {
  delivered: number;
  failed: number;
}

/** 30 s, 1 min, 2 min, … capped at 6 hours: retries forever, never hammers the server. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 6 * 60 * 60 * 1000);
}

/**
 * Delivers due messages: claims up to `batch` rows with `FOR UPDATE SKIP LOCKED` in a short
 * transaction that also moves their next attempt past a lease (so parallel workers never
 * take the same message, and no transaction stays open while mail is sent), then sends
 * each while the lease lasts and records the outcome in one statement per outcome. A failure schedules a retry
 * with exponential backoff; the message is never lost. A message is sent twice only if a
 * worker dies between the transport accepting it and the update: transports get a stable
 * `id` to deduplicate on.
 */
export async function deliverPending(db: Database, transport: MailTransport, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const now = options.now ?? new Date();
  const batch = options.batch ?? 50;
  const leaseMs = options.leaseMs ?? 5 * 60 * 1000;
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const started = performance.now();
  const claimed = await db.transaction(async (tx) =>
    tx.execute<{ id: string; kind: string; recipient_email: string; subject: string; body: string; attempts: number }>(sql`
      update platform.outbox o
         set attempts = o.attempts + 1, next_attempt_at = ${leaseUntil.toISOString()}::timestamptz
       where o.id in (
         select id from platform.outbox
          where delivered_at is null and next_attempt_at <= ${now.toISOString()}::timestamptz
          order by next_attempt_at, created_at
          limit ${batch}
          for update skip locked)
      returning o.id, o.kind, o.recipient_email, o.subject, o.body, o.attempts`),
  );

  const delivered: string[] = [];
  const failed: Array<{ id: string; retryAt: string; error: string }> = [];
  for (const row of claimed) {
    // Once most of the lease is spent, other workers may claim what is left: leave it to
    // them (it is due again when the lease ends) rather than risk sending it twice.
    if (performance.now() - started > leaseMs * 0.8) break;
    try {
      await transport.send({ id: row.id, kind: row.kind, recipientEmail: row.recipient_email, subject: row.subject, body: row.body });
      delivered.push(row.id);
    } catch (error) {
      // Only the transport's message: it must not carry the recipient or content.
      const message = error instanceof Error ? error.message : String(error);
      failed.push({ id: row.id, retryAt: new Date(now.getTime() + retryDelayMs(row.attempts)).toISOString(), error: message.slice(0, 500) });
    }
  }

  if (delivered.length) {
    await db.execute(sql`
      update platform.outbox set delivered_at = ${now.toISOString()}::timestamptz, last_error = null
       where id = any(${`{${delivered.join(',')}}`}::uuid[])`);
  }
  if (failed.length) {
    await db.execute(sql`
      update platform.outbox o
         set next_attempt_at = f.retry_at, last_error = f.error
        from unnest(${`{${failed.map((f) => f.id).join(',')}}`}::uuid[],
                    ${pgTextArray(failed.map((f) => f.retryAt))}::timestamptz[],
                    ${pgTextArray(failed.map((f) => f.error))}::text[]) as f(id, retry_at, error)
       where o.id = f.id`);
  }
  return { delivered: delivered.length, failed: failed.length };
}

/** A Postgres array literal of strings, every element quoted and escaped. */
function pgTextArray(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/**
 * Runs `deliverPending` every `intervalMs` until stopped. Started by the process that owns
 * mail delivery when a transport is configured; without one, messages stay listable.
 */
export function startOutboxWorker(db: Database, transport: MailTransport, intervalMs = 10_000, log: (line: string) => void = console.error): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => deliverPending(db, transport))
      .catch((error: unknown) => log(`[outbox] delivery run failed: ${error instanceof Error ? error.name : 'error'}`));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
