import type { GraphQLResolveInfo } from 'graphql';
import { reliancesFor } from '../../../lib/auth/reliance.js';
import { actorOf } from '../../../lib/auth/scope.js';
import { parseId } from '../../../lib/ids.js';
import { almatyDate } from '../../../lib/working-calendar.js';
import { placeWrite } from '../../../lib/write.js';
import type { ManagementForm } from '../../../schema/condominium.js';
import { managingSubjectsOf } from '../building-rights.js';
import type { Context } from '../context.js';
import { HouseCouncilManager, houseCouncilConflicts } from '../house-council-manager.js';
import { type AssignmentRequest, assignmentConflicts, ManagementManager, type TaxCertificate } from '../management-manager.js';
import { documentMutations } from './document-mutations.js';
import { reportMutations } from './report-mutations.js';

interface AssignManagementInput {
  buildingId: string;
  subjectId: string;
  form?: ManagementForm | null;
  validFrom?: string | null;
  contract?: { number: string; date: string } | null;
  taxCertificate?: TaxCertificate | null;
}

interface AppointTemporaryManagerInput {
  buildingId: string;
  subjectId: string;
  taxCertificate: TaxCertificate;
  validFrom?: string | null;
}

interface RecordHouseCouncilMemberInput {
  buildingId: string;
  premiseId: string;
  iin: string;
  fullName: string;
  chair?: boolean | null;
  validFrom?: string | null;
}

/** Records an assignment through the write path: the rule's reliance re-checked, a receipt, the changes declared. */
function placeAssignment(context: Context, info: GraphQLResolveInfo, operation: string, request: AssignmentRequest) {
  return placeWrite(context, info, {
    operation,
    conflicts: assignmentConflicts,
    async run(tx) {
      const { assignment, changes } = await new ManagementManager(tx).assign(request);
      return { payload: { assignment }, objectIds: [assignment.id], changes };
    },
  });
}

export const Mutation = {
  ...documentMutations,
  ...reportMutations,

  /** The rule relied on the caller being the Administrator; `placeWrite` re-checks exactly that in the write's transaction. */
  assignManagement(_parent: unknown, { input }: { input: AssignManagementInput }, context: Context, info: GraphQLResolveInfo) {
    const receivedOn = almatyDate(context.receivedAt);
    return placeAssignment(context, info, 'condominium.assignManagement', {
      buildingId: parseId(input.buildingId, 'input.buildingId', 'a building'),
      subjectId: parseId(input.subjectId, 'input.subjectId', 'an OSI, a management company or a representative'),
      form: input.form ?? null,
      validFrom: input.validFrom ?? receivedOn,
      receivedOn,
      contract: input.contract ?? null,
      taxCertificate: input.taxCertificate ?? null,
      appointedBySubjectId: null,
      assignedBy: actorOf(context.caller),
    });
  },

  /**
   * The rule relied on the grants that allow CONDOMINIUM_MANAGE in the building's territory
   * (or on the Administrator); the appointing body is the subject of the first of those grants.
   */
  appointTemporaryManager(
    _parent: unknown,
    { input }: { input: AppointTemporaryManagerInput },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const receivedOn = almatyDate(context.receivedAt);
    const relied = reliancesFor(context.reliances, info).flatMap((reliance) => (reliance.relyOn === 'grants' ? reliance.grants : []));
    return placeAssignment(context, info, 'condominium.appointTemporaryManager', {
      buildingId: parseId(input.buildingId, 'input.buildingId', 'a building'),
      subjectId: parseId(input.subjectId, 'input.subjectId', 'a management company'),
      form: 'TEMPORARY_MANAGEMENT_COMPANY',
      validFrom: input.validFrom ?? receivedOn,
      receivedOn,
      taxCertificate: input.taxCertificate,
      appointedBySubjectId: relied[0]?.subjectId ?? null,
      temporaryAppointment: true,
      assignedBy: actorOf(context.caller),
    });
  },

  /** The rule relied on the manager's grants; the manager re-checks the assignment itself under a lock. */
  recordHouseCouncilMember(
    _parent: unknown,
    { input }: { input: RecordHouseCouncilMemberInput },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const request = {
      buildingId: parseId(input.buildingId, 'input.buildingId', 'a building'),
      premiseId: parseId(input.premiseId, 'input.premiseId', 'premises'),
      iin: input.iin,
      fullName: input.fullName,
      chair: input.chair ?? false,
      validFrom: input.validFrom ?? almatyDate(context.receivedAt),
      managingSubjects: managingSubjectsOf(context.caller),
      recordedBy: actorOf(context.caller),
    };
    return placeWrite(context, info, {
      operation: 'condominium.recordHouseCouncilMember',
      conflicts: houseCouncilConflicts,
      async run(tx) {
        const { member, changes } = await new HouseCouncilManager(tx).record(request);
        return { payload: { member }, objectIds: [member.id], changes };
      },
    });
  },

  endHouseCouncilMembership(_parent: unknown, args: { id: string; validTo?: string | null }, context: Context, info: GraphQLResolveInfo) {
    const id = parseId(args.id, 'id', 'a house council membership');
    const validTo = args.validTo ?? almatyDate(context.receivedAt);
    const managingSubjects = managingSubjectsOf(context.caller);
    return placeWrite(context, info, {
      operation: 'condominium.endHouseCouncilMembership',
      conflicts: houseCouncilConflicts,
      async run(tx) {
        const { member, changes } = await new HouseCouncilManager(tx).end(id, validTo, managingSubjects);
        return { payload: { member }, objectIds: [member.id], changes };
      },
    });
  },
};
