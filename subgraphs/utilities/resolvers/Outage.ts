import type { GraphQLResolveInfo } from 'graphql';
import { badUserInput } from '../../../lib/errors.js';
import { parseId, parseOptionalId } from '../../../lib/ids.js';
import { katoCodeProblem, katoPrefix } from '../../../lib/kato.js';
import { byId, type PageArgs, parsePage, toConnection } from '../../../lib/pagination.js';
import { placeWrite } from '../../../lib/write.js';
import type { Context } from '../context.js';
import { type OutageInputArgs, OutageManager } from '../outage-manager.js';
import type { OutageRow } from '../outage-repository.js';

/** Most outages of one territory, and buildings of one outage, in one answer. */
const MAX_PER_PARENT = 500;

interface OutageFilterArgs {
  supplierId?: string | null;
  buildingId?: string | null;
  katoCode?: string | null;
  notEndedAt?: Date | null;
}

/** Root fields of outages (merged into Query by definition.ts). */
export const OutageQuery = {
  async outages(_parent: unknown, args: PageArgs & { filter?: OutageFilterArgs | null }, context: Context) {
    const page = parsePage(args, 'outages', 'outages');
    const katoCode = args.filter?.katoCode ?? null;
    const katoProblem = katoCodeProblem('filter.katoCode', katoCode);
    if (katoProblem) throw badUserInput(katoProblem);
    const filter = {
      supplierId: parseOptionalId(args.filter?.supplierId, 'filter.supplierId', 'a supplier'),
      buildingId: parseOptionalId(args.filter?.buildingId, 'filter.buildingId', 'a building'),
      katoPrefix: katoCode === null ? null : katoPrefix(katoCode),
      notEndedAt: args.filter?.notEndedAt ?? null,
    };
    const rows = await context.loaders.consumers.outagePage.load({ after: page.after?.id ?? null, limit: page.first + 1, filter });
    return toConnection('outages', rows, page, byId);
  },
};

/** Mutations of outages (merged into Mutation by definition.ts). Outages are not (yet) a type of the change feed. */
export const OutageMutation = {
  publishOutage(_parent: unknown, args: { supplierId: string; input: OutageInputArgs }, context: Context, info: GraphQLResolveInfo) {
    const supplierId = parseId(args.supplierId, 'supplierId', 'a supplier');
    return placeWrite(context, info, {
      operation: 'utilities.publishOutage',
      run: async (tx) => {
        const outage = await new OutageManager(tx).publish(supplierId, args.input);
        return { payload: { outage }, objectIds: [outage.id] };
      },
    });
  },
  updateOutage(
    _parent: unknown,
    args: { id: string; input: OutageInputArgs; expectedVersion?: number | null },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const id = parseId(args.id, 'id', 'an outage');
    return placeWrite(context, info, {
      operation: 'utilities.updateOutage',
      run: async (tx) => {
        const outage = await new OutageManager(tx).update(id, args.input, args.expectedVersion);
        return { payload: { outage }, objectIds: [id] };
      },
    });
  },
};

export const Outage = {
  __resolveReference(reference: { id: string }, context: Context) {
    return context.loaders.consumers.outageById.load(reference.id);
  },
  supplier(outage: OutageRow, _args: unknown, context: Context) {
    return context.loaders.supplierById.load(outage.supplierId);
  },
  async buildings(outage: OutageRow, args: { first?: number | null }, context: Context) {
    const { first } = parsePage({ first: args.first }, 'outageBuildings', 'buildings of an outage', MAX_PER_PARENT);
    return (await context.loaders.consumers.outageBuildings.load(`${first}:${outage.id}`)).map((id) => ({ id }));
  },
};

/** `Building.outages` (merged into Building by definition.ts). */
export const OutageBuilding = {
  outages(parent: { id: string }, _args: unknown, context: Context) {
    return context.loaders.consumers.outagesByBuilding.load(parent.id);
  },
};

/** `Region.outages` (merged into Region by definition.ts). */
export const OutageRegion = {
  outages(parent: { katoCode: string }, args: { first?: number | null }, context: Context) {
    const { first } = parsePage({ first: args.first }, 'regionOutages', 'outages of a territory', MAX_PER_PARENT);
    return context.loaders.consumers.outagesOfRegion.load(`${first}:${parent.katoCode}`);
  },
};

/** `Premise.outages` and `Premise.personalAccounts` (merged into Premise by definition.ts). */
export const OutagePremise = {
  async outages(parent: { id: string }, _args: unknown, context: Context) {
    const buildingId = await context.loaders.consumers.buildingOfPremise.load(parent.id);
    return buildingId ? context.loaders.consumers.outagesByBuilding.load(buildingId) : [];
  },
  personalAccounts(parent: { id: string }, _args: unknown, context: Context) {
    return context.loaders.consumers.accountsByPremise.load(parent.id);
  },
};
