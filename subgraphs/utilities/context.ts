import type { SubgraphContext } from '../../lib/subgraph-context.js';
import type { UtilitiesLoaders } from './loaders.js';

/** What every rule and resolver of the utilities subgraph receives. */
export type Context = SubgraphContext<UtilitiesLoaders>;
