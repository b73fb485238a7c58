import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, notFound } from '../../lib/errors.js';
import { parseTenge } from '../../lib/money.js';
import type { PlannedWorkStatus } from '../../schema/condominium.js';
import { assertStillManages } from './building-rights.js';
import { ManagementRepository } from './management-repository.js';
import { PlannedWorkRepository, type PlannedWorkRow } from './planned-work-repository.js';
import { requiredText } from './text-field.js';

/** A work as `planWork` asks for it, ids parsed, amounts still as the caller wrote them. */
export interface WorkPlan {
  buildingId: string;
  title: string;
  description: string | null;
  plannedCost: string;
  plannedStart: string;
  plannedEnd: string;
  managingSubjectIds: readonly string[];
  actor: string;
}

/** A change of a work's status (`changePlannedWorkStatus`). */
export interface WorkStatusChange {
  workId: string;
  status: PlannedWorkStatus;
  /** The day it started or was completed; required for IN_PROGRESS and DONE. */
  on: string | null;
  actualCost: string | null;
  reason: string | null;
  expectedVersion: number | null;
  managingSubjectIds: readonly string[];
  /** Today in Almaty: a start or completion is never in the future. */
  today: string;
}

export interface WorkOutcome {
  work: PlannedWorkRow;
  changes: ChangeDeclaration[];
}

/** Planned → in progress → done; planned or in progress → cancelled (with a reason). Anything else is CONFLICT. */
const workTransitions: Readonly<Record<PlannedWorkStatus, readonly PlannedWorkStatus[]>> = {
  PLANNED: ['IN_PROGRESS', 'CANCELLED'],
  IN_PROGRESS: ['DONE', 'CANCELLED'],
  DONE: [],
  CANCELLED: [],
};

/** The trimmed text; null when it is blank and not required. */
function text(value: string | null, field: string, max: number, problems: FieldProblem[], required: boolean): string | null {
  if (!required && (value ?? '').trim() === '') return null;
  return requiredText(value ?? '', field, max, problems) || null;
}

function amount(value: string, field: string, problems: FieldProblem[]): bigint {
  const parsed = parseTenge(value, field);
  if (typeof parsed === 'bigint') return parsed;
  problems.push(parsed);
  return 0n;
}

/**
 * Works on a building's common property that its manager plans and carries out (p.4.4).
 * Who may act is the rule's (`managesBuilding`), re-checked here in the transaction by
 * `assertStillManages`; what a work may become is decided here. Give it the write's transaction.
 */
export class PlannedWorkManager {
  private readonly works: PlannedWorkRepository;
  private readonly management: ManagementRepository;

  constructor(private readonly executor: Executor) {
    this.works = new PlannedWorkRepository(executor);
    this.management = new ManagementRepository(executor);
  }

  /** Plans a work. BAD_USER_INPUT lists every problem; NOT_FOUND for no such building; FORBIDDEN when the caller no longer manages it. */
  async plan(plan: WorkPlan): Promise<WorkOutcome> {
    const problems: FieldProblem[] = [];
    const title = text(plan.title, 'input.title', 300, problems, true);
    const description = text(plan.description, 'input.description', 4000, problems, false);
    const plannedCostTiyn = amount(plan.plannedCost, 'input.plannedCost', problems);
    if (plan.plannedEnd < plan.plannedStart) {
      problems.push({ field: 'input.plannedEnd', message: 'input.plannedEnd must not be before input.plannedStart.' });
    }
    if (problems.length > 0 || title === null) throw badUserInput(problems);
    const katoCode = await this.management.buildingKato(plan.buildingId);
    if (katoCode === null) throw notFound('The building given in input.buildingId', 'input.buildingId');
    const managementSubjectId = await assertStillManages(this.executor, plan.managingSubjectIds, plan.buildingId);
    const work = await this.works.insert({
      buildingId: plan.buildingId,
      managementSubjectId,
      title,
      description,
      plannedCostTiyn,
      plannedStart: plan.plannedStart,
      plannedEnd: plan.plannedEnd,
      placedBy: plan.actor,
    });
    return { work, changes: [{ type: 'PLANNED_WORK', id: work.id, operation: 'CREATED', katoCode, subjectId: managementSubjectId }] };
  }

  /**
   * Moves a work on: started on a day, done on a day (with its actual cost, the planned one
   * when absent), or cancelled with a reason. CONFLICT for a move its status does not allow
   * or a stale `expectedVersion`; BAD_USER_INPUT for a missing or future day, a day before
   * the start, a missing reason or a malformed cost.
   */
  async changeStatus(change: WorkStatusChange): Promise<WorkOutcome> {
    const current = await this.works.forUpdate(change.workId);
    if (!current) throw notFound('The work given in input.workId', 'input.workId');
    const managementSubjectId = await assertStillManages(this.executor, change.managingSubjectIds, current.buildingId);
    if (change.expectedVersion !== null && change.expectedVersion !== current.version) {
      throw conflict(
        `The work has changed since you read it (version ${current.version}, not ${change.expectedVersion}); read it again and retry.`,
        'input.expectedVersion',
      );
    }
    if (!workTransitions[current.status].includes(change.status)) {
      throw conflict(`A work that is ${current.status} cannot be moved to ${change.status}; nothing was written.`, 'input.status');
    }
    const problems: FieldProblem[] = [];
    const update: Partial<PlannedWorkRow> = { status: change.status };
    if (change.actualCost !== null && change.status !== 'DONE') {
      problems.push({ field: 'input.actualCost', message: 'input.actualCost is given only when the work is DONE.' });
    }
    if (change.status === 'CANCELLED') {
      update.cancellationReason = text(change.reason, 'input.reason', 1000, problems, true);
    } else if (change.on === null) {
      problems.push({
        field: 'input.on',
        message: `input.on is required: the day the work ${change.status === 'DONE' ? 'was completed' : 'started'}.`,
      });
    } else if (change.on > change.today) {
      problems.push({ field: 'input.on', message: 'input.on must not be in the future.' });
    } else if (change.status === 'IN_PROGRESS') {
      update.startedOn = change.on;
    } else {
      if (current.startedOn !== null && change.on < current.startedOn) {
        problems.push({ field: 'input.on', message: `input.on must not be before ${current.startedOn}, the day the work started.` });
      }
      update.completedOn = change.on;
      update.actualCostTiyn =
        change.actualCost === null ? current.plannedCostTiyn : amount(change.actualCost, 'input.actualCost', problems);
    }
    if (problems.length > 0) throw badUserInput(problems);
    const work = await this.works.update(current.id, update);
    const katoCode = await this.management.buildingKato(work.buildingId);
    return { work, changes: [{ type: 'PLANNED_WORK', id: work.id, operation: 'UPDATED', katoCode, subjectId: managementSubjectId }] };
  }
}
