import { and, asc, eq, lt } from 'drizzle-orm';
import { applications, applicationStatus } from '../../schema/access.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem } from '../../lib/errors.js';
import { almatyDate } from '../../lib/working-calendar.js';
import { CalendarRepository } from './calendar-repository.js';
import { DirectoryRepository, emailProblem, type DigitalObjectRow } from './directory-repository.js';
import { checkFunctions, GrantRepository, type AgreementRow, type GrantRow } from './grant-repository.js';

export type ApplicationRow = typeof applications.$inferSelect;
export type ApplicationStatus = (typeof applicationStatus.enumValues)[number];

export interface SubmitApplicationInput {
  subjectId: string;
  digitalObjectName: string;
  functions: string[];
  contactEmail: string;
}

export interface Approval {
  application: ApplicationRow;
  agreement: AgreementRow;
  digitalObject: DigitalObjectRow;
  grant: GrantRow;
}

/** Integration applications (p.14–17): submission, the 5-working-day review, decisions. */
export class ApplicationRepository {
  constructor(private readonly db: Executor) {}

  async submit(input: SubmitApplicationInput, actor: string, instant: Date): Promise<ApplicationRow> {
    const problems: FieldProblem[] = [];
    let functions: string[] = [];
    try {
      functions = checkFunctions(input.functions, 'input.functions');
    } catch (error) {
      problems.push({ field: 'input.functions', message: error instanceof Error ? error.message : 'Choose functions from the directory.' });
    }
    const name = input.digitalObjectName.trim();
    if (!name || name.length > 300) problems.push({ field: 'input.digitalObjectName', message: 'Name the digital object (1 to 300 characters).' });
    const email = emailProblem(input.contactEmail, 'input.contactEmail');
    if (email) problems.push(email);
    if (!(await new DirectoryRepository(this.db).subject(input.subjectId))) problems.push({ field: 'input.subjectId', message: 'No subject has this subjectId.' });
    if (problems.length) throw badUserInput(problems);

    const deadline = await new CalendarRepository(this.db).deadlineFor(instant);
    const [row] = await this.db
      .insert(applications)
      .values({ subjectId: input.subjectId, digitalObjectName: name, functions, contactEmail: input.contactEmail, submittedBy: actor, submittedAt: instant, deadline })
      .returning();
    if (!row) throw new Error('The application was not recorded.');
    return row;
  }

  private async lockUndecided(applicationId: string): Promise<ApplicationRow> {
    const [row] = await this.db.select().from(applications).where(eq(applications.id, applicationId)).for('update');
    if (!row) throw badUserInput({ field: 'applicationId', message: 'No application has this applicationId.' });
    if (row.status !== 'SUBMITTED') throw conflict(`The application was already decided (${row.status}).`, 'applicationId');
    return row;
  }

  /**
   * Concludes the integration agreement for the functions applied for, registers the
   * digital object in TESTING and gives it an ACTIVE grant under the agreement, so it can
   * be tested against the real API before it goes live.
   */
  async approve(applicationId: string, terms: { validUntil?: Date | null; reference?: string | null }, actor: string, instant: Date): Promise<Approval> {
    const application = await this.lockUndecided(applicationId);
    const grantsRepo = new GrantRepository(this.db);
    const agreement = await grantsRepo.createAgreement(
      { subjectId: application.subjectId, kind: 'INTEGRATION', reference: terms.reference ?? null, functions: application.functions, validFrom: instant, validUntil: terms.validUntil ?? null, applicationId },
      actor,
      instant,
    );
    const digitalObject = await new DirectoryRepository(this.db).createDigitalObject({ subjectId: application.subjectId, name: application.digitalObjectName, applicationId }, instant);
    const grant = await grantsRepo.create(
      { digitalObjectId: digitalObject.id, agreementId: agreement.id, functions: application.functions, comment: 'Integration agreement concluded on approval of the application.' },
      actor,
      instant,
      'ACTIVE',
    );
    const [decided] = await this.db
      .update(applications)
      .set({ status: 'APPROVED', decidedAt: instant, decidedBy: actor, agreementId: agreement.id, digitalObjectId: digitalObject.id })
      .where(eq(applications.id, applicationId))
      .returning();
    if (!decided) throw new Error('The application was not updated.');
    return { application: decided, agreement, digitalObject, grant };
  }

  /** Refusal when the information is incomplete (p.16); the reason goes to the applicant. */
  async refuse(applicationId: string, reason: string, actor: string, instant: Date): Promise<ApplicationRow> {
    const trimmed = reason.trim();
    if (!trimmed || trimmed.length > 2000) throw badUserInput({ field: 'reason', message: 'Give the reason for the refusal (up to 2000 characters): what information is missing.' });
    await this.lockUndecided(applicationId);
    const [decided] = await this.db
      .update(applications)
      .set({ status: 'REFUSED', decidedAt: instant, decidedBy: actor, refusalReason: trimmed })
      .where(eq(applications.id, applicationId))
      .returning();
    if (!decided) throw new Error('The application was not updated.');
    return decided;
  }

  /** Applications still under review whose last day of review is before today (Almaty). */
  async overdue(instant: Date): Promise<ApplicationRow[]> {
    return this.db
      .select()
      .from(applications)
      .where(and(eq(applications.status, 'SUBMITTED'), lt(applications.deadline, almatyDate(instant))))
      .orderBy(asc(applications.deadline), asc(applications.submittedAt));
  }
}
