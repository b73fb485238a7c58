import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { outbox } from '../schema/platform.js';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { deliverPending, enqueueNotification, KeepTransport, retryDelayMs, type MailTransport, type OutgoingMessage } from './outbox.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const message = (key: string) => ({ kind: 'test', recipientEmail: `${key}@example.kz`, subject: `Subject ${key}`, body: `Body ${key}`, dedupeKey: key });

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

describe('outbox', () => {
  it('drops a second notification with the same dedupe key, inside a transaction', async () => {
    const { db } = database;
    await db.transaction(async (tx) => {
      expect(await enqueueNotification(tx, [message('dup-1'), message('dup-2')])).toBe(2);
      expect(await enqueueNotification(tx, message('dup-1'))).toBe(0);
    });
    const rows = await db.select().from(outbox).where(eq(outbox.kind, 'test'));
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual(['dup-1', 'dup-2']);
  });

  it('writes nothing when the surrounding transaction rolls back', async () => {
    const { db } = database;
    await expect(
      db.transaction(async (tx) => {
        await enqueueNotification(tx, message('rolled-back'));
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect(await db.select().from(outbox).where(eq(outbox.dedupeKey, 'rolled-back'))).toHaveLength(0);
  });

  it('retries after a failure without losing or duplicating a message', async () => {
    const { db } = database;
    await db.delete(outbox);
    await enqueueNotification(db, [message('r-1'), message('r-2'), message('r-3')]);
    const transport = new FlakyTransport(2);
    const t0 = new Date(Date.now() + 1000);

    expect(await deliverPending(db, transport, { now: t0 })).toEqual({ delivered: 0, failed: 3 });
    // Not due yet: the backoff holds the messages back.
    expect(await deliverPending(db, transport, { now: new Date(t0.getTime() + 1000) })).toEqual({ delivered: 0, failed: 0 });
    const t1 = new Date(t0.getTime() + retryDelayMs(1));
    expect(await deliverPending(db, transport, { now: t1 })).toEqual({ delivered: 0, failed: 3 });
    const t2 = new Date(t1.getTime() + retryDelayMs(2));
    expect(await deliverPending(db, transport, { now: t2 })).toEqual({ delivered: 3, failed: 0 });
    // Delivered messages are never sent again.
    expect(await deliverPending(db, transport, { now: new Date(t2.getTime() + 86_400_000) })).toEqual({ delivered: 0, failed: 0 });

    expect(transport.sent.map((m) => m.recipientEmail).sort()).toEqual(['r-1@example.kz', 'r-2@example.kz', 'r-3@example.kz']);
    const rows = await db.select().from(outbox);
    expect(rows.every((r) => r.deliveredAt !== null && r.attempts === 3 && r.lastError === null)).toBe(true);
  });

  it('keeps the error of a failed attempt without the content', async () => {
    const { db } = database;
    await db.delete(outbox);
    await enqueueNotification(db, message('e-1'));
    await deliverPending(db, new FlakyTransport(1), { now: new Date(Date.now() + 1000) });
    const [row] = await db.select().from(outbox);
    expect(row?.deliveredAt).toBeNull();
    expect(row?.attempts).toBe(1);
    expect(row?.lastError).toBe('connection refused');
  });

  it('stops sending when its lease runs short, leaving the rest to the next run, each message sent once', async () => {
    const { db } = database;
    await db.delete(outbox);
    await enqueueNotification(db, Array.from({ length: 5 }, (_, i) => message(`l-${i}`)));
    const slow = new KeepTransport();
    const transport: MailTransport = { send: async (m) => { await new Promise((resolve) => setTimeout(resolve, 60)); await slow.send(m); } };
    const now = new Date(Date.now() + 1000);
    const first = await deliverPending(db, transport, { now, leaseMs: 100 });
    expect(first.failed).toBe(0);
    expect(first.delivered).toBeGreaterThan(0);
    expect(first.delivered).toBeLessThan(5);
    // Not taken again while the lease lasts, due once it is over.
    expect(await deliverPending(db, transport, { now: new Date(now.getTime() + 50), leaseMs: 100 })).toEqual({ delivered: 0, failed: 0 });
    let delivered = first.delivered;
    for (let run = 1; delivered < 5 && run < 10; run += 1) delivered += (await deliverPending(db, transport, { now: new Date(now.getTime() + run * 1000), leaseMs: 100 })).delivered;
    expect(delivered).toBe(5);
    expect(slow.sent.map((m) => m.recipientEmail).sort()).toEqual(['l-0@example.kz', 'l-1@example.kz', 'l-2@example.kz', 'l-3@example.kz', 'l-4@example.kz']);
  });

  it('lets parallel workers share the queue without sending any message twice', async () => {
    const { db } = database;
    await db.delete(outbox);
    await enqueueNotification(db, Array.from({ length: 60 }, (_, i) => message(`p-${i}`)));
    const transport = new KeepTransport();
    const now = new Date(Date.now() + 1000);
    const results = await Promise.all(Array.from({ length: 4 }, () => deliverPending(db, transport, { now, batch: 20 })));
    const total = results.reduce((sum, r) => sum + r.delivered, 0);
    const rest = await deliverPending(db, transport, { now, batch: 100 });
    expect(total + rest.delivered).toBe(60);
    expect(new Set(transport.sent.map((m) => m.id)).size).toBe(60);
    expect(transport.sent).toHaveLength(60);
  });
});
