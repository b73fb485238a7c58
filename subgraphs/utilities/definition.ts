import { scalarResolvers } from '../../lib/scalars.js';
import { loadSchemaFile, type SubgraphDefinition } from '../../lib/subgraph-schema.js';
import { createLoaders, type UtilitiesLoaders } from './loaders.js';
import { permissions, personalData } from './permissions.js';
import { startReadingPartitionMaintenance } from './reading-partitions.js';
import { BillingPeriod } from './resolvers/BillingPeriod.js';
import { Building } from './resolvers/Building.js';
import { Charge } from './resolvers/Charge.js';
import { ConsumerRequest, RequestMutation, RequestQuery } from './resolvers/ConsumerRequest.js';
import { EngineeringNetwork, NetworkBuilding, NetworkMutation, NetworkQuery, NetworkRegion } from './resolvers/EngineeringNetwork.js';
import { Meter, MeterBuilding, MeterMutation, MeterQuery, Premise } from './resolvers/Meter.js';
import { Mutation } from './resolvers/Mutation.js';
import { Outage, OutageBuilding, OutageMutation, OutagePremise, OutageQuery, OutageRegion } from './resolvers/Outage.js';
import { PersonalAccount, PersonalAccountChange } from './resolvers/PersonalAccount.js';
import { Query } from './resolvers/Query.js';
import { ReadingReminder, ReadingWindow, ReadingWindowMutation, ReadingWindowQuery } from './resolvers/ReadingWindow.js';
import { OutageStatistics, RegionStatistics, UtilityStatistics } from './resolvers/Region.js';
import { Region, Supplier } from './resolvers/Supplier.js';
import { Tariff } from './resolvers/Tariff.js';

/** The utilities subgraph: supplier register, personal accounts and tariffs (categories 9–11, 14). */
export const definition: SubgraphDefinition<UtilitiesLoaders> = {
  name: 'utilities',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  // Meters and readings add root fields and Building.meters from their own resolver file.
  resolvers: {
    ...scalarResolvers,
    Supplier,
    Region: { ...Region, ...RegionStatistics, ...NetworkRegion, ...OutageRegion },
    UtilityStatistics,
    OutageStatistics,
    ConsumerRequest,
    Outage,
    EngineeringNetwork,
    PersonalAccount,
    PersonalAccountChange,
    Tariff,
    BillingPeriod,
    Charge,
    Query: { ...Query, ...MeterQuery, ...NetworkQuery, ...RequestQuery, ...OutageQuery, ...ReadingWindowQuery },
    Mutation: { ...Mutation, ...MeterMutation, ...NetworkMutation, ...RequestMutation, ...OutageMutation, ...ReadingWindowMutation },
    ReadingWindow,
    ReadingReminder,
    Building: { ...Building, ...MeterBuilding, ...NetworkBuilding, ...OutageBuilding },
    Meter,
    Premise: { ...Premise, ...OutagePremise },
  },
  permissions,
  personalData,
  createLoaders,
  // Monthly partitions of meter readings ahead of today (reading-partitions.ts).
  startBackgroundWork: (db) => startReadingPartitionMaintenance(db),
};
