import type { AssignmentRow } from '../management-repository.js';

/** The GraphQL shape of an assignment, built once so its fields need no resolvers of their own. */
export function toAssignment(row: AssignmentRow) {
  return {
    id: row.id,
    building: { id: row.buildingId },
    subjectId: row.managementSubjectId,
    subjectKind: row.managementSubjectKind,
    validFrom: row.validFrom,
    validTo: row.validTo,
  };
}
