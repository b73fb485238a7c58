import { loadSchemaFile, type SubgraphDefinition } from '../../lib/subgraph-schema.js';
import { keepCalendarFilled } from './calendar-filler.js';
import { CALLER_PATH, callerRoute } from './caller-endpoint.js';
import { type AccessLoaders, createAccessLoaders } from './loaders.js';
import { permissions, personalData } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/** The access subgraph: subjects, persons, agreements, grants and their lifecycle, applications, notifications, calendar, tokens. */
export const definition: SubgraphDefinition<AccessLoaders> = {
  name: 'access',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers,
  permissions,
  personalData,
  createLoaders: createAccessLoaders,
  // Routers resolve each client request's caller here (docs/authentication.md).
  httpRoutes: (db, sign) => ({ [CALLER_PATH]: callerRoute(db, sign) }),
  // The working calendar kept filled for the years ahead (due dates of the regulatory clock).
  startBackgroundWork: (db) => keepCalendarFilled(db),
};
