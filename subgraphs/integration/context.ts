import type { SubgraphContext } from '../../lib/subgraph-context.js';
import type { Loaders } from './loaders.js';

/** What every rule and resolver of this subgraph receives (`lib/subgraph-context.ts`): declared once, here. */
export type Context = SubgraphContext<Loaders>;
