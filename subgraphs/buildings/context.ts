import type { SubgraphContext } from '../../lib/subgraph-context.js';
import type { BuildingLoaders } from './loaders.js';

/** What every resolver and rule of the buildings subgraph receives. */
export type Context = SubgraphContext<BuildingLoaders>;
