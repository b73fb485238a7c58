import type { Context } from '../context.js';
import type { SupplierRow } from '../supplier-repository.js';

export const Supplier = {
  __resolveReference(reference: { id: string }, context: Context) {
    return context.loaders.supplierById.load(reference.id);
  },
  tariffs(supplier: SupplierRow, _args: unknown, context: Context) {
    return context.loaders.publishedTariffsBySupplier.load(supplier.id);
  },
};
