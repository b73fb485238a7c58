import { and, desc, eq, type InferSelectModel, isNull, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from '../../lib/db.js';
import { applications, subjects } from '../../schema/access.js';
import { outbox } from '../../schema/platform.js';
import type { ApplicationRow, ApplicationStatus } from './application-repository.js';
import type { SubjectKindValue, SubjectRow } from './directory-repository.js';
import { after, type Position } from './pages.js';

/** The administrators' lists that are not grants. */
export class AdminListRepository {
  constructor(private readonly db: Executor) {}

  /** A keyset page of `table` newest first by (`atColumn`, id), one row beyond `first` to tell whether more follow. */
  private async newestFirst<T extends PgTable & { id: AnyPgColumn }>(
    table: T,
    atColumn: AnyPgColumn,
    filter: SQL | undefined,
    first: number,
    position: Position | null,
  ): Promise<Array<InferSelectModel<T>>> {
    const rows = await this.db
      .select()
      .from(table as PgTable)
      .where(and(filter, after(atColumn, table.id, position)))
      .orderBy(desc(atColumn), desc(table.id))
      .limit(first + 1);
    return rows as Array<InferSelectModel<T>>;
  }

  subjects(kind: SubjectKindValue | null | undefined, first: number, position: Position | null): Promise<SubjectRow[]> {
    return this.newestFirst(subjects, subjects.createdAt, kind ? eq(subjects.kind, kind) : undefined, first, position);
  }

  applications(status: ApplicationStatus | null | undefined, first: number, position: Position | null): Promise<ApplicationRow[]> {
    return this.newestFirst(applications, applications.submittedAt, status ? eq(applications.status, status) : undefined, first, position);
  }

  notifications(undeliveredOnly: boolean, first: number, position: Position | null) {
    return this.newestFirst(outbox, outbox.createdAt, undeliveredOnly ? isNull(outbox.deliveredAt) : undefined, first, position);
  }
}
