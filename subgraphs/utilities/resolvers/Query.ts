import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import { isUuid } from '../../../lib/uuid.js';
import type { UtilityService } from '../../../schema/utilities.js';
import type { UtilitiesLoaders } from '../loaders.js';
import { decodeCursor, pageSize, toConnection } from '../pagination.js';
import { PersonalAccountRepository, type AccountFilter } from '../personal-account-repository.js';
import { SupplierRepository } from '../supplier-repository.js';
import { TariffRepository } from '../tariff-repository.js';

type Context = SubgraphContext<UtilitiesLoaders>;
interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export const Query = {
  async suppliers(_parent: unknown, args: PageArgs & { service?: UtilityService | null }, context: Context) {
    const first = pageSize(args.first);
    const after = decodeCursor(args.after);
    const rows = await new SupplierRepository(context.db).page({ limit: first + 1, after, service: args.service ?? null });
    return toConnection(rows, first, after);
  },

  supplier(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.supplierById.load(args.id);
  },

  async tariffs(_parent: unknown, args: PageArgs & { filter?: { supplierId?: string | null; service?: UtilityService | null } | null }, context: Context) {
    const first = pageSize(args.first);
    const after = decodeCursor(args.after);
    const supplierId = args.filter?.supplierId ?? null;
    if (supplierId !== null && !isUuid(supplierId)) return toConnection([], first, after);
    const rows = await new TariffRepository(context.db).publishedPage({ limit: first + 1, after, supplierId, service: args.filter?.service ?? null });
    return toConnection(rows, first, after);
  },

  async personalAccounts(_parent: unknown, args: PageArgs & { filter?: AccountFilter | null }, context: Context) {
    const first = pageSize(args.first);
    const after = decodeCursor(args.after);
    const filter = args.filter ?? {};
    // An id that cannot exist matches nothing, rather than failing in SQL.
    if ((filter.supplierId && !isUuid(filter.supplierId)) || (filter.buildingId && !isUuid(filter.buildingId))) return toConnection([], first, after);
    const rows = await new PersonalAccountRepository(context.db).page({ limit: first + 1, after, filter, scope: context.loaders.accountScope });
    return toConnection(rows, first, after);
  },

  personalAccount(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.accountById.load(args.id);
  },
};
