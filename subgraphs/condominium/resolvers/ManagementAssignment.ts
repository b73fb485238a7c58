import type { AssignmentRow } from '../management-repository.js';

/** An assignment is served from its row; `id`, `validFrom` and `validTo` are read as they are. */
export const ManagementAssignment = {
  building: (row: AssignmentRow) => ({ id: row.buildingId }),
  subjectId: (row: AssignmentRow) => row.managementSubjectId,
  subjectKind: (row: AssignmentRow) => row.managementSubjectKind,
};
