import { actorOf } from '../../lib/auth/scope.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, forbidden, notFound } from '../../lib/errors.js';
import { almatyDate } from '../../lib/working-calendar.js';
import { ApplicationRepository, type ApplicationRow } from './application-repository.js';
import { CalendarManager } from './calendar-manager.js';
import { type Acting, isAdministratorCaller, type Placed } from './context.js';
import { emailProblem } from './directory-manager.js';
import { type DigitalObjectRow, DirectoryRepository } from './directory-repository.js';
import { checkFunctions, GrantLifecycleManager } from './grant-lifecycle-manager.js';
import type { AgreementRow, GrantRow } from './grant-repository.js';
import { NotificationManager } from './notification-manager.js';

export interface ApplicationInput {
  subjectId: string;
  digitalObjectName: string;
  functions: string[];
  contactEmail: string;
}

export interface IntegrationTerms {
  validUntil?: Date | null;
  reference?: string | null;
}

export interface Approval {
  application: ApplicationRow;
  agreement: AgreementRow;
  digitalObject: DigitalObjectRow;
  grant: GrantRow;
}

/**
 * Integration of digital objects (p.14–17): the application by a subject, its review within
 * 5 working days, the decision sent to the applicant, and the digital object's test before
 * it goes live.
 */
export class ApplicationManager {
  private readonly applications: ApplicationRepository;

  constructor(private readonly db: Executor) {
    this.applications = new ApplicationRepository(db);
  }

  /**
   * An administrator, or a person acting for the subject: holding a grant for it that is in
   * effect (the grants the rule relied on, re-checked and locked by the write path).
   */
  async submit(input: ApplicationInput, by: Acting): Promise<Placed<{ application: ApplicationRow }>> {
    if (!isAdministratorCaller(by.caller)) {
      if (by.caller.kind !== 'person') throw forbidden('An application is submitted by a person acting for the subject.');
      const acting = by.caller.grants.some((grant) => grant.subjectId === input.subjectId && by.grantsInForce.includes(grant.grantId));
      if (!acting) throw forbidden('You may apply only for a subject you hold a grant for.');
    }
    const problems: FieldProblem[] = [];
    let functions: string[] = [];
    try {
      functions = checkFunctions(input.functions, 'input.functions');
    } catch (error) {
      problems.push({ field: 'input.functions', message: error instanceof Error ? error.message : 'Choose functions from the directory.' });
    }
    const name = input.digitalObjectName.trim();
    if (!name || name.length > 300)
      problems.push({ field: 'input.digitalObjectName', message: 'Name the digital object (1 to 300 characters).' });
    const email = emailProblem(input.contactEmail, 'input.contactEmail');
    if (email) problems.push(email);
    if (problems.length) throw badUserInput(problems);
    if (!(await new DirectoryRepository(this.db).subject(input.subjectId))) throw notFound('The subject', 'input.subjectId');

    const application = await this.applications.insert({
      subjectId: input.subjectId,
      digitalObjectName: name,
      functions,
      contactEmail: input.contactEmail,
      submittedBy: actorOf(by.caller),
      submittedAt: by.at,
      deadline: await new CalendarManager(this.db).deadlineFor(by.at),
    });
    return { payload: { application }, objectIds: [application.id] };
  }

  /**
   * Concludes the integration agreement for the functions applied for, registers the digital
   * object in TESTING with an ACTIVE grant under the agreement, so it can be tested against
   * the real API before it goes live, and notifies the applicant.
   */
  async approve(applicationId: string, terms: IntegrationTerms, by: Acting): Promise<Placed<Approval>> {
    const application = await this.lockUndecided(applicationId);
    const actor = actorOf(by.caller);
    const lifecycle = new GrantLifecycleManager(this.db);
    const agreement = await lifecycle.concludeAgreement(
      {
        subjectId: application.subjectId,
        kind: 'INTEGRATION',
        reference: terms.reference ?? null,
        functions: application.functions,
        validFrom: by.at,
        validUntil: terms.validUntil ?? null,
        applicationId,
      },
      actor,
      by.at,
    );
    const digitalObject = await new DirectoryRepository(this.db).insertDigitalObject({
      subjectId: application.subjectId,
      name: application.digitalObjectName,
      applicationId,
      status: 'TESTING',
      createdAt: by.at,
    });
    const grant = await lifecycle.createGrant(
      {
        digitalObjectId: digitalObject.id,
        agreementId: agreement.id,
        functions: application.functions,
        comment: 'Integration agreement concluded on approval of the application.',
      },
      actor,
      by.at,
      'ACTIVE',
    );
    const decided = await this.applications.decide(applicationId, {
      status: 'APPROVED',
      decidedAt: by.at,
      decidedBy: actor,
      agreementId: agreement.id,
      digitalObjectId: digitalObject.id,
    });
    await new NotificationManager(this.db).applicationDecision(decided);
    return {
      payload: { application: decided, agreement, digitalObject, grant },
      objectIds: [applicationId, agreement.id, digitalObject.id, grant.id],
    };
  }

  /** Refusal when the information is incomplete (p.16); the reason goes to the applicant. */
  async refuse(applicationId: string, reason: string, by: Acting): Promise<Placed<{ application: ApplicationRow }>> {
    const trimmed = reason.trim();
    if (!trimmed || trimmed.length > 2000)
      throw badUserInput({
        field: 'reason',
        message: 'Give the reason for the refusal (up to 2000 characters): what information is missing.',
      });
    await this.lockUndecided(applicationId);
    const application = await this.applications.decide(applicationId, {
      status: 'REFUSED',
      decidedAt: by.at,
      decidedBy: actorOf(by.caller),
      refusalReason: trimmed,
    });
    await new NotificationManager(this.db).applicationDecision(application);
    return { payload: { application }, objectIds: [applicationId] };
  }

  /** TESTING → LIVE once the integration test passed (p.17). */
  async markDigitalObjectTested(digitalObjectId: string, by: Acting): Promise<Placed<{ digitalObject: DigitalObjectRow }>> {
    const directory = new DirectoryRepository(this.db);
    const row = await directory.digitalObjectForUpdate(digitalObjectId);
    if (!row) throw notFound('The digital object', 'digitalObjectId');
    if (row.status !== 'TESTING')
      throw conflict(`Only a digital object in TESTING can go live; this one is ${row.status}.`, 'digitalObjectId');
    const digitalObject = await directory.markLive(digitalObjectId, by.at);
    return { payload: { digitalObject }, objectIds: [digitalObjectId] };
  }

  /** Applications still under review whose last day of review is before the Almaty date of `instant`. */
  overdue(instant: Date): Promise<ApplicationRow[]> {
    return this.applications.overdue(almatyDate(instant));
  }

  private async lockUndecided(applicationId: string): Promise<ApplicationRow> {
    const row = await this.applications.forUpdate(applicationId);
    if (!row) throw notFound('The application', 'applicationId');
    if (row.status !== 'SUBMITTED') throw conflict(`The application was already decided (${row.status}).`, 'applicationId');
    return row;
  }
}
