import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, forbidden, notFound } from '../../lib/errors.js';
import { addCalendarDays, almatyDate } from '../../lib/working-calendar.js';
import type { OwnerRequestStatus } from '../../schema/condominium.js';
import { assertStillManages } from './building-rights.js';
import { DocumentManager } from './document-manager.js';
import { DocumentRepository } from './document-repository.js';
import { ManagementRepository } from './management-repository.js';
import { managerTargets, mayMove } from './owner-request-lifecycle.js';
import { OwnerRequestRepository, type OwnerRequestRow } from './owner-request-repository.js';
import { requiredText } from './text-field.js';

/** A request as an owner files it, arguments parsed. */
export interface Submission {
  buildingId: string;
  premiseId: string | null;
  categoryCode: string;
  description: string;
  contactPhone: string | null;
  /** Stored documents of the building the requester uploaded, to attach. */
  documentIds: readonly string[];
  requesterPersonId: string;
  /** The premises the requester owns in the building (`ownedPremisesOf`): a named premises must be one of them. */
  ownedPremiseIds: readonly string[];
  at: Date;
  /** `actorOf(caller)`. */
  actor: string;
}

/** A manager's move of a request. */
export interface StatusChange {
  requestId: string;
  status: OwnerRequestStatus;
  reason: string | null;
  expectedVersion: number | null;
  /** The subjects the caller manages for (`managingSubjectsOf`); one of them must manage the building now. */
  managingSubjectIds: readonly string[];
  at: Date;
  actor: string;
}

/** The requester's own step: reopening or rating. */
export interface RequesterStep {
  requestId: string;
  requesterPersonId: string;
  at: Date;
  actor: string;
}

export interface RequestOutcome {
  request: OwnerRequestRow;
  changes: ChangeDeclaration[];
}

const MAX_TEXT = 4000;
const MAX_REASON = 1000;
const phonePattern = /^\+?\d{10,15}$/;

/**
 * Owners' requests to their building's manager (p.4.7): filing, the manager's moves,
 * the requester's reopening and rating. Who may act is decided by the rules (and, for the
 * manager, re-checked here by `assertStillManages`); what a request may become is decided
 * here, against the locked row, by `owner-request-lifecycle.ts`. Give it the write's transaction.
 */
export class OwnerRequestManager {
  private readonly requests: OwnerRequestRepository;
  private readonly management: ManagementRepository;

  constructor(private readonly executor: Executor) {
    this.requests = new OwnerRequestRepository(executor);
    this.management = new ManagementRepository(executor);
  }

  /**
   * Files a request, due the category's default number of days after today (in Almaty).
   * BAD_USER_INPUT lists every problem of the input (an unknown category, an empty text,
   * premises the requester does not own in the building); NOT_FOUND for no such building.
   */
  async submit(submission: Submission): Promise<RequestOutcome> {
    const problems: FieldProblem[] = [];
    const category = await this.requests.category(submission.categoryCode);
    if (!category) {
      const known = (await this.requests.categories()).map((row) => row.code).join(', ');
      problems.push({ field: 'input.categoryCode', message: `input.categoryCode must be one of the request categories: ${known}.` });
    }
    const description = requiredText(submission.description, 'input.description', MAX_TEXT, problems);
    const contactPhone = submission.contactPhone?.replace(/[\s()-]/g, '') || null;
    if (contactPhone !== null && !phonePattern.test(contactPhone)) {
      problems.push({
        field: 'input.contactPhone',
        message: 'input.contactPhone must be a phone number of 10 to 15 digits, e.g. +77011234567.',
      });
    }
    if (submission.premiseId !== null && !submission.ownedPremiseIds.includes(submission.premiseId)) {
      problems.push({
        field: 'input.premiseId',
        message: 'input.premiseId must be premises you own in this building, or absent for common property.',
      });
    }
    const documents = new Map((await new DocumentRepository(this.executor).byIds(submission.documentIds)).map((row) => [row.id, row]));
    for (const [index, id] of submission.documentIds.entries()) {
      const uploader = documents.get(id)?.uploadedBy;
      if (uploader !== undefined && uploader !== submission.actor) {
        problems.push({
          field: `input.documentIds[${index}]`,
          message: `input.documentIds[${index}] was uploaded by someone else; attach your own.`,
        });
      }
    }
    if (problems.length > 0 || !category) throw badUserInput(problems);
    const katoCode = await this.management.buildingKato(submission.buildingId);
    if (katoCode === null) throw notFound('The building given in input.buildingId', 'input.buildingId');

    const request = await this.requests.insert({
      buildingId: submission.buildingId,
      premiseId: submission.premiseId,
      categoryCode: category.code,
      description,
      contactPhone,
      requesterPersonId: submission.requesterPersonId,
      status: 'SUBMITTED',
      dueOn: addCalendarDays(almatyDate(submission.at), category.defaultDeadlineDays),
      submittedAt: submission.at,
      katoCode,
    });
    await this.requests.recordEvent({ requestId: request.id, status: 'SUBMITTED', changedBy: submission.actor, changedAt: submission.at });
    await new DocumentManager(this.executor).attach('REQUEST', request.id, request.buildingId, submission.documentIds, 'input.documentIds');
    return { request, changes: await this.declare(request, 'CREATED', katoCode) };
  }

  /**
   * The manager accepts, starts, completes or rejects (with a reason) a request. BAD_USER_INPUT
   * for another target status or a rejection without a reason; NOT_FOUND for no such request;
   * FORBIDDEN when the caller's subject no longer manages the building; CONFLICT for a move
   * the request's status does not allow or a stale `expectedVersion`.
   */
  async changeStatus(change: StatusChange): Promise<RequestOutcome> {
    const problems: FieldProblem[] = [];
    if (!managerTargets.includes(change.status)) {
      problems.push({
        field: 'input.status',
        message: `input.status must be one of ${managerTargets.join(', ')}: a request is submitted by its owner and reopened by its requester.`,
      });
    }
    const reason = change.status === 'REJECTED' ? requiredText(change.reason ?? '', 'input.reason', MAX_REASON, problems) : null;
    if (problems.length > 0) throw badUserInput(problems);

    const current = await this.requests.forUpdate(change.requestId);
    if (!current) throw notFound('The request given in input.requestId', 'input.requestId');
    await assertStillManages(this.executor, change.managingSubjectIds, current.buildingId);
    this.checkVersion(current, change.expectedVersion);
    if (!mayMove(current.status, change.status, 'MANAGER')) {
      throw conflict(
        `A request that is ${current.status} cannot be moved to ${change.status}; read its status and history, and choose a move it allows.`,
        'input.status',
      );
    }
    const request = await this.requests.update(current.id, {
      status: change.status,
      rejectionReason: reason,
      doneAt: change.status === 'DONE' ? change.at : null,
    });
    await this.requests.recordEvent({
      requestId: request.id,
      status: change.status,
      reason,
      changedBy: change.actor,
      changedAt: change.at,
    });
    return { request, changes: await this.declare(request, 'UPDATED') };
  }

  /**
   * The requester reopens a request that is done or rejected, with a reason: it is due again
   * the category's default number of days after today, and its rating is cleared.
   */
  async reopen(step: RequesterStep & { reason: string; expectedVersion: number | null }): Promise<RequestOutcome> {
    const problems: FieldProblem[] = [];
    const reason = requiredText(step.reason, 'input.reason', MAX_REASON, problems);
    if (problems.length > 0) throw badUserInput(problems);
    const current = await this.requesterOwn(step);
    this.checkVersion(current, step.expectedVersion);
    if (!mayMove(current.status, 'REOPENED', 'REQUESTER')) {
      throw conflict(`A request that is ${current.status} cannot be reopened; only a done or rejected one can.`, 'input.requestId');
    }
    const category = await this.requests.category(current.categoryCode);
    if (!category) throw new Error('A request refers to a category that is gone.');
    const request = await this.requests.update(current.id, {
      status: 'REOPENED',
      dueOn: addCalendarDays(almatyDate(step.at), category.defaultDeadlineDays),
      rejectionReason: null,
      doneAt: null,
      rating: null,
      ratingComment: null,
    });
    await this.requests.recordEvent({ requestId: request.id, status: 'REOPENED', reason, changedBy: step.actor, changedAt: step.at });
    return { request, changes: await this.declare(request, 'UPDATED') };
  }

  /** The requester rates a done request, once, 1 to 5. CONFLICT when it is not done or already rated. */
  async rate(step: RequesterStep & { rating: number; comment: string | null }): Promise<RequestOutcome> {
    const problems: FieldProblem[] = [];
    if (!Number.isInteger(step.rating) || step.rating < 1 || step.rating > 5) {
      problems.push({ field: 'input.rating', message: 'input.rating must be a whole number from 1 to 5.' });
    }
    const comment =
      step.comment === null || step.comment.trim() === '' ? null : requiredText(step.comment, 'input.comment', MAX_REASON, problems);
    if (problems.length > 0) throw badUserInput(problems);
    const current = await this.requesterOwn(step);
    if (current.status !== 'DONE') {
      throw conflict(`A request that is ${current.status} cannot be rated; rate it once it is DONE.`, 'input.requestId');
    }
    if (current.rating !== null) throw conflict('You have already rated this request; a rating is given once.', 'input.requestId');
    const request = await this.requests.update(current.id, { rating: step.rating, ratingComment: comment });
    return { request, changes: await this.declare(request, 'UPDATED') };
  }

  /** The request, locked, when the caller filed it: NOT_FOUND otherwise (a request not one's own is not revealed). */
  private async requesterOwn(step: RequesterStep): Promise<OwnerRequestRow> {
    const current = await this.requests.forUpdate(step.requestId);
    if (!current) throw notFound('The request given in input.requestId', 'input.requestId');
    if (current.requesterPersonId !== step.requesterPersonId) throw forbidden('Only the owner who filed this request may do this.');
    return current;
  }

  private checkVersion(current: OwnerRequestRow, expected: number | null): void {
    if (expected !== null && expected !== current.version) {
      throw conflict(
        `The request has changed since you read it (version ${current.version}, not ${expected}); read it again and retry.`,
        'input.expectedVersion',
      );
    }
  }

  /**
   * Located at the building, owned by its manager now: the feed shows the change to both (never the requester's identity).
   * `buildingKato`: the building's code when this write has already read it.
   */
  private async declare(
    request: OwnerRequestRow,
    operation: 'CREATED' | 'UPDATED',
    buildingKato?: string | null,
  ): Promise<ChangeDeclaration[]> {
    const katoCode = buildingKato === undefined ? await this.management.buildingKato(request.buildingId) : buildingKato;
    const subjectId = await this.management.managingSubjectAt(request.buildingId, new Date());
    return [{ type: 'OWNER_REQUEST', id: request.id, operation, katoCode, subjectId }];
  }
}
