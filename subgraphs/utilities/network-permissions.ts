import type { EntityPolicy } from '../../lib/auth/entities.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { grantsForSubject, hasFunction } from '../../lib/auth/scope.js';
import { type IRules, isOpenPart, relyOnGrants, rule, visibleWithParent } from '../../lib/auth/shield.js';
import { forbidden, notFound, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import type { Context } from './context.js';
import { readsAnyNetworkLinks, readsLinksOf } from './network-manager.js';
import type { NetworkRow } from './network-repository.js';

/**
 * Who may do what with engineering networks (merged into permissions.ts): their figures are
 * the open part; which buildings a network serves is read by its owner, national bodies and
 * the local executive body of its territory (network-manager.ts); placing and changing a
 * network needs ENGINEERING_NETWORKS_MAINTAIN for its owner, relied on and re-checked.
 */

const fn = AccessFunction.EngineeringNetworksMaintain;

/** Refused for a caller whose scope reaches no network's buildings. */
const mayReadAnyLinks = rule({ cache: 'contextual' })((_parent, _args, context: Context) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  return readsAnyNetworkLinks(context.loaders.networks.scope)
    ? true
    : forbidden(
        `Which buildings a network serves is read by its owner (${fn}), national bodies with ANALYTICS_READ and the local executive body of its territory.`,
      );
});

/** Per network: its buildings for the owner, national bodies and its territory's local executive body. */
const mayReadLinksOf = rule({ cache: 'no_cache' })((network: NetworkRow, _args, context: Context) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  return readsLinksOf(context.loaders.networks.scope, network)
    ? true
    : forbidden(
        `Which buildings this network serves is read by its owner (${fn}), national bodies with ANALYTICS_READ and the local executive body of its territory.`,
      );
});

/** Relies on the caller's grants of ENGINEERING_NETWORKS_MAINTAIN for the owner `ownerOf` finds. */
function keepsNetworksOf(
  ownerOf: (args: Record<string, unknown>, context: Context) => Promise<string | null>,
  missing: { what: string; field: string },
) {
  return rule({ cache: 'no_cache' })(async (_parent, args, context: Context) => {
    const { caller } = context;
    if (caller.kind === 'anonymous') return unauthenticated();
    if (!hasFunction(caller, fn)) return forbidden(`This operation needs ${fn}.`);
    const subjectId = await ownerOf(args, context);
    if (!subjectId) return notFound(missing.what, missing.field);
    return relyOnGrants(grantsForSubject(caller, fn, subjectId), () =>
      forbidden(`You may use ${fn} only for the networks of the suppliers you act for.`),
    );
  });
}

const placesNetwork = keepsNetworksOf(
  async (args, context) => {
    const supplier = await context.loaders.supplierById.load(parseId(args.supplierId, 'supplierId', 'a supplier'));
    return supplier?.subjectId ?? null;
  },
  { what: 'The supplier', field: 'supplierId' },
);

const changesNetwork = keepsNetworksOf(
  async (args, context) => {
    const network = await context.loaders.networks.byId.load(parseId(args.id, 'id', 'an engineering network'));
    return network?.supplierSubjectId ?? null;
  },
  { what: 'The engineering network', field: 'id' },
);

/** `_entities`: networks are open; their `buildings` carry their own rule. */
export const networkEntityPolicy: Record<string, EntityPolicy<Context>> = {
  EngineeringNetwork: () => true,
};

export const networkPermissions = {
  Query: { engineeringNetworks: isOpenPart, engineeringNetwork: isOpenPart },
  Mutation: { placeEngineeringNetwork: placesNetwork, updateEngineeringNetwork: changesNetwork },
  Building: { engineeringNetworks: mayReadAnyLinks },
  Region: { engineeringNetworks: isOpenPart },
  types: {
    EngineeringNetwork: { '*': isOpenPart, buildings: mayReadLinksOf },
    EngineeringNetworkConnection: { '*': isOpenPart },
    EngineeringNetworkEdge: { '*': isOpenPart },
    EngineeringNetworkPayload: { '*': visibleWithParent },
  },
} satisfies Record<string, IRules>;
