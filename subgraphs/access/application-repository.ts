import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import type { PageRequest } from '../../lib/pagination.js';
import { uuidArray } from '../../lib/uuid.js';
import { type applicationStatus, applications } from '../../schema/access.js';

export type ApplicationRow = typeof applications.$inferSelect;
export type ApplicationStatus = (typeof applicationStatus.enumValues)[number];

/** SQL of integration applications (p.14–17); the review's rules are the application manager's. */
export class ApplicationRepository {
  constructor(private readonly db: Executor) {}

  async insert(values: typeof applications.$inferInsert): Promise<ApplicationRow> {
    const [row] = await this.db.insert(applications).values(values).returning();
    if (!row) throw new Error('The application was not recorded.');
    return row;
  }

  /** The application, locked until the transaction ends. */
  async forUpdate(id: string): Promise<ApplicationRow | undefined> {
    const [row] = await this.db.select().from(applications).where(eq(applications.id, id)).for('update');
    return row;
  }

  async decide(id: string, decision: Partial<typeof applications.$inferInsert>): Promise<ApplicationRow> {
    const [row] = await this.db.update(applications).set(decision).where(eq(applications.id, id)).returning();
    if (!row) throw new Error('The application was not updated.');
    return row;
  }

  /** Applications still under review whose last day of review is before `today` (an Almaty date), oldest deadline first. */
  async overdue(today: string): Promise<ApplicationRow[]> {
    return this.db
      .select()
      .from(applications)
      .where(and(eq(applications.status, 'SUBMITTED'), lt(applications.deadline, today)))
      .orderBy(asc(applications.deadline), asc(applications.submittedAt));
  }

  /** A keyset page of applications, newest first, one row beyond `page.first`. */
  async page(status: ApplicationStatus | null | undefined, page: PageRequest): Promise<ApplicationRow[]> {
    const after = page.after
      ? sql`(${applications.submittedAt}, ${applications.id}) < (${page.after.at ?? null}::timestamptz, ${page.after.id}::uuid)`
      : undefined;
    return this.db
      .select()
      .from(applications)
      .where(and(status ? eq(applications.status, status) : undefined, after))
      .orderBy(desc(applications.submittedAt), desc(applications.id))
      .limit(page.first + 1);
  }

  /** Applications under review whose deadline is on or after `date`: those a change of the calendar on `date` can move. */
  async undecidedWithDeadlineFrom(date: string): Promise<Array<Pick<ApplicationRow, 'id' | 'submittedAt' | 'deadline'>>> {
    return this.db
      .select({ id: applications.id, submittedAt: applications.submittedAt, deadline: applications.deadline })
      .from(applications)
      .where(and(eq(applications.status, 'SUBMITTED'), gte(applications.deadline, date)));
  }

  /** New deadlines, one statement for all. */
  async setDeadlines(changes: ReadonlyArray<{ id: string; deadline: string }>): Promise<void> {
    if (changes.length === 0) return;
    await this.db.execute(sql`
      update access.applications a set deadline = c.deadline
        from unnest(${uuidArray(changes.map((c) => c.id))}::uuid[], ${`{${changes.map((c) => c.deadline).join(',')}}`}::date[]) as c(id, deadline)
       where a.id = c.id`);
  }
}
