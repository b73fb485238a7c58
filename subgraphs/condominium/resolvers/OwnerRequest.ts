import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import { forbidden } from '../../../lib/errors.js';
import { parseId, parseOptionalId } from '../../../lib/ids.js';
import { type PageArgs, parsePage, toConnection } from '../../../lib/pagination.js';
import { isUuid } from '../../../lib/uuid.js';
import { almatyDate } from '../../../lib/working-calendar.js';
import { placeWrite } from '../../../lib/write.js';
import type { OwnerRequestStatus } from '../../../schema/condominium.js';
import { managingSubjectsOf, ownedPremisesOf } from '../building-rights.js';
import type { Context } from '../context.js';
import { attachmentKey } from '../loaders.js';
import { isOverdue } from '../owner-request-lifecycle.js';
import { OwnerRequestManager, type RequestOutcome } from '../owner-request-manager.js';
import { type OwnerRequestRow, type RequestListSource, requestPosition } from '../owner-request-repository.js';
import { mayReadRequest, seesAllRequestsOf } from '../owner-request-scope.js';
import { parseDocumentIds } from './document-ids.js';

interface SubmitOwnerRequestInput {
  buildingId: string;
  categoryCode: string;
  description: string;
  premiseId?: string | null;
  contactPhone?: string | null;
  documentIds?: string[] | null;
}

interface ChangeOwnerRequestStatusInput {
  requestId: string;
  status: OwnerRequestStatus;
  reason?: string | null;
  expectedVersion?: number | null;
}

interface ReopenOwnerRequestInput {
  requestId: string;
  reason: string;
  expectedVersion?: number | null;
}

interface RateOwnerRequestInput {
  requestId: string;
  rating: number;
  comment?: string | null;
}

/** One page of a request list; the cursor is tied to the list (and its order) it came from. */
async function requestConnection(context: Context, list: string, source: RequestListSource, args: PageArgs) {
  const page = parsePage(args, list, 'requests');
  const rows = await context.loaders.services.requestPage.load({ source, limit: page.first + 1, after: page.after });
  return toConnection(list, rows, page, requestPosition(source));
}

const emptyConnection = {
  edges: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
};

/** The request when the caller may read it; null otherwise, exactly as when there is none. */
async function readable(context: Context, id: string): Promise<OwnerRequestRow | null> {
  const row = await context.loaders.services.requestById.load(id);
  return row && (await mayReadRequest(context, row)) ? row : null;
}

export const OwnerRequest = {
  __resolveReference(reference: { id: unknown }, context: Context) {
    return isUuid(reference.id) ? readable(context, reference.id.toLowerCase()) : null;
  },
  building: (row: OwnerRequestRow) => ({ id: row.buildingId }),
  async category(row: OwnerRequestRow, _args: unknown, context: Context) {
    const categories = await context.loaders.services.requestCategories.load('all');
    return categories.find((category) => category.code === row.categoryCode);
  },
  overdue: (row: OwnerRequestRow, _args: unknown, context: Context) => isOverdue(row, almatyDate(context.receivedAt)),
  filedByMe: (row: OwnerRequestRow, _args: unknown, context: Context) =>
    context.caller.kind === 'person' && context.caller.personId === row.requesterPersonId,
  premise: (row: OwnerRequestRow) => (row.premiseId === null ? null : { id: row.premiseId }),
  documents: (row: OwnerRequestRow, _args: unknown, context: Context) =>
    context.loaders.attachedDocuments.load(attachmentKey('REQUEST', row.id)),
  async history(row: OwnerRequestRow, _args: unknown, context: Context) {
    const events = await context.loaders.services.requestEvents.load(row.id);
    return events.map((event) => ({ status: event.status, reason: event.reason, at: event.changedAt }));
  },
};

export const OwnerRequestQuery = {
  requestCategories(_parent: unknown, _args: unknown, context: Context) {
    return context.loaders.services.requestCategories.load('all');
  },
  ownerRequest(_parent: unknown, args: { id: string }, context: Context) {
    return readable(context, parseId(args.id, 'id', 'an owner request'));
  },
  myOwnerRequests(_parent: unknown, args: PageArgs, context: Context) {
    const { caller } = context;
    if (caller.kind !== 'person') return emptyConnection;
    return requestConnection(context, 'myOwnerRequests', { kind: 'requester', requesterPersonId: caller.personId }, args);
  },
  overdueOwnerRequests(_parent: unknown, args: PageArgs & { katoCode: string }, context: Context) {
    const source = { kind: 'territory', katoCode: args.katoCode, overdueOn: almatyDate(context.receivedAt) } as const;
    return requestConnection(context, 'overdueOwnerRequests', source, args);
  },
};

export const OwnerRequestBuilding = {
  /** The rule let in the manager, the territory's watcher and owners; owners are narrowed to their own requests here. */
  async ownerRequests(
    building: { id: string },
    args: PageArgs & { status?: OwnerRequestStatus | null; overdue?: boolean | null },
    context: Context,
  ) {
    const { caller } = context;
    const seesAll = await seesAllRequestsOf(context, building.id);
    if (!seesAll && caller.kind !== 'person') return emptyConnection;
    const overdue = args.overdue === true;
    const source: RequestListSource = {
      kind: 'building',
      buildingId: building.id,
      requesterPersonId: seesAll || caller.kind !== 'person' ? null : caller.personId,
      status: args.status ?? null,
      overdueOn: overdue ? almatyDate(context.receivedAt) : null,
    };
    return requestConnection(context, overdue ? 'Building.ownerRequests.overdue' : 'Building.ownerRequests', source, args);
  },
};

function requestWrite(
  context: Context,
  info: GraphQLResolveInfo,
  operation: string,
  run: (manager: OwnerRequestManager) => Promise<RequestOutcome>,
) {
  return placeWrite(context, info, {
    operation: `condominium.${operation}`,
    async run(tx) {
      const { request, changes } = await run(new OwnerRequestManager(tx));
      return { payload: { request }, objectIds: [request.id], changes };
    },
  });
}

function requesterOf(context: Context): string {
  if (context.caller.kind !== 'person') throw forbidden('Only an owner signed in as a person files and follows requests.');
  return context.caller.personId;
}

export const OwnerRequestMutation = {
  /** The rule relied on the caller owning premises in the building; a named premises must be one of them. */
  async submitOwnerRequest(_parent: unknown, { input }: { input: SubmitOwnerRequestInput }, context: Context, info: GraphQLResolveInfo) {
    const buildingId = parseId(input.buildingId, 'input.buildingId', 'a building');
    const submission = {
      buildingId,
      premiseId: parseOptionalId(input.premiseId, 'input.premiseId', 'premises'),
      categoryCode: input.categoryCode,
      description: input.description,
      contactPhone: input.contactPhone ?? null,
      documentIds: parseDocumentIds(input.documentIds),
      requesterPersonId: requesterOf(context),
      ownedPremiseIds: await ownedPremisesOf(context, buildingId),
      at: context.receivedAt,
      actor: actorOf(context.caller),
    };
    return requestWrite(context, info, 'submitOwnerRequest', (manager) => manager.submit(submission));
  },

  changeOwnerRequestStatus(
    _parent: unknown,
    { input }: { input: ChangeOwnerRequestStatusInput },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const change = {
      requestId: parseId(input.requestId, 'input.requestId', 'an owner request'),
      status: input.status,
      reason: input.reason ?? null,
      expectedVersion: input.expectedVersion ?? null,
      managingSubjectIds: managingSubjectsOf(context.caller),
      at: context.receivedAt,
      actor: actorOf(context.caller),
    };
    return requestWrite(context, info, 'changeOwnerRequestStatus', (manager) => manager.changeStatus(change));
  },

  reopenOwnerRequest(_parent: unknown, { input }: { input: ReopenOwnerRequestInput }, context: Context, info: GraphQLResolveInfo) {
    const step = {
      requestId: parseId(input.requestId, 'input.requestId', 'an owner request'),
      requesterPersonId: requesterOf(context),
      reason: input.reason,
      expectedVersion: input.expectedVersion ?? null,
      at: context.receivedAt,
      actor: actorOf(context.caller),
    };
    return requestWrite(context, info, 'reopenOwnerRequest', (manager) => manager.reopen(step));
  },

  rateOwnerRequest(_parent: unknown, { input }: { input: RateOwnerRequestInput }, context: Context, info: GraphQLResolveInfo) {
    const step = {
      requestId: parseId(input.requestId, 'input.requestId', 'an owner request'),
      requesterPersonId: requesterOf(context),
      rating: input.rating,
      comment: input.comment ?? null,
      at: context.receivedAt,
      actor: actorOf(context.caller),
    };
    return requestWrite(context, info, 'rateOwnerRequest', (manager) => manager.rate(step));
  },
};
