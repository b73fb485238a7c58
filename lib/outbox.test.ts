import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../schema/platform.js';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { runDueJobs } from './jobs.js';
import { enqueueNotification, KeepTransport, type MailTransport, mailTasks, type OutgoingMessage, sendOutboxMessage } from './outbox.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const message = (key: string) => ({
  kind: 'test',
  recipientEmail: `${key}@example.kz`,
  subject: `Subject ${key}`,
  body: `Body ${key}`,
  dedupeKey: key,
});

/** Fails the first `failures` sends of each message, then accepts. */
class FlakyTransport implements MailTransport {
  readonly sent: OutgoingMessage[] = [];
  private readonly tries = new Map<string, number>();
  constructor(private readonly failures: number) {}
  async send(m: OutgoingMessage): Promise<void> {
    const n = (this.tries.get(m.id) ?? 0) + 1;
    this.tries.set(m.id, n);
    if (n <= this.failures) throw new Error('connection refused');
    this.sent.push(m);
  }
}

/** The mail jobs waiting in the queue, with their attempts and last errors. */
async function mailJobs() {
  return database.db.execute<{ id: string; key: string | null; attempts: number; last_error: string | null }>(
    sql`select id, key, attempts, last_error from graphile_worker.jobs where task_identifier = 'mail.send' order by id`,
  );
}

/** Moves every waiting job's retry to now, as if its backoff had passed. */
async function fastForward() {
  await database.db.execute(sql`select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs), run_at => now())`);
}

async function clear() {
  await database.db.delete(outbox);
  await database.db.execute(sql`select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs))`);
}

describe('outbox through the job queue', () => {
  it('queues one mail job per new message, none for a duplicate dedupe key, inside a transaction', async () => {
    const { db } = database;
    await clear();
    await db.transaction(async (tx) => {
      expect(await enqueueNotification(tx, [message('dup-1'), message('dup-2')])).toBe(2);
      expect(await enqueueNotification(tx, message('dup-1'))).toBe(0);
    });
    const rows = await db.select().from(outbox).where(eq(outbox.kind, 'test'));
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual(['dup-1', 'dup-2']);
    expect((await mailJobs()).map((job) => job.key).sort()).toEqual(rows.map((row) => `mail:${row.id}`).sort());
  });

  it('writes neither the message nor its job when the surrounding transaction rolls back', async () => {
    const { db } = database;
    await clear();
    await expect(
      db.transaction(async (tx) => {
        await enqueueNotification(tx, message('rolled-back'));
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect(await db.select().from(outbox).where(eq(outbox.dedupeKey, 'rolled-back'))).toHaveLength(0);
    expect(await mailJobs()).toHaveLength(0);
  });

  it('retries after failures with the queue’s backoff, and sends each message once', async () => {
    const { db } = database;
    await clear();
    await enqueueNotification(db, [message('r-1'), message('r-2'), message('r-3')]);
    const transport = new FlakyTransport(2);
    const tasks = mailTasks(db, transport);

    await runDueJobs(database.url, tasks);
    // Failed once: held back by the backoff (e^1 s), not due again at once.
    expect((await mailJobs()).map((job) => job.attempts)).toEqual([1, 1, 1]);
    const [held] = await db.execute<{ later: boolean }>(sql`select bool_and(run_at > now()) as later from graphile_worker.jobs`);
    expect(held?.later).toBe(true);

    await fastForward();
    await runDueJobs(database.url, tasks);
    await fastForward();
    await runDueJobs(database.url, tasks);
    const left = await database.db.execute(sql`select id, attempts, run_at, locked_at, last_error from graphile_worker.jobs`);
    expect(left, JSON.stringify(left)).toHaveLength(0);

    expect(transport.sent.map((m) => m.recipientEmail).sort()).toEqual(['r-1@example.kz', 'r-2@example.kz', 'r-3@example.kz']);
    const rows = await db.select().from(outbox);
    expect(rows.every((r) => r.deliveredAt !== null && r.attempts === 3 && r.lastError === null)).toBe(true);

    // A job run again for a delivered message (re-added by hand) sends nothing.
    expect(await sendOutboxMessage(db, transport, rows[0]!.id)).toBe('already-sent');
    expect(transport.sent).toHaveLength(3);
  });

  it('keeps the error of a failed attempt, in the outbox and in the queue, without address or content', async () => {
    const { db } = database;
    await clear();
    await enqueueNotification(db, message('e-1'));
    await runDueJobs(database.url, mailTasks(db, new FlakyTransport(1)));
    const [row] = await db.select().from(outbox);
    expect(row?.deliveredAt).toBeNull();
    expect(row?.attempts).toBe(1);
    expect(row?.lastError).toBe('connection refused');
    const [job] = await mailJobs();
    expect(job?.last_error).toContain('connection refused');
    expect(job?.last_error).not.toContain('e-1');
  });

  it('lets parallel workers share the queue without sending any message twice', async () => {
    const { db } = database;
    await clear();
    await enqueueNotification(
      db,
      Array.from({ length: 60 }, (_, i) => message(`p-${i}`)),
    );
    const transport = new KeepTransport();
    const slow: MailTransport = {
      send: async (m) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        await transport.send(m);
      },
    };
    await Promise.all(Array.from({ length: 3 }, () => runDueJobs(database.url, mailTasks(db, slow))));
    await runDueJobs(database.url, mailTasks(db, slow));
    expect(new Set(transport.sent.map((m) => m.id)).size).toBe(60);
    expect(transport.sent).toHaveLength(60);
    expect(await mailJobs()).toHaveLength(0);
  });
});
