import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import type { BuildingLoaders } from '../loaders.js';

/** What every resolver and rule of this subgraph receives. */
export type Context = SubgraphContext<BuildingLoaders>;
