import type { SubgraphDefinition } from '../../lib/subgraph-server.js';
import { loadSchemaFile } from '../../lib/subgraph-server.js';
import { isOpenPart } from '../../lib/auth/shield.js';

/** The utilities subgraph: placeholder that grows in its own issue. */
export const definition: SubgraphDefinition = {
  name: 'utilities',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers: {
    Query: { utilitiesStatus: () => 'placeholder' },
  },
  permissions: { Query: { utilitiesStatus: isOpenPart } },
  createLoaders: () => ({}),
};
