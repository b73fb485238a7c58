import type { SubgraphDefinition } from '../../lib/subgraph-server.js';
import { loadSchemaFile } from '../../lib/subgraph-server.js';
import { isOpenPart } from '../../lib/auth/shield.js';

/** The condominium subgraph: placeholder that grows in its own issue. */
export const definition: SubgraphDefinition = {
  name: 'condominium',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers: {
    Query: { condominiumStatus: () => 'placeholder' },
  },
  permissions: { Query: { condominiumStatus: isOpenPart } },
  createLoaders: () => ({}),
};
