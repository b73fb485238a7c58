import type { Context } from '../context.js';
import type { TariffRow } from '../tariff-repository.js';

export const Tariff = {
  supplier(tariff: TariffRow, _args: unknown, context: Context) {
    return context.loaders.supplierById.load(tariff.supplierId);
  },
};
