import type { Context } from '../context.js';
import type { PremiseRow } from '../premises-repository.js';

export const Premise = {
  __resolveReference: (reference: { id: string }, context: Context) => context.loaders.premiseById.load(reference.id),

  building: (premise: PremiseRow, _: unknown, context: Context) => context.loaders.buildingById.load(premise.buildingId),

  owners: (premise: PremiseRow, _: unknown, context: Context) => context.loaders.ownersByPremiseId.load(premise.id),
};
