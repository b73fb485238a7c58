import type { Context } from '../context.js';
import type { SuspensionResult } from '../grant-lifecycle-manager.js';
import { loadAll } from '../loaders.js';

export const GrantTransitionPayload = {
  affectedGrants: (payload: SuspensionResult, _: unknown, context: Context) => loadAll(context.loaders.grantById, payload.affectedGrantIds),
};
