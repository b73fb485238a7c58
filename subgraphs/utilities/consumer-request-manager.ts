import type { Caller } from '../../lib/auth/caller.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { subjectsFor } from '../../lib/auth/scope.js';
import { readCalendarWindow } from '../../lib/calendar-window.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, forbidden, notFound } from '../../lib/errors.js';
import { addCalendarDays, addWorkingDays, almatyDate, calendarWindowDays } from '../../lib/working-calendar.js';
import type { ConsumerRequestKind, ConsumerRequestStatus } from '../../schema/utilities.js';
import { ConsumerRequestRepository, type RequestRow } from './consumer-request-repository.js';
import { ReferencesRepository } from './references-repository.js';
import { SupplierManager } from './supplier-manager.js';

/**
 * Working days a supplier has to answer a consumer's request: the general term for appeals of
 * Kazakhstan's Administrative Procedural Code (15 working days), counted from the day after
 * submission in Kazakhstan's working calendar.
 */
const ANSWER_WORKING_DAYS = 15;

/** `ConsumerRequestInput` as the client sends it. */
export interface ConsumerRequestInput {
  supplierId: string;
  accountNumber: string;
  kind: ConsumerRequestKind;
  text: string;
}

/** Who reads which requests, once per request: the person who submitted them, and the suppliers keeping the accounts. */
export interface RequestScope {
  personId: string | null;
  supplierSubjects: ReadonlySet<string>;
}

export function requestScopeOf(caller: Caller): RequestScope {
  return {
    personId: caller.kind === 'person' ? caller.personId : null,
    supplierSubjects: new Set(subjectsFor(caller, AccessFunction.PersonalAccountsMaintain)),
  };
}

export function readsRequest(scope: RequestScope, request: Pick<RequestRow, 'submittedBy' | 'supplierSubjectId'>): boolean {
  return request.submittedBy === scope.personId || scope.supplierSubjects.has(request.supplierSubjectId);
}

/** Whether a request is past its deadline without a final answer, as of `today`. */
export function requestOverdue(request: Pick<RequestRow, 'status' | 'deadline'>, today: string): boolean {
  return (request.status === 'SUBMITTED' || request.status === 'IN_PROGRESS') && request.deadline < today;
}

/** Consumer requests (p.29): submitted by a consumer of an account, answered by the supplier keeping it. */
export class ConsumerRequestManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Records a request of the person `personId` about the supplier's account: the account
   * must exist (NOT_FOUND) and the person be its consumer, its holder or an owner of its
   * premise (FORBIDDEN). The deadline is 15 working days after the day of submission.
   */
  async submit(personId: string, input: ConsumerRequestInput, now: Date): Promise<string> {
    const text = input.text.trim();
    if (text.length === 0 || text.length > 4000)
      throw badUserInput({ field: 'input.text', message: 'input.text must be 1 to 4,000 characters.' });
    await new SupplierManager(this.executor).existing(input.supplierId, 'input.supplierId');
    const repository = new ConsumerRequestRepository(this.executor);
    const account = await repository.accountOf(input.supplierId, input.accountNumber.trim());
    if (!account) throw notFound('The personal account', 'input.accountNumber');
    if (!(await new ReferencesRepository(this.executor).isConsumerOf(personId, account))) {
      throw forbidden('You may submit requests only about the accounts you hold or of premises you own.');
    }
    const today = almatyDate(now);
    const calendar = await readCalendarWindow(this.executor, today, addCalendarDays(today, calendarWindowDays(ANSWER_WORKING_DAYS)));
    return repository.insert({
      supplierId: input.supplierId,
      accountId: account.id,
      kind: input.kind,
      text,
      submittedBy: personId,
      submittedAt: now,
      deadline: addWorkingDays(today, ANSWER_WORKING_DAYS, calendar.holidays, calendar.workingWeekends),
    });
  }

  /**
   * The supplier's answer: IN_PROGRESS (an answer optional), or a final ANSWERED or REJECTED
   * with its answer. A request already answered or rejected is CONFLICT.
   */
  async answer(
    id: string,
    status: ConsumerRequestStatus,
    answer: string | null | undefined,
    by: { actor: string; now: Date },
  ): Promise<void> {
    const text = answer?.trim() || null;
    const problems: FieldProblem[] = [];
    if (status === 'SUBMITTED') problems.push({ field: 'status', message: 'status must be IN_PROGRESS, ANSWERED or REJECTED.' });
    if ((status === 'ANSWERED' || status === 'REJECTED') && text === null)
      problems.push({ field: 'answer', message: `answer is needed to set ${status}: tell the consumer what was done or why not.` });
    if (text !== null && text.length > 4000) problems.push({ field: 'answer', message: 'answer must be at most 4,000 characters.' });
    if (problems.length > 0) throw badUserInput(problems);
    const repository = new ConsumerRequestRepository(this.executor);
    const current = await repository.lock(id);
    if (!current) throw notFound('The consumer request', 'id');
    if (current.status === 'ANSWERED' || current.status === 'REJECTED') {
      throw conflict(`The request is already ${current.status}; a final answer is not changed.`, 'id');
    }
    await repository.answer(id, { status, answer: text, by: by.actor, at: by.now });
  }

  /** The request as this transaction sees it (a testing-stand answer is read before its rollback). */
  async stored(id: string): Promise<RequestRow> {
    const [row] = await new ConsumerRequestRepository(this.executor).byIds([id]);
    if (!row) throw new Error('The request written is not there.');
    return row;
  }
}
