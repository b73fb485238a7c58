import type { SubgraphDefinition } from '../../lib/subgraph-server.js';
import { loadSchemaFile } from '../../lib/subgraph-server.js';
import { scalarResolvers } from '../../lib/scalars.js';
import { env } from '../../lib/env.js';
import { startOutboxWorker } from '../../lib/outbox.js';
import { mailTransportFromConfig } from '../../lib/smtp-transport.js';
import { createAccessLoaders, type AccessLoaders } from './loaders.js';
import { buildPermissions } from './permissions.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';
import * as types from './resolvers/types.js';

const resolvers = { ...scalarResolvers, Query, Mutation, ...types };

/** The access subgraph: subjects, persons, agreements, grants and their lifecycle, applications, notifications, calendar. */
export const definition: SubgraphDefinition<AccessLoaders> = {
  name: 'access',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers,
  permissions: buildPermissions({ Query, Mutation, ...types }),
  createLoaders: createAccessLoaders,
  // The access subgraph owns the outbox; without SMTP_URL messages stay listable for administrators.
  startBackgroundWork: (db) => {
    const transport = mailTransportFromConfig(env());
    return transport ? startOutboxWorker(db, transport) : null;
  },
};
