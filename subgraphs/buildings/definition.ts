import type { SubgraphDefinition } from '../../lib/subgraph-server.js';
import { loadSchemaFile } from '../../lib/subgraph-server.js';
import { isOpenPart } from '../../lib/auth/shield.js';

/** The buildings subgraph: placeholder that grows in its own issue. */
export const definition: SubgraphDefinition = {
  name: 'buildings',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers: {
    Query: { buildingsStatus: () => 'placeholder' },
  },
  permissions: { Query: { buildingsStatus: isOpenPart } },
  createLoaders: () => ({}),
};
