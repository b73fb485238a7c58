import type { OwnerRow, PremiseRow } from '../buildings-repository.js';
import type { Context } from './context.js';

export const Premise = {
  __resolveReference: (reference: { id: string }, context: Context) => context.loaders.premiseById.load(reference.id),

  building: (premise: PremiseRow, _: unknown, context: Context) => context.loaders.buildingById.load(premise.buildingId),

  owners: (premise: PremiseRow, _: unknown, context: Context) => context.loaders.ownersByPremiseId.load(premise.id),
};

/**
 * Personal data: these resolvers exist so the shield rule on them runs (only declared
 * resolvers are guarded). They return the value; the rule decides whether it is sent.
 */
export const PremiseOwner = {
  identificationNumber: (owner: OwnerRow) => owner.identificationNumber,
  name: (owner: OwnerRow) => owner.name,
};
