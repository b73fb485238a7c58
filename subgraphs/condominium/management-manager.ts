import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, notFound } from '../../lib/errors.js';
import type { ConflictMessages } from '../../lib/write.js';
import { type ManagementSubjectKind, managementSubjectKind } from '../../schema/condominium.js';
import { type AssignmentRow, ManagementRepository } from './management-repository.js';

/** An assignment as `assignManagement` asks for it: ids parsed, the first day defaulted. */
export interface AssignmentRequest {
  buildingId: string;
  subjectId: string;
  /** The first day of management (YYYY-MM-DD). */
  validFrom: string;
  /** `actorOf(caller)`: who assigned, for the history. */
  assignedBy: string;
}

/** An assignment as recorded, and the changes the feed records for it (p.32). */
export interface AssignmentOutcome {
  assignment: AssignmentRow;
  /** The new assignment, and the one it ended: located at the building, owned by the managing subject. */
  changes: ChangeDeclaration[];
}

/** The unique indexes an assignment can lose a race on, as the caller should read them. */
export const assignmentConflicts: ConflictMessages = {
  management_assignments_building_open_key: {
    message: 'Another assignment of this building was recorded at the same time; read its management and retry.',
    field: 'input.buildingId',
  },
};

const managingKinds: readonly string[] = managementSubjectKind.enumValues;

function isManagingKind(kind: string): kind is ManagementSubjectKind {
  return managingKinds.includes(kind);
}

/**
 * Who manages which building, and from when: the decisions of the feature, checked against
 * the database. Authorization (who may assign) is the rule's, re-checked by the write path;
 * this class decides what an assignment may change. Give it the write's transaction.
 */
export class ManagementManager {
  private readonly assignments: ManagementRepository;

  constructor(executor: Executor) {
    this.assignments = new ManagementRepository(executor);
  }

  /**
   * Makes an OSI or a management company the management subject of a building from
   * `validFrom`, ending the current assignment that day. The building stays locked until the
   * transaction ends, so two assignments of one building never interleave.
   *
   * NOT_FOUND when the building or the subject exists nowhere; BAD_USER_INPUT when the
   * subject is of another kind or the day is before the current assignment's first day;
   * CONFLICT when the subject already manages the building.
   */
  async assign(request: AssignmentRequest): Promise<AssignmentOutcome> {
    const { buildingId, subjectId, validFrom } = request;
    const katoCode = await this.assignments.buildingKato(buildingId);
    if (katoCode === null) throw notFound('The building given in input.buildingId', 'input.buildingId');
    const kind = await this.assignments.subjectKindOf(subjectId);
    if (kind === null) throw notFound('The subject given in input.subjectId', 'input.subjectId');
    if (!isManagingKind(kind)) {
      throw badUserInput({ field: 'input.subjectId', message: 'input.subjectId must be the id of an OSI or a management company.' });
    }

    await this.assignments.lockBuilding(buildingId);
    const current = await this.assignments.openForUpdate(buildingId);
    const changes: ChangeDeclaration[] = [];
    if (current) {
      if (current.managementSubjectId === subjectId) {
        throw conflict('This subject already manages the building; nothing was written.', 'input.subjectId');
      }
      if (validFrom < current.validFrom) {
        throw badUserInput({
          field: 'input.validFrom',
          message: `input.validFrom must not be before ${current.validFrom}, the first day of the current management.`,
        });
      }
      await this.assignments.close(current.id, validFrom);
      changes.push({
        type: 'MANAGEMENT_ASSIGNMENT',
        id: current.id,
        operation: 'UPDATED',
        katoCode,
        subjectId: current.managementSubjectId,
      });
    }
    const assignment = await this.assignments.insert({
      buildingId,
      managementSubjectId: subjectId,
      managementSubjectKind: kind,
      validFrom,
      assignedBy: request.assignedBy,
    });
    changes.push({ type: 'MANAGEMENT_ASSIGNMENT', id: assignment.id, operation: 'CREATED', katoCode, subjectId });
    return { assignment, changes };
  }
}
