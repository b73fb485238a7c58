import type { SubgraphDefinition } from '../../lib/subgraph-server.js';
import { loadSchemaFile } from '../../lib/subgraph-server.js';
import { isOpenPart } from '../../lib/auth/shield.js';

/** The access subgraph: placeholder that grows in its own issue. */
export const definition: SubgraphDefinition = {
  name: 'access',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers: {
    Query: { accessStatus: () => 'placeholder' },
  },
  permissions: { Query: { accessStatus: isOpenPart } },
  createLoaders: () => ({}),
};
