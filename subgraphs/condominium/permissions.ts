import { entitiesRule, openEntity } from '../../lib/auth/entities.js';
import { deny, type IRules, isAdministrator, isOpenPart, visibleWithParent } from '../../lib/auth/shield.js';
import type { PersonalDataOf } from '../../lib/subgraph-schema.js';
import type { AssignmentRow } from './management-repository.js';
import { serviceEntityPolicy, servicePermissions, servicePersonalData } from './service-permissions.js';

/**
 * A rule for every field of every type (the subgraph refuses to start otherwise). Who
 * manages a building is open part (p.21); assigning is the Administrator's, and the rule's
 * reliance (`relyOnAdministrator`) is what the write path re-checks.
 */
export const permissions = {
  Query: {
    managementHistory: isOpenPart,
    ...servicePermissions.Query,
    _entities: entitiesRule({ Building: openEntity, ...serviceEntityPolicy }),
    _service: deny,
  },
  Mutation: {
    assignManagement: isAdministrator,
    ...servicePermissions.Mutation,
  },
  Building: { '*': isOpenPart, ...servicePermissions.Building },
  ...servicePermissions.types,
  ManagementAssignment: { '*': isOpenPart },
  // Reachable only as the answer of a mutation its rule already allowed.
  ManagementAssignmentPayload: { '*': visibleWithParent },
  Receipt: { '*': visibleWithParent },
} satisfies IRules;

/** Personal data (p.9, p.24): management subjects are organisations, known by their ids; owners' requests carry persons' data. */
export const personalData: PersonalDataOf<{ ManagementAssignment: AssignmentRow }> & typeof servicePersonalData = {
  ...servicePersonalData,
};
