import { parsePage } from '../../../lib/pagination.js';
import type { Context } from '../context.js';
import type { SupplierRow } from '../supplier-repository.js';

/** Most buildings served listed in one answer. */
const MAX_BUILDINGS_SERVED = 500;

export const Supplier = {
  __resolveReference(reference: { id: string }, context: Context) {
    return context.loaders.supplierById.load(reference.id);
  },
  tariffs(supplier: SupplierRow, _args: unknown, context: Context) {
    return context.loaders.publishedTariffsBySupplier.load(supplier.id);
  },
  territories(supplier: SupplierRow) {
    return supplier.territoryKatos.map((katoCode) => ({ katoCode }));
  },
  async buildingsServed(supplier: SupplierRow, args: { first?: number | null }, context: Context) {
    const { first } = parsePage({ first: args.first }, 'buildingsServed', 'buildings served', MAX_BUILDINGS_SERVED);
    const ids = await context.loaders.buildingsServed.load(`${first}:${supplier.id}`);
    return ids.map((id) => ({ id }));
  },
  contacts(supplier: SupplierRow) {
    const { legalAddress, phone, email, website } = supplier;
    return legalAddress || phone || email || website ? { legalAddress, phone, email, website } : null;
  },
  bankDetails(supplier: SupplierRow) {
    if (!supplier.iban || !supplier.bankName || !supplier.bankBic || !supplier.beneficiaryCode) return null;
    return { bankName: supplier.bankName, bic: supplier.bankBic, iban: supplier.iban, beneficiaryCode: supplier.beneficiaryCode };
  },
};

/** The buildings subgraph owns territories; this one adds what is kept per territory. */
export const Region = {
  __resolveReference(reference: { katoCode: string }) {
    return { katoCode: reference.katoCode };
  },
};
