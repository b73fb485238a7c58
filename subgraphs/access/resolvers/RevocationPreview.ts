import type { Context } from '../context.js';
import type { RevocationPreview as Preview } from '../grant-lifecycle-manager.js';
import { loadAll } from '../loaders.js';

export const RevocationPreview = {
  grant: (preview: Preview, _: unknown, context: Context) => context.loaders.grantById.load(preview.grantId),
  digitalObjects: (preview: Preview, _: unknown, context: Context) => loadAll(context.loaders.digitalObjectById, preview.digitalObjectIds),
};
