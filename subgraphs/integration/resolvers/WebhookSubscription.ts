import { parsePage } from '../../../lib/pagination.js';
import type { Context } from '../context.js';
import type { DeliveryRow, SubscriptionRow } from '../webhook-repository.js';

/** A subscription is served from its row; never its signing secret (it is shown once, at creation). */
export const WebhookSubscription = {
  deliveries(row: SubscriptionRow, args: { status?: DeliveryRow['status'] | null; first?: number | null }, context: Context) {
    const { first } = parsePage({ first: args.first }, 'deliveries', 'deliveries');
    return context.loaders.deliveries.load(`${args.status ?? ''}:${first}:${row.id}`);
  },
};

/** Positions go out as strings, as in the feed. */
export const WebhookDelivery = {
  position: (row: DeliveryRow) => String(row.position),
};
