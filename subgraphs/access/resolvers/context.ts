import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import type { AccessLoaders } from '../loaders.js';

export type AccessContext = SubgraphContext<AccessLoaders>;
