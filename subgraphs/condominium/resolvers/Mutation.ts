import { eq } from 'drizzle-orm';
import { recheckAdministrator } from '../../../lib/auth/recheck.js';
import { actorOf } from '../../../lib/auth/scope.js';
import { badUserInput, conflict, type FieldProblem } from '../../../lib/errors.js';
import { receiptFor } from '../../../lib/receipts.js';
import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import { isUuid } from '../../../lib/uuid.js';
import { almatyDate } from '../../../lib/working-calendar.js';
import { subjects } from '../../../schema/access.js';
import { buildings } from '../../../schema/buildings.js';
import type { ManagementSubjectKind } from '../../../schema/condominium.js';
import type { CondominiumLoaders } from '../loaders.js';
import { lockBuilding, ManagementRepository } from '../management-repository.js';
import { toAssignment } from './assignment.js';

type Context = SubgraphContext<CondominiumLoaders>;

const managingKinds = new Set<string>(['OSI', 'MANAGEMENT_COMPANY']);

export const Mutation = {
  async assignManagement(_parent: unknown, args: { input: { buildingId: string; subjectId: string; validFrom?: string | null } }, context: Context) {
    // Lower case as Postgres prints ids: the advisory lock and the "already manages" check compare strings.
    const buildingId = args.input.buildingId.toLowerCase();
    const subjectId = args.input.subjectId.toLowerCase();
    const validFrom = args.input.validFrom ?? almatyDate(context.receivedAt);
    const problems: FieldProblem[] = [];
    if (!isUuid(buildingId)) problems.push({ field: 'input.buildingId', message: 'input.buildingId must be the id of a registered building.' });
    if (!isUuid(subjectId)) problems.push({ field: 'input.subjectId', message: 'input.subjectId must be the id of an OSI or a management company.' });
    if (problems.length) throw badUserInput(problems);

    return context.db.transaction(async (tx) => {
      await recheckAdministrator(tx, context.caller);
      // The building and the subject live in other subgraphs' schemas: read to validate the link, never joined by a foreign key.
      const [subject] = await tx.select({ kind: subjects.kind }).from(subjects).where(eq(subjects.id, subjectId));
      if (!subject || !managingKinds.has(subject.kind)) {
        throw badUserInput({ field: 'input.subjectId', message: 'input.subjectId must be the id of an OSI or a management company.' });
      }
      const [building] = await tx.select({ id: buildings.id }).from(buildings).where(eq(buildings.id, buildingId));
      if (!building) throw badUserInput({ field: 'input.buildingId', message: 'input.buildingId must be the id of a registered building.' });

      const repository = new ManagementRepository(tx);
      await lockBuilding(tx, buildingId);
      const open = await repository.openForUpdate(buildingId);
      if (open) {
        if (open.managementSubjectId === subjectId) throw conflict('This subject already manages the building.', 'input.subjectId');
        if (validFrom < open.validFrom) {
          throw badUserInput({ field: 'input.validFrom', message: `input.validFrom must not be before ${open.validFrom}, the first day of the current management.` });
        }
        await repository.close(open.id, validFrom);
      }
      const row = await repository.insert({
        buildingId,
        managementSubjectId: subjectId,
        managementSubjectKind: subject.kind as ManagementSubjectKind,
        validFrom,
        assignedBy: actorOf(context.caller),
      });
      const receipt = await receiptFor(tx, context, 'condominium.assignManagement', [row.id]);
      return { assignment: toAssignment(row), receipt };
    });
  },
};
