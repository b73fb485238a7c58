import { parseId, parseOptionalId } from '../../../lib/ids.js';
import { byId, type PageArgs, parsePage, toConnection } from '../../../lib/pagination.js';
import type { UtilityService } from '../../../schema/utilities.js';
import type { Context } from '../context.js';
import { PersonalAccountRepository } from '../personal-account-repository.js';
import { SupplierRepository } from '../supplier-repository.js';
import { TariffRepository } from '../tariff-repository.js';

interface PersonalAccountFilterArgs {
  supplierId?: string | null;
  buildingId?: string | null;
  service?: UtilityService | null;
  accountNumber?: string | null;
}

export const Query = {
  async suppliers(_parent: unknown, args: PageArgs & { service?: UtilityService | null }, context: Context) {
    const page = parsePage(args, 'suppliers', 'suppliers');
    const rows = await new SupplierRepository(context.db).page({
      limit: page.first + 1,
      after: page.after?.id ?? null,
      service: args.service ?? null,
    });
    return toConnection('suppliers', rows, page, byId);
  },

  supplier(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.supplierById.load(parseId(args.id, 'id', 'a supplier'));
  },

  async tariffs(
    _parent: unknown,
    args: PageArgs & { filter?: { supplierId?: string | null; service?: UtilityService | null } | null },
    context: Context,
  ) {
    const page = parsePage(args, 'tariffs', 'tariffs');
    const supplierId = parseOptionalId(args.filter?.supplierId, 'filter.supplierId', 'a supplier');
    const rows = await new TariffRepository(context.db).publishedPage({
      limit: page.first + 1,
      after: page.after?.id ?? null,
      supplierId,
      service: args.filter?.service ?? null,
    });
    return toConnection('tariffs', rows, page, byId);
  },

  async personalAccounts(_parent: unknown, args: PageArgs & { filter?: PersonalAccountFilterArgs | null }, context: Context) {
    const page = parsePage(args, 'personalAccounts', 'accounts');
    const filter = {
      supplierId: parseOptionalId(args.filter?.supplierId, 'filter.supplierId', 'a supplier'),
      buildingId: parseOptionalId(args.filter?.buildingId, 'filter.buildingId', 'a building'),
      service: args.filter?.service ?? null,
      accountNumber: args.filter?.accountNumber ?? null,
    };
    const rows = await new PersonalAccountRepository(context.db).page({
      limit: page.first + 1,
      after: page.after?.id ?? null,
      filter,
      scope: context.loaders.accountScope,
    });
    return toConnection('personalAccounts', rows, page, byId);
  },

  personalAccount(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.accountById.load(parseId(args.id, 'id', 'a personal account'));
  },
};
