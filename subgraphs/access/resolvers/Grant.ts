import type { Context } from '../context.js';
import { effectiveState, isInEffect } from '../grant-lifecycle-manager.js';
import type { GrantRow } from '../grant-repository.js';

export const Grant = {
  person: (grant: GrantRow, _: unknown, context: Context) => (grant.personId ? context.loaders.personById.load(grant.personId) : null),
  digitalObject: (grant: GrantRow, _: unknown, context: Context) =>
    grant.digitalObjectId ? context.loaders.digitalObjectById.load(grant.digitalObjectId) : null,
  subject: (grant: GrantRow, _: unknown, context: Context) => context.loaders.subjectById.load(grant.subjectId),
  agreement: (grant: GrantRow, _: unknown, context: Context) => context.loaders.agreementById.load(grant.agreementId),
  parent: (grant: GrantRow, _: unknown, context: Context) =>
    grant.parentGrantId ? context.loaders.grantById.load(grant.parentGrantId) : null,
  delegations: (grant: GrantRow, _: unknown, context: Context) => context.loaders.delegationsByGrantId.load(grant.id),
  suspendedByAncestor: (grant: GrantRow) => grant.ancestorSuspended,
  // The clock at resolution, not the request's arrival: what holds now, as enforcement sees it.
  effectiveState: (grant: GrantRow) => effectiveState(grant, new Date()).state,
  effectiveEndGround: (grant: GrantRow) => effectiveState(grant, new Date()).endGround,
  inEffect: (grant: GrantRow) => isInEffect(grant, new Date()),
  history: (grant: GrantRow, _: unknown, context: Context) => context.loaders.historyByGrantId.load(grant.id),
};
