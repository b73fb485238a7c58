import { runSubgraph } from '../../lib/run-subgraph.js';
import { definition } from './definition.js';

// Runs this subgraph alone: `node --import tsx subgraphs/integration`.
await runSubgraph(definition);
