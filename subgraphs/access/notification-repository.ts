import { and, desc, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import type { PageRequest } from '../../lib/pagination.js';
import { outbox } from '../../schema/platform.js';

export type NotificationRow = typeof outbox.$inferSelect;

/** Reading the notification outbox (`platform.outbox`), which the access subgraph delivers; `lib/outbox.ts` writes it. */
export class NotificationRepository {
  constructor(private readonly db: Executor) {}

  /** A keyset page of notifications, newest first, one row beyond `page.first`. */
  async page(undeliveredOnly: boolean, page: PageRequest): Promise<NotificationRow[]> {
    const after = page.after
      ? sql`(${outbox.createdAt}, ${outbox.id}) < (${page.after.at ?? null}::timestamptz, ${page.after.id}::uuid)`
      : undefined;
    return this.db
      .select()
      .from(outbox)
      .where(and(undeliveredOnly ? isNull(outbox.deliveredAt) : undefined, after))
      .orderBy(desc(outbox.createdAt), desc(outbox.id))
      .limit(page.first + 1);
  }
}
