import { isKatoCode } from '../../../lib/kato.js';
import { managementForm } from '../../../schema/condominium.js';
import type { Context } from '../context.js';

/** The buildings subgraph owns territories; this one counts the management of their buildings. */
export const Region = {
  /** A code that is not a KATO code refers to nothing: null. */
  __resolveReference(reference: { katoCode: unknown }) {
    return isKatoCode(reference.katoCode) ? { katoCode: reference.katoCode } : null;
  },
  async managementForms(region: { katoCode: string }, _args: unknown, context: Context) {
    const counts = await context.loaders.managementCounts.load(region.katoCode);
    return managementForm.enumValues.map((form) => ({ form, buildingCount: counts.get(form) ?? 0 }));
  },
  async unmanagedBuildingCount(region: { katoCode: string }, _args: unknown, context: Context) {
    return (await context.loaders.managementCounts.load(region.katoCode)).get(null) ?? 0;
  },
};
