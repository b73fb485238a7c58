import type { GraphQLResolveInfo } from 'graphql';
import { env } from '../../../lib/env.js';
import { badUserInput } from '../../../lib/errors.js';
import { parseId } from '../../../lib/ids.js';
import { decodeSequenceCursor, encodeSequenceCursor } from '../../../lib/pagination.js';
import { isTestingStand, runWrite } from '../../../lib/write.js';
import type { Context } from '../context.js';
import { ExportManager } from '../export-manager.js';
import type { ExportKind } from '../export-repository.js';
import { CHANGES_LIST } from '../webhook-dispatch.js';
import { type CreateSubscriptionInput, WebhookManager } from '../webhook-manager.js';

/** The manager acting for this request's caller inside the write's transaction. */
const managerFor = (context: Context, tx: Parameters<Parameters<typeof runWrite>[2]['run']>[0]) =>
  new WebhookManager(tx, context.caller, { allowPrivateTargets: env().WEBHOOK_ALLOW_PRIVATE_TARGETS });

/**
 * Subscriptions change through `runWrite` (the write path without a receipt: they place no
 * information): one transaction that re-checks what the rule relied on, the testing stand
 * included (`testRun`: a digital object in TESTING keeps nothing).
 */
export const Mutation = {
  createWebhookSubscription(_parent: unknown, args: { input: CreateSubscriptionInput }, context: Context, info: GraphQLResolveInfo) {
    return runWrite(context, info, {
      operation: 'integration.createWebhookSubscription',
      run: async (tx) => {
        const { subscription, signingSecret } = await managerFor(context, tx).create(args.input);
        return { payload: { subscription, signingSecret, testRun: isTestingStand(context.caller) }, objectIds: [subscription.id] };
      },
    });
  },

  requestExport(_parent: unknown, args: { kind: ExportKind; katoCode?: string | null }, context: Context, info: GraphQLResolveInfo) {
    return runWrite(context, info, {
      operation: 'integration.requestExport',
      run: async (tx) => {
        const row = await new ExportManager(tx, context.caller).request(args.kind, args.katoCode ?? null);
        return { payload: { export: row }, objectIds: [row.id] };
      },
    });
  },

  pauseWebhookSubscription(_parent: unknown, args: { id: string }, context: Context, info: GraphQLResolveInfo) {
    const id = parseId(args.id, 'id', 'a webhook subscription');
    return runWrite(context, info, {
      operation: 'integration.pauseWebhookSubscription',
      run: async (tx) => ({
        payload: { subscription: await managerFor(context, tx).pause(id), testRun: isTestingStand(context.caller) },
        objectIds: [id],
      }),
    });
  },

  resumeWebhookSubscription(_parent: unknown, args: { id: string }, context: Context, info: GraphQLResolveInfo) {
    const id = parseId(args.id, 'id', 'a webhook subscription');
    return runWrite(context, info, {
      operation: 'integration.resumeWebhookSubscription',
      run: async (tx) => ({
        payload: { subscription: await managerFor(context, tx).resume(id), testRun: isTestingStand(context.caller) },
        objectIds: [id],
      }),
    });
  },

  replayWebhookSubscription(_parent: unknown, args: { id: string; after: string }, context: Context, info: GraphQLResolveInfo) {
    const id = parseId(args.id, 'id', 'a webhook subscription');
    const after = decodeSequenceCursor(CHANGES_LIST, args.after);
    if (after === null)
      throw badUserInput({
        field: 'after',
        message: 'after must be a cursor of changes (an endCursor, an edge cursor or a delivery’s change.cursor).',
      });
    return runWrite(context, info, {
      operation: 'integration.replayWebhookSubscription',
      run: async (tx) => {
        const { subscription, positions, hasMore } = await managerFor(context, tx).replay(id, after);
        const last = positions.at(-1);
        return {
          payload: {
            subscription,
            replayed: positions.length,
            lastCursor: last === undefined ? null : encodeSequenceCursor(CHANGES_LIST, last),
            hasMore,
            testRun: isTestingStand(context.caller),
          },
          objectIds: [id],
        };
      },
    });
  },

  deleteWebhookSubscription(_parent: unknown, args: { id: string }, context: Context, info: GraphQLResolveInfo) {
    const id = parseId(args.id, 'id', 'a webhook subscription');
    return runWrite(context, info, {
      operation: 'integration.deleteWebhookSubscription',
      run: async (tx) => {
        await managerFor(context, tx).delete(id);
        return { payload: { id, testRun: isTestingStand(context.caller) }, objectIds: [id] };
      },
    });
  },
};
