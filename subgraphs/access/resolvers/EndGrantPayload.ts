import type { Context } from '../context.js';
import type { EndResult } from '../grant-lifecycle-manager.js';
import { loadAll } from '../loaders.js';

export const EndGrantPayload = {
  endedGrants: (payload: EndResult, _: unknown, context: Context) =>
    loadAll(
      context.loaders.grantById,
      payload.ended.map((grant) => grant.id),
    ),
  disabledDigitalObjects: (payload: EndResult, _: unknown, context: Context) =>
    loadAll(context.loaders.digitalObjectById, payload.disabledDigitalObjectIds),
};
