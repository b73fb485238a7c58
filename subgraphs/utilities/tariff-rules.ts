import type { FieldProblem } from '../../lib/errors.js';
import { type DecimalShape, parseDecimal } from '../../lib/money.js';
import type { TariffTier, TariffUnit, UtilityService } from '../../schema/utilities.js';

/**
 * The pure rules of tariffs (p.4.14): which units a service is priced in, the shape of a
 * volume scale, and the charge a scale gives for a volume. Money and volumes are exact:
 * decimals as strings in, integer ten-thousandths (prices, volumes) and tiyn (charges)
 * inside, never floating point.
 */

/** The units each service may be priced in: volume as measured, or per resident, m² or premise where the service has no meter. */
export const unitsOfService: Readonly<Record<UtilityService, readonly TariffUnit[]>> = {
  ELECTRICITY: ['KILOWATT_HOUR'],
  WATER_SUPPLY: ['CUBIC_METRE'],
  SEWERAGE: ['CUBIC_METRE'],
  GAS: ['CUBIC_METRE'],
  HEAT: ['GIGACALORIE', 'SQUARE_METRE'],
  WASTE_REMOVAL: ['RESIDENT', 'SQUARE_METRE'],
  LIFT_MAINTENANCE: ['SQUARE_METRE', 'PREMISE'],
};

/** Prices and volumes of tariffs: up to 10 integer digits (numeric(14, 4)) and 4 places, never negative. */
const decimal: DecimalShape = { places: 4, digits: 10 };

/** Whether `value` is a price or volume a caller may give: non-negative, up to 10 integer digits and 4 places. */
export function isDecimal(value: string): boolean {
  return parseDecimal(value, decimal) !== null;
}

/**
 * A decimal with up to 4 places (checked input, or a numeric the database printed) as an
 * integer count of ten-thousandths; anything else is a programming error, not the caller's.
 */
export function toTenThousandths(value: string): bigint {
  const units = parseDecimal(value, { places: 4, signed: true });
  if (units === null) throw new Error('toTenThousandths: not a decimal with up to 4 places.');
  return units;
}

/** Ten-thousandths back to a decimal with 4 places, as numeric(…, 4) prints it. */
export function fromTenThousandths(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 10_000n}.${String(abs % 10_000n).padStart(4, '0')}`;
}

/** Tiyn as tenge with 2 places: the one formatter of lib/money.ts, under the name utilities' callers use. */
export { tengeOf as tenge } from '../../lib/money.js';

/**
 * Checks a volume scale at `field`: every price a decimal, every step but the last bounded
 * above the previous one (so the steps are contiguous from 0), the last unbounded.
 * Returns the tiers normalized to 4 places.
 */
export function checkTiers(tiers: readonly TariffTier[], field: string, problems: FieldProblem[]): TariffTier[] {
  if (tiers.length === 0 || tiers.length > 10) {
    problems.push({ field, message: `${field} must have 1 to 10 steps.` });
    return [];
  }
  let previous = 0n;
  const normalized: TariffTier[] = [];
  tiers.forEach((tier, i) => {
    const at = `${field}[${i}]`;
    if (!isDecimal(tier.price)) {
      problems.push({
        field: `${at}.price`,
        message: `${at}.price must be a non-negative decimal with up to 10 integer digits and 4 decimal places, e.g. "12.5".`,
      });
    }
    const last = i === tiers.length - 1;
    if (last && tier.upTo != null) {
      problems.push({ field: `${at}.upTo`, message: `${at}.upTo must be absent: the last step has no upper bound.` });
    } else if (!last && (tier.upTo == null || !isDecimal(tier.upTo) || toTenThousandths(tier.upTo) <= previous)) {
      problems.push({
        field: `${at}.upTo`,
        message: `${at}.upTo must be a decimal volume above the previous step's bound (${fromTenThousandths(previous)}): steps run on from 0 without gaps.`,
      });
    }
    if (!last && tier.upTo != null && isDecimal(tier.upTo)) previous = toTenThousandths(tier.upTo);
    normalized.push({
      upTo: tier.upTo == null || !isDecimal(tier.upTo) ? null : fromTenThousandths(toTenThousandths(tier.upTo)),
      price: isDecimal(tier.price) ? fromTenThousandths(toTenThousandths(tier.price)) : tier.price,
    });
  });
  return normalized;
}

/** One step's share of a charge. */
export interface TierCharge {
  /** Volume charged at this step, 4 places. */
  volume: string;
  price: string;
  /** Tiyn, rounded half up. */
  amountTiyn: bigint;
}

/**
 * The charge for `volume` (a decimal) on a scale: each step takes the volume between its
 * bounds at its price; each step's amount is rounded half up to the tiyn.
 */
export function chargeByTiers(tiers: readonly TariffTier[], volume: string): { amountTiyn: bigint; lines: TierCharge[] } {
  let remaining = toTenThousandths(volume);
  let lower = 0n;
  const lines: TierCharge[] = [];
  for (const tier of tiers) {
    if (remaining <= 0n) break;
    const upper = tier.upTo == null ? null : toTenThousandths(tier.upTo);
    let take = remaining;
    if (upper != null && upper - lower < take) take = upper - lower;
    const price = toTenThousandths(tier.price);
    // volume (1e-4) × price (1e-4 tenge) = 1e-8 tenge; a tiyn is 1e-2 tenge: divide by 1e6, half up.
    const amountTiyn = (take * price + 500_000n) / 1_000_000n;
    lines.push({ volume: fromTenThousandths(take), price: tier.price, amountTiyn });
    remaining -= take;
    if (upper != null) lower = upper;
  }
  return { amountTiyn: lines.reduce((sum, line) => sum + line.amountTiyn, 0n), lines };
}

/** The day before an ISO date. */
export function dayBefore(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** The last day of the month starting on `month` (YYYY-MM-01). */
export function monthEnd(month: string): string {
  const date = new Date(`${month}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1, 0);
  return date.toISOString().slice(0, 10);
}
