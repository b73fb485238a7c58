import { authenticatedEntity, type EntityPolicy, openEntity } from '../../lib/auth/entities.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { type IRules, isOpenPart, relyOnToken, rule, visibleWithParent } from '../../lib/auth/shield.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import type { Context } from './context.js';
import { actsForSubjectOf, actsForSupplier } from './supplier-rules.js';

/**
 * Who may do what with consumer requests and outages (merged into permissions.ts). A request
 * is submitted by a signed-in person who is a consumer of the account (decided in the write,
 * against the owners' register), read by that person and by the supplier keeping the
 * account (PERSONAL_ACCOUNTS_MAINTAIN for it), and answered by that supplier. Outages are the
 * open part, published by the supplier with SUPPLIER_REGISTER_MAINTAIN: what it tells the
 * public about its supply.
 */

const accounts = AccessFunction.PersonalAccountsMaintain;
const register = AccessFunction.SupplierRegisterMaintain;

/** A signed-in person: consumers act for themselves, not through a digital object. */
const isPerson = rule({ cache: 'contextual' })((_parent, _args, context: Context) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  return context.caller.kind === 'person' ? relyOnToken() : forbidden('Consumer requests are submitted by a signed-in person.');
});

/** Any signed-in caller: which requests it reads is decided by the scope-filtering loader. */
const isSignedIn = rule({ cache: 'contextual' })((_parent, _args, context: Context) =>
  context.caller.kind === 'anonymous' ? unauthenticated() : true,
);

const answersRequest = actsForSubjectOf(
  accounts,
  async (args, context) =>
    (await context.loaders.consumers.requestById.load(parseId(args.id, 'id', 'a consumer request')))?.supplierSubjectId ?? null,
  { what: 'The consumer request', field: 'id' },
);

const changesOutage = actsForSubjectOf(
  register,
  async (args, context) => {
    const outage = await context.loaders.consumers.outageById.load(parseId(args.id, 'id', 'an outage'));
    return outage ? ((await context.loaders.supplierById.load(outage.supplierId))?.subjectId ?? null) : null;
  },
  { what: 'The outage', field: 'id' },
);

/** `_entities`: requests resolve to null outside the caller's scope (and anonymous callers reach none); outages are open. */
export const consumerEntityPolicy: Record<string, EntityPolicy<Context>> = {
  ConsumerRequest: authenticatedEntity,
  Outage: openEntity,
};

export const consumerPermissions = {
  Query: {
    myConsumerRequests: isPerson,
    consumerRequests: actsForSupplier(accounts),
    consumerRequest: isSignedIn,
    outages: isOpenPart,
  },
  Mutation: {
    submitConsumerRequest: isPerson,
    answerConsumerRequest: answersRequest,
    publishOutage: actsForSupplier(register),
    updateOutage: changesOutage,
  },
  Building: { outages: isOpenPart },
  Premise: { outages: isOpenPart },
  Region: { outages: isOpenPart },
  types: {
    // Reached only through the scope-filtering root fields, the `_entities` policy and the mutations.
    ConsumerRequest: { '*': visibleWithParent },
    ConsumerRequestConnection: { '*': visibleWithParent },
    ConsumerRequestEdge: { '*': visibleWithParent },
    ConsumerRequestPayload: { '*': visibleWithParent },
    Outage: { '*': isOpenPart },
    OutageConnection: { '*': isOpenPart },
    OutageEdge: { '*': isOpenPart },
    OutagePayload: { '*': visibleWithParent },
  },
} satisfies Record<string, IRules>;
