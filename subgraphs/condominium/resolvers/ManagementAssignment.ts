import type { Context } from '../context.js';
import type { AssignmentRow } from '../management-repository.js';

/** Under direct joint management the manager is a person: the open part names the form only. */
const isPerson = (row: AssignmentRow) => row.form === 'DIRECT_JOINT_MANAGEMENT';

/** An assignment is served from its row; the other fields are read as they are. */
export const ManagementAssignment = {
  building: (row: AssignmentRow) => ({ id: row.buildingId }),
  subjectId: (row: AssignmentRow) => (isPerson(row) ? null : row.managementSubjectId),
  subjectKind: (row: AssignmentRow) => row.managementSubjectKind,
  managerName: (row: AssignmentRow, _args: unknown, context: Context) =>
    isPerson(row) ? null : context.loaders.organisationName.load(row.managementSubjectId),
};
