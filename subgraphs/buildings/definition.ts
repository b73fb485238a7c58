import type { SubgraphDefinition } from '../../lib/subgraph-server.js';
import { loadSchemaFile } from '../../lib/subgraph-server.js';
import { createBuildingLoaders, type BuildingLoaders } from './loaders.js';
import { permissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/** The buildings subgraph: the national register of multi-apartment buildings and the KATO territories. */
export const definition: SubgraphDefinition<BuildingLoaders> = {
  name: 'buildings',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers,
  permissions,
  createLoaders: (db) => createBuildingLoaders(db),
};
