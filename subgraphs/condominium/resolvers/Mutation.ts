import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import { parseId } from '../../../lib/ids.js';
import { almatyDate } from '../../../lib/working-calendar.js';
import { placeWrite } from '../../../lib/write.js';
import type { Context } from '../context.js';
import { assignmentConflicts, ManagementManager } from '../management-manager.js';
import { documentMutations } from './document-mutations.js';
import { reportMutations } from './report-mutations.js';

interface AssignManagementInput {
  buildingId: string;
  subjectId: string;
  validFrom?: string | null;
}

export const Mutation = {
  ...documentMutations,
  ...reportMutations,

  /** The rule relied on the caller being the Administrator; `placeWrite` re-checks exactly that in the write's transaction. */
  assignManagement(_parent: unknown, { input }: { input: AssignManagementInput }, context: Context, info: GraphQLResolveInfo) {
    const request = {
      buildingId: parseId(input.buildingId, 'input.buildingId', 'a building'),
      subjectId: parseId(input.subjectId, 'input.subjectId', 'an OSI or a management company'),
      validFrom: input.validFrom ?? almatyDate(context.receivedAt),
      assignedBy: actorOf(context.caller),
    };
    return placeWrite(context, info, {
      operation: 'condominium.assignManagement',
      conflicts: assignmentConflicts,
      async run(tx) {
        const { assignment, changes } = await new ManagementManager(tx).assign(request);
        return { payload: { assignment }, objectIds: [assignment.id], changes };
      },
    });
  },
};
