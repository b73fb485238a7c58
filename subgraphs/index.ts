import type { SubgraphDefinition, SubgraphName } from '../lib/subgraph-server.js';
import { definition as access } from './access/definition.js';
import { definition as buildings } from './buildings/definition.js';
import { definition as condominium } from './condominium/definition.js';
import { definition as integration } from './integration/definition.js';
import { definition as utilities } from './utilities/definition.js';

/** The subgraphs, in the order the gateway lists them. */
export const subgraphDefinitions: Record<SubgraphName, SubgraphDefinition> = { buildings, condominium, utilities, access, integration };
export const subgraphNames = Object.keys(subgraphDefinitions) as SubgraphName[];
