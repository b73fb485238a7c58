import type { ChargeRow } from '../billing-manager.js';
import { tenge } from '../tariff-rules.js';

export const Charge = {
  amount(charge: ChargeRow) {
    return tenge(charge.amountTiyn);
  },
};
