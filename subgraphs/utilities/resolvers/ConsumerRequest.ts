import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import { parseId } from '../../../lib/ids.js';
import { byId, type PageArgs, parsePage, toConnection } from '../../../lib/pagination.js';
import { almatyDate } from '../../../lib/working-calendar.js';
import { placeWrite } from '../../../lib/write.js';
import type { ConsumerRequestStatus } from '../../../schema/utilities.js';
import { type ConsumerRequestInput, ConsumerRequestManager, requestOverdue } from '../consumer-request-manager.js';
import type { RequestRow } from '../consumer-request-repository.js';
import type { Context } from '../context.js';

/** Root fields of consumer requests (merged into Query by definition.ts). */
export const RequestQuery = {
  async myConsumerRequests(_parent: unknown, args: PageArgs, context: Context) {
    const page = parsePage(args, 'myConsumerRequests', 'requests');
    const submittedBy = context.loaders.consumers.requestScope.personId;
    const rows = await context.loaders.consumers.requestPage.load({
      after: page.after?.id ?? null,
      limit: page.first + 1,
      filter: { submittedBy },
    });
    return toConnection('myConsumerRequests', rows, page, byId);
  },
  async consumerRequests(
    _parent: unknown,
    args: PageArgs & { supplierId: string; status?: ConsumerRequestStatus | null },
    context: Context,
  ) {
    const page = parsePage(args, 'consumerRequests', 'requests');
    const filter = { supplierId: parseId(args.supplierId, 'supplierId', 'a supplier'), status: args.status ?? null };
    const rows = await context.loaders.consumers.requestPage.load({ after: page.after?.id ?? null, limit: page.first + 1, filter });
    return toConnection('consumerRequests', rows, page, byId);
  },
  consumerRequest(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.consumers.visibleRequestById.load(parseId(args.id, 'id', 'a consumer request'));
  },
};

/** Mutations of consumer requests (merged into Mutation by definition.ts). Requests are not (yet) a type of the change feed. */
export const RequestMutation = {
  submitConsumerRequest(_parent: unknown, args: { input: ConsumerRequestInput }, context: Context, info: GraphQLResolveInfo) {
    const input = { ...args.input, supplierId: parseId(args.input.supplierId, 'input.supplierId', 'a supplier') };
    const personId = context.loaders.consumers.requestScope.personId;
    return placeWrite(context, info, {
      operation: 'utilities.submitConsumerRequest',
      run: async (tx) => {
        if (!personId) throw new Error('The rule admits persons only.');
        const manager = new ConsumerRequestManager(tx);
        const request = await manager.stored(await manager.submit(personId, input, context.receivedAt));
        return { payload: { request }, objectIds: [request.id] };
      },
    });
  },
  answerConsumerRequest(
    _parent: unknown,
    args: { id: string; status: ConsumerRequestStatus; answer?: string | null },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const id = parseId(args.id, 'id', 'a consumer request');
    return placeWrite(context, info, {
      operation: 'utilities.answerConsumerRequest',
      run: async (tx) => {
        const manager = new ConsumerRequestManager(tx);
        await manager.answer(id, args.status, args.answer, { actor: actorOf(context.caller), now: context.receivedAt });
        return { payload: { request: await manager.stored(id) }, objectIds: [id] };
      },
    });
  },
};

export const ConsumerRequest = {
  /** Scope-filtering: null for a request the caller neither submitted nor keeps. */
  __resolveReference(reference: { id: string }, context: Context) {
    return context.loaders.consumers.visibleRequestById.load(reference.id);
  },
  supplier(request: RequestRow, _args: unknown, context: Context) {
    return context.loaders.supplierById.load(request.supplierId);
  },
  overdue(request: RequestRow, _args: unknown, context: Context) {
    return requestOverdue(request, almatyDate(context.receivedAt));
  },
};
