import { scalarResolvers } from '../../../lib/scalars.js';
import { Building } from './Building.js';
import { BuildingConnection } from './BuildingConnection.js';
import { Mutation } from './Mutation.js';
import { Premise } from './Premise.js';
import { PremiseOwner } from './PremiseOwner.js';
import { Query } from './Query.js';
import { BuildingStatisticsResolvers, Region } from './Region.js';

export const resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  Building,
  BuildingConnection,
  Region,
  BuildingStatistics: BuildingStatisticsResolvers,
  Premise,
  PremiseOwner,
};
