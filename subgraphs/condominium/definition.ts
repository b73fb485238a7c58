/**
 * The condominium subgraph: who manages each building (p.4, the start of categories 2–8).
 *
 * It is laid out as every subgraph is (docs/architecture.md, "A subgraph, file for file"),
 * and it is the example the next condominium features (reports, meetings, e-voting,
 * requests …) copy:
 *
 *   schema.graphql            the SDL; every type and field described
 *   permissions.ts            a rule for every field of every type; the personal data (none yet)
 *   context.ts, loaders.ts    the request's context; its DataLoaders, one statement per relation
 *   resolvers/<Type>.ts       thin: parse ids (`parseId`), call a loader or the manager in `placeWrite`
 *   management-manager.ts     the feature's decisions, checked against the database
 *   management-repository.ts  its SQL; other subgraphs only through their `published_*` views
 *
 * A write, `assignManagement`: the rule (`isAdministrator`) relies on the Administrator;
 * the resolver parses the ids and calls `placeWrite`, which opens a transaction, re-checks
 * that reliance, runs `ManagementManager.assign`, writes the receipt and maps unique
 * violations to CONFLICT; the payload then reads through fresh loaders.
 */
import { scalarResolvers } from '../../lib/scalars.js';
import { loadSchemaFile, type SubgraphDefinition } from '../../lib/subgraph-schema.js';
import { createLoaders, type Loaders } from './loaders.js';
import { permissions, personalData } from './permissions.js';
import { Building } from './resolvers/Building.js';
import { Contract, ContractBuilding, ContractMutation, ContractQuery } from './resolvers/Contract.js';
import { Document } from './resolvers/Document.js';
import { HouseCouncilMember } from './resolvers/HouseCouncilMember.js';
import { ManagementAssignment } from './resolvers/ManagementAssignment.js';
import { Mutation } from './resolvers/Mutation.js';
import { meetingMutations } from './resolvers/meeting-mutations.js';
import { buildingMeetingFields, meetingQueries, meetingTypes } from './resolvers/meeting-types.js';
import { OwnerRequest, OwnerRequestBuilding, OwnerRequestMutation, OwnerRequestQuery } from './resolvers/OwnerRequest.js';
import { PlannedWork, PlannedWorkBuilding, PlannedWorkMutation, PlannedWorkQuery } from './resolvers/PlannedWork.js';
import { Query } from './resolvers/Query.js';
import { Region } from './resolvers/Region.js';
import { Report, ReportCompliance } from './resolvers/Report.js';
import { SignedPublication } from './resolvers/SignedPublication.js';

export const definition: SubgraphDefinition<Loaders> = {
  name: 'condominium',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  // Planned works, owners' requests and contracts add root fields and Building fields from their own resolver files.
  resolvers: {
    ...scalarResolvers,
    Query: { ...Query, ...meetingQueries, ...PlannedWorkQuery, ...OwnerRequestQuery, ...ContractQuery },
    Mutation: { ...Mutation, ...meetingMutations, ...PlannedWorkMutation, ...OwnerRequestMutation, ...ContractMutation },
    Building: { ...Building, ...buildingMeetingFields, ...PlannedWorkBuilding, ...OwnerRequestBuilding, ...ContractBuilding },
    Region,
    ManagementAssignment,
    HouseCouncilMember,
    Document,
    SignedPublication,
    Report,
    ReportCompliance,
    ...meetingTypes,
    PlannedWork,
    OwnerRequest,
    Contract,
  },
  permissions,
  personalData,
  createLoaders,
};
