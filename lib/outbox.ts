import { sql } from 'drizzle-orm';
import type { TaskList } from 'graphile-worker';
import type { Database, Executor } from './db.js';
import { jobSpec, safeTask, TaskFailure, TaskName } from './jobs.js';
import { isUuid } from './uuid.js';

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
 * Writes notifications into the outbox through the caller's transaction, each with a
 * `mail.send` job of the queue (`lib/jobs.ts`), so message and job exist exactly when the
 * change does. Duplicates by dedupe key are dropped silently (and get no job); returns how
 * many new messages were queued. One statement for any number of notifications.
 */
export async function enqueueNotification(executor: Executor, notifications: Notification | Notification[]): Promise<number> {
  const list = Array.isArray(notifications) ? notifications : [notifications];
  if (list.length === 0) return 0;
  const rows = list.map(({ kind, recipientEmail, subject, body, dedupeKey }) => ({
    kind,
    recipient_email: recipientEmail,
    subject,
    body,
    dedupe_key: dedupeKey,
  }));
  const queued = await executor.execute(sql`
    with inserted as (
      insert into platform.outbox (kind, recipient_email, subject, body, dedupe_key)
      select r.kind, r.recipient_email, r.subject, r.body, r.dedupe_key
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(kind text, recipient_email text, subject text, body text, dedupe_key text)
      on conflict (dedupe_key) do nothing
      returning id
    )
    select ${jobSpec(TaskName.SendMail, sql`json_build_object('outboxId', inserted.id)`, { jobKey: sql`'mail:' || inserted.id`, maxAttempts: MAIL_MAX_ATTEMPTS })}
      from inserted`);
  return queued.length;
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

/** Attempts of one message before the queue gives up on it (e^attempt seconds apart, at most about 6 hours: some four days in all). */
export const MAIL_MAX_ATTEMPTS = 25;

export type SendOutcome = 'sent' | 'already-sent' | 'gone';

/**
 * The `mail.send` job: sends one outbox message through `transport` and records the
 * outcome. A message already delivered is not sent again (a job run twice, or a job
 * left over from before); a failure records the transport's message (which carries no
 * address or content: the SMTP transport masks them) and throws, so the queue retries
 * it with backoff. A message is sent twice only if the process dies between the
 * transport accepting it and the update: the transport gets a stable `id` (Message-ID).
 */
export async function sendOutboxMessage(db: Database, transport: MailTransport, outboxId: string): Promise<SendOutcome> {
  const [row] = await db.execute<{
    id: string;
    kind: string;
    recipient_email: string;
    subject: string;
    body: string;
    delivered_at: string | null;
  }>(sql`
    update platform.outbox set attempts = attempts + 1
     where id = ${outboxId}::uuid and delivered_at is null
    returning id, kind, recipient_email, subject, body, delivered_at`);
  if (!row) {
    const [exists] = await db.execute(sql`select 1 from platform.outbox where id = ${outboxId}::uuid`);
    return exists ? 'already-sent' : 'gone';
  }
  try {
    await transport.send({ id: row.id, kind: row.kind, recipientEmail: row.recipient_email, subject: row.subject, body: row.body });
  } catch (error) {
    // Only the transport's message: it must not carry the recipient or content.
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    await db.execute(sql`update platform.outbox set last_error = ${message} where id = ${outboxId}::uuid`);
    throw new TaskFailure(message);
  }
  await db.execute(sql`update platform.outbox set delivered_at = now(), last_error = null where id = ${outboxId}::uuid`);
  return 'sent';
}

/** The queue's task that sends outbox messages, for the process that owns mail delivery (the integration subgraph). */
export function mailTasks(db: Database, transport: MailTransport): TaskList {
  return {
    [TaskName.SendMail]: safeTask(async (payload: { outboxId?: unknown } | null) => {
      const outboxId = payload?.outboxId;
      if (typeof outboxId !== 'string' || !isUuid(outboxId)) return;
      await sendOutboxMessage(db, transport, outboxId);
    }),
  };
}
