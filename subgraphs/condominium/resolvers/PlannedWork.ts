import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import { parseId } from '../../../lib/ids.js';
import { tengeOf } from '../../../lib/money.js';
import { isUuid } from '../../../lib/uuid.js';
import { almatyDate } from '../../../lib/working-calendar.js';
import { placeWrite } from '../../../lib/write.js';
import type { PlannedWorkStatus } from '../../../schema/condominium.js';
import { managingSubjectsOf } from '../building-rights.js';
import type { Context } from '../context.js';
import { PlannedWorkManager, type WorkOutcome } from '../planned-work-manager.js';
import type { PlannedWorkRow } from '../planned-work-repository.js';

interface PlanWorkInput {
  buildingId: string;
  title: string;
  description?: string | null;
  plannedCost: string;
  plannedStart: string;
  plannedEnd: string;
}

interface ChangePlannedWorkStatusInput {
  workId: string;
  status: PlannedWorkStatus;
  on?: string | null;
  actualCost?: string | null;
  reason?: string | null;
  expectedVersion?: number | null;
}

/** One step of a work as a placement with its receipt: the work, its id and its changes. */
function workWrite(
  context: Context,
  info: GraphQLResolveInfo,
  operation: string,
  step: (manager: PlannedWorkManager) => Promise<WorkOutcome>,
) {
  return placeWrite(context, info, {
    operation: `condominium.${operation}`,
    async run(tx) {
      const { work, changes } = await step(new PlannedWorkManager(tx));
      return { payload: { work }, objectIds: [work.id], changes };
    },
  });
}

/** A work is served from its row; money as tenge with 2 places, kept in tiyn. */
export const PlannedWork = {
  __resolveReference(reference: { id: unknown }, context: Context) {
    return isUuid(reference.id) ? context.loaders.services.plannedWorkById.load(reference.id) : null;
  },
  building: (row: PlannedWorkRow) => ({ id: row.buildingId }),
  plannedCost: (row: PlannedWorkRow) => tengeOf(row.plannedCostTiyn),
  actualCost: (row: PlannedWorkRow) => (row.actualCostTiyn === null ? null : tengeOf(row.actualCostTiyn)),
};

export const PlannedWorkQuery = {
  /** A look-up of nothing is null, not an error. */
  plannedWork(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.services.plannedWorkById.load(parseId(args.id, 'id', 'a planned work'));
  },
};

export const PlannedWorkBuilding = {
  plannedWorks(building: { id: string }, args: { status?: PlannedWorkStatus | null }, context: Context) {
    return context.loaders.services.plannedWorksOfBuilding.load(`${building.id}:${args.status ?? ''}`);
  },
};

export const PlannedWorkMutation = {
  /** The rule relied on the caller managing the building; the manager re-checks it in the transaction. */
  planWork(_parent: unknown, { input }: { input: PlanWorkInput }, context: Context, info: GraphQLResolveInfo) {
    const plan = {
      buildingId: parseId(input.buildingId, 'input.buildingId', 'a building'),
      title: input.title,
      description: input.description ?? null,
      plannedCost: input.plannedCost,
      plannedStart: input.plannedStart,
      plannedEnd: input.plannedEnd,
      managingSubjectIds: managingSubjectsOf(context.caller),
      actor: actorOf(context.caller),
    };
    return workWrite(context, info, 'planWork', (manager) => manager.plan(plan));
  },

  changePlannedWorkStatus(
    _parent: unknown,
    { input }: { input: ChangePlannedWorkStatusInput },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const change = {
      workId: parseId(input.workId, 'input.workId', 'a planned work'),
      status: input.status,
      on: input.on ?? null,
      actualCost: input.actualCost ?? null,
      reason: input.reason ?? null,
      expectedVersion: input.expectedVersion ?? null,
      managingSubjectIds: managingSubjectsOf(context.caller),
      today: almatyDate(context.receivedAt),
    };
    return workWrite(context, info, 'changePlannedWorkStatus', (manager) => manager.changeStatus(change));
  },
};
