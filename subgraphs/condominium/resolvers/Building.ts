import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import type { CondominiumLoaders } from '../loaders.js';
import { toAssignment } from './assignment.js';

type Context = SubgraphContext<CondominiumLoaders>;

/** The buildings subgraph owns buildings; this one adds who manages them. */
export const Building = {
  __resolveReference(reference: { id: string }) {
    return { id: reference.id };
  },
  async management(parent: { id: string }, _args: unknown, context: Context) {
    const row = await context.loaders.currentManagement.load(parent.id);
    return row ? toAssignment(row) : null;
  },
};
