import { entitiesRule } from '../../lib/auth/entities.js';
import {
  deny,
  type IRules,
  isAdministrator,
  isAuthenticated,
  isOpenPart,
  relyOnAdministrator,
  relyOnGrants,
  relyOnToken,
  rule,
  visibleWithParent,
} from '../../lib/auth/shield.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import type { PersonalData } from '../../lib/subgraph-schema.js';
import type { Context } from './context.js';

/**
 * A rule for every field of every type (the subgraph refuses to start otherwise). The feed
 * is read with a token, each reader seeing its own scope (`feed-scope.ts`, applied by the
 * loaders); webhook subscriptions are a digital object's own, or any for administrators.
 */

/** Reading or managing subscriptions: a digital object (its own) or an administrator (any); the manager decides on each. */
const managesWebhooks = rule({ cache: 'contextual' })((_parent, _args, context: Context) => {
  const { caller } = context;
  if (caller.kind === 'anonymous') return unauthenticated();
  if (caller.kind === 'machine') return relyOnToken();
  return caller.isAdministrator
    ? relyOnAdministrator()
    : forbidden('Webhook subscriptions belong to digital objects: call with its API token, or as an administrator.');
});

/** Subscribing: the digital object itself, relying on the grants its scope rests on (re-checked in the write). */
const subscribesItself = rule({ cache: 'contextual' })((_parent, _args, context: Context) => {
  const { caller } = context;
  if (caller.kind === 'anonymous') return unauthenticated();
  if (caller.kind !== 'machine') return forbidden('A webhook subscription is made by the digital object itself, with its API token.');
  return relyOnGrants(caller.grants, () => forbidden('This digital object holds no access right in force to subscribe with.'));
});

/**
 * The regulatory clock: read under an access right in force (or as the Administrator's staff),
 * each caller within the feed's scope (the loaders apply it). The caller and its grants are
 * resolved on the primary, so a revoked right is refused even while a replica that serves
 * the duties still holds it.
 */
const readsDuties = rule({ cache: 'contextual' })((_parent, _args, context: Context) => {
  const { caller } = context;
  if (caller.kind === 'anonymous') return unauthenticated();
  if (caller.kind === 'person' && caller.isAdministrator) return relyOnAdministrator();
  return relyOnGrants(caller.grants, () => forbidden('Duties are read under an access right in force; this caller holds none.'));
});

export const permissions = {
  Query: {
    changes: isAuthenticated,
    duties: readsDuties,
    dutyCounts: readsDuties,
    // An export's reader: the resolver answers null for another's (administrators read any).
    export: readsDuties,
    // Open data: the open part's aggregates, no personal data (p.21).
    openData: isOpenPart,
    // Data quality: the same readers, the same scope.
    dataQuality: readsDuties,
    worstRecords: readsDuties,
    buildingQuality: readsDuties,
    webhookSubscriptions: managesWebhooks,
    webhookSubscription: managesWebhooks,
    // The state of the CS's components is the Administrator's to watch (owners are notified by mail).
    incidents: isAdministrator,
    // Region and Building are referenced only (resolvable: false): no representation is ever resolved here.
    _entities: entitiesRule({}),
    _service: deny,
  },
  Mutation: {
    createWebhookSubscription: subscribesItself,
    // Exports: asked for under a right in force (re-checked in the write), its scope recorded.
    requestExport: readsDuties,
    pauseWebhookSubscription: managesWebhooks,
    resumeWebhookSubscription: managesWebhooks,
    replayWebhookSubscription: managesWebhooks,
    deleteWebhookSubscription: managesWebhooks,
  },
  // Reachable only through `changes`, whose loader keeps to the caller's scope.
  Change: { '*': visibleWithParent },
  ChangeConnection: { '*': visibleWithParent },
  ChangeEdge: { '*': visibleWithParent },
  PageInfo: { '*': visibleWithParent },
  // Reachable only through `duties` and `dutyCounts`, whose loaders keep to the caller's scope.
  Duty: { '*': visibleWithParent },
  DutyConnection: { '*': visibleWithParent },
  DutyEdge: { '*': visibleWithParent },
  DutyCount: { '*': visibleWithParent },
  Region: { '*': visibleWithParent },
  OpenDataStatistics: { '*': isOpenPart },
  // Reachable only through `export` (the requester's own) and `requestExport`.
  Export: { '*': visibleWithParent },
  ExportPart: { '*': visibleWithParent },
  RequestExportPayload: { '*': visibleWithParent },
  OpenDataConditionCount: { '*': isOpenPart },
  OpenDataTariffStatistics: { '*': isOpenPart },
  // Reachable only through the data-quality fields, whose loaders keep to the caller's scope.
  DataQualityGroup: { '*': visibleWithParent },
  BuildingQuality: { '*': visibleWithParent },
  Building: { '*': visibleWithParent },
  // Reachable only through `incidents`, which administrators alone may read.
  Incident: { '*': visibleWithParent },
  // Reachable only through the guarded root fields and mutations, whose loaders and manager keep to the caller's own.
  WebhookSubscription: { '*': visibleWithParent },
  WebhookDelivery: { '*': visibleWithParent },
  WebhookSubscriptionConnection: { '*': visibleWithParent },
  WebhookSubscriptionEdge: { '*': visibleWithParent },
  CreateWebhookSubscriptionPayload: { '*': visibleWithParent },
  WebhookSubscriptionPayload: { '*': visibleWithParent },
  ReplayWebhookSubscriptionPayload: { '*': visibleWithParent },
  DeleteWebhookSubscriptionPayload: { '*': visibleWithParent },
} satisfies IRules;

/** Personal data (p.9, p.24): none. The feed names records by id; subscriptions belong to systems. */
export const personalData: PersonalData = {};
