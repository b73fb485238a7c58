import type { IRules } from 'graphql-shield';
import { entitiesRule, openEntity } from '../../lib/auth/entities.js';
import { deny, isAdministrator, isOpenPart } from '../../lib/auth/shield.js';

/** No personal data here yet: management subjects are organisations. */
export const personalDataFields: string[] = [];

export const permissions: IRules = {
  Query: {
    managementHistory: isOpenPart,
    _entities: entitiesRule({ Building: openEntity }),
    _service: deny,
  },
  Mutation: {
    assignManagement: isAdministrator,
  },
  Building: { management: isOpenPart },
};
