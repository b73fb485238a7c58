import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import type { PageRequest } from '../../lib/pagination.js';
import { digitalObjects, persons, type subjectKind, subjects } from '../../schema/access.js';

export type SubjectRow = typeof subjects.$inferSelect;
export type PersonRow = typeof persons.$inferSelect;
export type DigitalObjectRow = typeof digitalObjects.$inferSelect;
export type SubjectKindValue = (typeof subjectKind.enumValues)[number];

/** Who may receive a notification: a person's or a subject's address (and the subject's name for the message). */
export interface Contacts {
  personEmails: Map<string, string | null>;
  subjects: Map<string, { email: string | null; name: string }>;
}

/** Subjects, persons and digital objects: who acts in the system. SQL only; the rules are the managers'. */
export class DirectoryRepository {
  constructor(private readonly db: Executor) {}

  async insertSubject(values: typeof subjects.$inferInsert): Promise<SubjectRow> {
    const [row] = await this.db.insert(subjects).values(values).returning();
    if (!row) throw new Error('The subject was not recorded.');
    return row;
  }

  async insertPerson(values: typeof persons.$inferInsert): Promise<PersonRow> {
    const [row] = await this.db.insert(persons).values(values).returning();
    if (!row) throw new Error('The person was not recorded.');
    return row;
  }

  async subject(id: string): Promise<SubjectRow | undefined> {
    const [row] = await this.db.select().from(subjects).where(eq(subjects.id, id));
    return row;
  }

  async person(id: string): Promise<PersonRow | undefined> {
    const [row] = await this.db.select().from(persons).where(eq(persons.id, id));
    return row;
  }

  async digitalObject(id: string): Promise<DigitalObjectRow | undefined> {
    const [row] = await this.db.select().from(digitalObjects).where(eq(digitalObjects.id, id));
    return row;
  }

  /** The digital object, locked until the transaction ends. */
  async digitalObjectForUpdate(id: string): Promise<DigitalObjectRow | undefined> {
    const [row] = await this.db.select().from(digitalObjects).where(eq(digitalObjects.id, id)).for('update');
    return row;
  }

  async insertDigitalObject(values: typeof digitalObjects.$inferInsert): Promise<DigitalObjectRow> {
    const [row] = await this.db.insert(digitalObjects).values(values).returning();
    if (!row) throw new Error('The digital object was not recorded.');
    return row;
  }

  async markLive(id: string, at: Date): Promise<DigitalObjectRow> {
    const [row] = await this.db.update(digitalObjects).set({ status: 'LIVE', liveAt: at }).where(eq(digitalObjects.id, id)).returning();
    if (!row) throw new Error('The digital object was not updated.');
    return row;
  }

  /** A keyset page of subjects, newest first, one row beyond `page.first` to tell whether more follow. */
  async subjectsPage(kind: SubjectKindValue | null | undefined, page: PageRequest): Promise<SubjectRow[]> {
    const after = page.after
      ? sql`(${subjects.createdAt}, ${subjects.id}) < (${page.after.at ?? null}::timestamptz, ${page.after.id}::uuid)`
      : undefined;
    return this.db
      .select()
      .from(subjects)
      .where(and(kind ? eq(subjects.kind, kind) : undefined, after))
      .orderBy(desc(subjects.createdAt), desc(subjects.id))
      .limit(page.first + 1);
  }

  /** E-mail addresses of persons and subjects, two statements whatever the number. */
  async contacts(personIds: readonly string[], subjectIds: readonly string[]): Promise<Contacts> {
    const [personRows, subjectRows] = await Promise.all([
      personIds.length
        ? this.db
            .select({ id: persons.id, email: persons.email })
            .from(persons)
            .where(inArray(persons.id, [...personIds]))
        : [],
      subjectIds.length
        ? this.db
            .select({ id: subjects.id, email: subjects.email, name: subjects.name })
            .from(subjects)
            .where(inArray(subjects.id, [...subjectIds]))
        : [],
    ]);
    return {
      personEmails: new Map(personRows.map((row) => [row.id, row.email])),
      subjects: new Map(subjectRows.map((row) => [row.id, { email: row.email, name: row.name }])),
    };
  }
}
