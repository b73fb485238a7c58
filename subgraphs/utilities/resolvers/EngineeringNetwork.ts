import type { GraphQLResolveInfo } from 'graphql';
import { badUserInput } from '../../../lib/errors.js';
import { parseId, parseOptionalId } from '../../../lib/ids.js';
import { katoCodeProblem, katoPrefix } from '../../../lib/kato.js';
import { byId, type PageArgs, parsePage, toConnection } from '../../../lib/pagination.js';
import { placeWrite } from '../../../lib/write.js';
import type { NetworkKind } from '../../../schema/utilities.js';
import type { Context } from '../context.js';
import { type EngineeringNetworkInput, NetworkManager } from '../network-manager.js';
import type { NetworkRow } from '../network-repository.js';

/** Most buildings of one network, and networks of one region, in one answer. */
const MAX_PER_PARENT = 500;

interface NetworkFilterArgs {
  supplierId?: string | null;
  kind?: NetworkKind | null;
  katoCode?: string | null;
}

/** Root fields of engineering networks (merged into Query by definition.ts). */
export const NetworkQuery = {
  async engineeringNetworks(_parent: unknown, args: PageArgs & { filter?: NetworkFilterArgs | null }, context: Context) {
    const page = parsePage(args, 'engineeringNetworks', 'networks');
    const katoCode = args.filter?.katoCode ?? null;
    const katoProblem = katoCodeProblem('filter.katoCode', katoCode);
    if (katoProblem) throw badUserInput(katoProblem);
    const filter = {
      supplierId: parseOptionalId(args.filter?.supplierId, 'filter.supplierId', 'a supplier'),
      kind: args.filter?.kind ?? null,
      katoPrefix: katoCode === null ? null : katoPrefix(katoCode),
    };
    const rows = await context.loaders.networks.page.load({ after: page.after?.id ?? null, limit: page.first + 1, filter });
    return toConnection('engineeringNetworks', rows, page, byId);
  },
  engineeringNetwork(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.networks.byId.load(parseId(args.id, 'id', 'an engineering network'));
  },
};

// Networks are not (yet) a type of the change feed: their writes declare no changes.
/** Mutations of engineering networks (merged into Mutation by definition.ts). */
export const NetworkMutation = {
  placeEngineeringNetwork(
    _parent: unknown,
    args: { supplierId: string; input: EngineeringNetworkInput },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const supplierId = parseId(args.supplierId, 'supplierId', 'a supplier');
    return placeWrite(context, info, {
      operation: 'utilities.placeEngineeringNetwork',
      run: async (tx) => {
        const network = await new NetworkManager(tx).place(supplierId, args.input, context.receivedAt);
        return { payload: { network }, objectIds: [network.id] };
      },
    });
  },
  updateEngineeringNetwork(
    _parent: unknown,
    args: { id: string; input: EngineeringNetworkInput; expectedVersion?: number | null },
    context: Context,
    info: GraphQLResolveInfo,
  ) {
    const id = parseId(args.id, 'id', 'an engineering network');
    return placeWrite(context, info, {
      operation: 'utilities.updateEngineeringNetwork',
      run: async (tx) => {
        const network = await new NetworkManager(tx).update(id, args.input, args.expectedVersion, context.receivedAt);
        return { payload: { network }, objectIds: [id] };
      },
    });
  },
};

export const EngineeringNetwork = {
  __resolveReference(reference: { id: string }, context: Context) {
    return context.loaders.networks.byId.load(reference.id);
  },
  owner(network: NetworkRow, _args: unknown, context: Context) {
    return context.loaders.supplierById.load(network.supplierId);
  },
  territory(network: NetworkRow) {
    return { katoCode: network.territoryKato };
  },
  async buildings(network: NetworkRow, args: { first?: number | null }, context: Context) {
    const { first } = parsePage({ first: args.first }, 'networkBuildings', 'buildings of a network', MAX_PER_PARENT);
    const ids = await context.loaders.networks.buildingsOf.load(`${first}:${network.id}`);
    return ids.map((id) => ({ id }));
  },
};

/** `Building.engineeringNetworks` (merged into Building by definition.ts). */
export const NetworkBuilding = {
  engineeringNetworks(parent: { id: string }, _args: unknown, context: Context) {
    return context.loaders.networks.byBuilding.load(parent.id);
  },
};

/** `Region.engineeringNetworks` (merged into Region by definition.ts). */
export const NetworkRegion = {
  engineeringNetworks(parent: { katoCode: string }, args: { first?: number | null }, context: Context) {
    const { first } = parsePage({ first: args.first }, 'regionNetworks', 'networks of a territory', MAX_PER_PARENT);
    return context.loaders.networks.ofRegion.load(`${first}:${parent.katoCode}`);
  },
};
