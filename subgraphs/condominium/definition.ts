import type { SubgraphDefinition } from '../../lib/subgraph-server.js';
import { loadSchemaFile } from '../../lib/subgraph-server.js';
import { scalarResolvers } from '../../lib/scalars.js';
import { createLoaders, type CondominiumLoaders } from './loaders.js';
import { permissions } from './permissions.js';
import { Building } from './resolvers/Building.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';

/** The condominium subgraph: who manages each building (grows with categories 2–8). */
export const definition: SubgraphDefinition<CondominiumLoaders> = {
  name: 'condominium',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers: { ...scalarResolvers, Query, Mutation, Building },
  permissions,
  createLoaders,
};
