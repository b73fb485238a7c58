import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import type { UtilitiesLoaders } from '../loaders.js';
import type { TariffRow } from '../tariff-repository.js';

type Context = SubgraphContext<UtilitiesLoaders>;

export const Tariff = {
  supplier(parent: TariffRow, _args: unknown, context: Context) {
    return context.loaders.supplierById.load(parent.supplierId);
  },
};
