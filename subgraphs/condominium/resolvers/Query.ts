import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import type { CondominiumLoaders } from '../loaders.js';
import { toAssignment } from './assignment.js';

type Context = SubgraphContext<CondominiumLoaders>;

export const Query = {
  async managementHistory(_parent: unknown, args: { buildingId: string }, context: Context) {
    return (await context.loaders.managementHistory.load(args.buildingId)).map(toAssignment);
  },
};
