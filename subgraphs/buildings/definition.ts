import { loadSchemaFile, type SubgraphDefinition } from '../../lib/subgraph-schema.js';
import { type BuildingLoaders, createBuildingLoaders } from './loaders.js';
import { permissions, personalData } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/** The buildings subgraph: the national register of multi-apartment buildings and the KATO territories. */
export const definition: SubgraphDefinition<BuildingLoaders> = {
  name: 'buildings',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers,
  permissions,
  personalData,
  createLoaders: (db) => createBuildingLoaders(db),
};
