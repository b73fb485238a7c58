import { parseId } from '../../../lib/ids.js';
import type { Context } from '../context.js';

export const Query = {
  /** Empty for a building with no assignment, also for an id no building has (a look-up of nothing is not an error). */
  managementHistory(_parent: unknown, args: { buildingId: string }, context: Context) {
    return context.loaders.managementHistory.load(parseId(args.buildingId, 'buildingId', 'a building'));
  },
  /** The rule let only a person through: their own premises, by their IIN. */
  async myPremises(_parent: unknown, _args: unknown, context: Context) {
    if (context.caller.kind !== 'person') return [];
    return (await context.loaders.premisesOwnedByPerson.load(context.caller.personId)).map((id) => ({ id }));
  },
};
