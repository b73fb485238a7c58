import { scalarResolvers } from '../../../lib/scalars.js';
import { AccessExplanation } from './AccessExplanation.js';
import { Agreement } from './Agreement.js';
import { ApiToken } from './ApiToken.js';
import { DigitalObject } from './DigitalObject.js';
import { EndGrantPayload } from './EndGrantPayload.js';
import { Grant } from './Grant.js';
import { GrantTransitionPayload } from './GrantTransitionPayload.js';
import { IntegrationApplication } from './IntegrationApplication.js';
import { Mutation } from './Mutation.js';
import { Person } from './Person.js';
import { Query } from './Query.js';
import { RevocationPreview } from './RevocationPreview.js';
import { signInMutations } from './SignInMutation.js';
import { Subject } from './Subject.js';

/** Every resolver of the access subgraph; fields without one here are served by the default resolver (and still ruled). */
export const resolvers = {
  ...scalarResolvers,
  Query,
  Mutation: { ...Mutation, ...signInMutations },
  Subject,
  Person,
  Agreement,
  Grant,
  DigitalObject,
  IntegrationApplication,
  AccessExplanation,
  RevocationPreview,
  GrantTransitionPayload,
  EndGrantPayload,
  ApiToken,
};
