import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import type { UtilitiesLoaders } from '../loaders.js';
import type { SupplierRow } from '../supplier-repository.js';

type Context = SubgraphContext<UtilitiesLoaders>;

export const Supplier = {
  __resolveReference(reference: { id: string }, context: Context) {
    return context.loaders.supplierById.load(reference.id);
  },
  tariffs(parent: SupplierRow, _args: unknown, context: Context) {
    return context.loaders.publishedTariffsBySupplier.load(parent.id);
  },
};
