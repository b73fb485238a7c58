import { badUserInput } from '../../../lib/errors.js';
import { parseId } from '../../../lib/ids.js';
import type { Context } from '../context.js';
import { normalizeVerificationCode } from '../signed-publication.js';

export const Query = {
  /** Empty for a building with no assignment, also for an id no building has (a look-up of nothing is not an error). */
  managementHistory(_parent: unknown, args: { buildingId: string }, context: Context) {
    return context.loaders.managementHistory.load(parseId(args.buildingId, 'buildingId', 'a building'));
  },

  document(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.documentById.load(parseId(args.id, 'id', 'a document'));
  },

  /** Only published records verify; a signed draft is nobody's business but its manager's. */
  async verifyPublication(_parent: unknown, args: { id?: string | null; code?: string | null }, context: Context) {
    const hasId = args.id !== undefined && args.id !== null;
    const hasCode = args.code !== undefined && args.code !== null;
    if (hasId === hasCode) throw badUserInput({ field: 'id', message: 'Give exactly one of id and code.' });
    if (hasCode) {
      const code = normalizeVerificationCode(args.code as string);
      if (!code)
        throw badUserInput({ field: 'code', message: 'code must be the 12 letters and digits printed on paper, e.g. 7KQ2-M9XD-4TRA.' });
      return context.loaders.publishedByCode.load(code);
    }
    const row = await context.loaders.publicationByRecord.load(parseId(args.id, 'id', 'a report or protocol'));
    return row?.publishedAt ? row : null;
  },
};
