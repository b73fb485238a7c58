import { isUuid } from '../../../lib/uuid.js';
import type { Context } from '../context.js';

/** The buildings subgraph owns buildings; this one adds who manages them and their house council. */
export const Building = {
  /**
   * The key is all this subgraph needs of a building (it keeps no row of its own), so the
   * reference is not read. An id that is not one refers to nothing: null.
   */
  __resolveReference(reference: { id: unknown }) {
    return isUuid(reference.id) ? { id: reference.id.toLowerCase() } : null;
  },
  management(building: { id: string }, _args: unknown, context: Context) {
    return context.loaders.currentManagement.load(building.id);
  },
  async houseCouncilSize(building: { id: string }, _args: unknown, context: Context) {
    return (await context.loaders.houseCouncil.load(building.id)).length;
  },
  houseCouncil(building: { id: string }, _args: unknown, context: Context) {
    return context.loaders.houseCouncil.load(building.id);
  },
};
