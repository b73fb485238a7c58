import type { OwnerRequestStatus } from '../../schema/condominium.js';

/**
 * The life of an owner's request (p.4.7), as data: who may move it from which status to
 * which. The building's manager accepts, starts, completes or rejects it; its requester
 * reopens it once it is done or rejected. Anything else is refused (CONFLICT), nothing written.
 */
export type RequestActor = 'MANAGER' | 'REQUESTER';

const requestTransitions: Readonly<Record<OwnerRequestStatus, Partial<Record<OwnerRequestStatus, RequestActor>>>> = {
  SUBMITTED: { ACCEPTED: 'MANAGER', REJECTED: 'MANAGER' },
  ACCEPTED: { IN_PROGRESS: 'MANAGER', REJECTED: 'MANAGER' },
  IN_PROGRESS: { DONE: 'MANAGER' },
  DONE: { REOPENED: 'REQUESTER' },
  REJECTED: { REOPENED: 'REQUESTER' },
  REOPENED: { ACCEPTED: 'MANAGER', REJECTED: 'MANAGER' },
};

/** Statuses in which a request is closed: it is never overdue. */
export const closedStatuses: readonly OwnerRequestStatus[] = ['DONE', 'REJECTED'];

/** The statuses a manager moves a request to (what `changeOwnerRequestStatus` accepts). */
export const managerTargets: readonly OwnerRequestStatus[] = ['ACCEPTED', 'IN_PROGRESS', 'DONE', 'REJECTED'];

/** Whether `actor` may move a request from `from` to `to`. */
export function mayMove(from: OwnerRequestStatus, to: OwnerRequestStatus, actor: RequestActor): boolean {
  return requestTransitions[from][to] === actor;
}

/** Open past its due day: the day after `dueOn` (in Almaty) it is overdue; done or rejected ones never are. */
export function isOverdue(request: { status: OwnerRequestStatus; dueOn: string }, today: string): boolean {
  return !closedStatuses.includes(request.status) && request.dueOn < today;
}
