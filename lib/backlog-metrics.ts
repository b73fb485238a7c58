import { sql } from 'drizzle-orm';
import { Gauge } from 'prom-client';
import type { Database } from './db.js';
import { registry } from './metrics.js';

/**
 * The integration service's backlogs, read at each scrape: notifications not yet
 * delivered from platform.outbox, and jobs waiting in graphile-worker's queue.
 */
export function watchBacklog(db: Database): void {
  if (registry.getSingleMetric('outbox_undelivered')) return;
  new Gauge({
    name: 'outbox_undelivered',
    help: 'Notifications in platform.outbox not yet delivered.',
    registers: [registry],
    async collect() {
      const rows = await db
        .execute<{ count: number }>(sql`select count(*)::int as count from platform.outbox where delivered_at is null`)
        .catch(() => null);
      if (rows?.[0]) this.set(rows[0].count);
    },
  });
  new Gauge({
    name: 'job_queue_length',
    help: 'Jobs in the graphile-worker queue (waiting, running or to be retried).',
    registers: [registry],
    async collect() {
      const rows = await db
        .execute<{ count: number }>(sql`select count(*)::int as count from graphile_worker._private_jobs`)
        .catch(() => null);
      if (rows?.[0]) this.set(rows[0].count);
    },
  });
}
