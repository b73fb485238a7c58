import { scalarResolvers } from '../../lib/scalars.js';
import { loadSchemaFile, type SubgraphDefinition } from '../../lib/subgraph-schema.js';
import { createLoaders, type UtilitiesLoaders } from './loaders.js';
import { permissions, personalData } from './permissions.js';
import { BillingPeriod } from './resolvers/BillingPeriod.js';
import { Building } from './resolvers/Building.js';
import { Mutation } from './resolvers/Mutation.js';
import { PersonalAccount } from './resolvers/PersonalAccount.js';
import { Query } from './resolvers/Query.js';
import { Supplier } from './resolvers/Supplier.js';
import { Tariff } from './resolvers/Tariff.js';

/** The utilities subgraph: supplier register, personal accounts and tariffs (categories 9–11, 14). */
export const definition: SubgraphDefinition<UtilitiesLoaders> = {
  name: 'utilities',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers: { ...scalarResolvers, Query, Mutation, Supplier, PersonalAccount, Tariff, Building, BillingPeriod },
  permissions,
  personalData,
  createLoaders,
};
