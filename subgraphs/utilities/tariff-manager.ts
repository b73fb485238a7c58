import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import { isKatoCode, katoPrefix, withinTerritory } from '../../lib/kato.js';
import type { ConsumerCategory, TariffTier, TariffUnit, UtilityService } from '../../schema/utilities.js';
import { SupplierManager } from './supplier-manager.js';
import { type NewTariff, TariffRepository, type TariffRow } from './tariff-repository.js';
import { checkTiers, dayBefore, isDecimal, monthEnd, unitsOfService } from './tariff-rules.js';

/** `PublishTariffInput` as the client sends it. */
export interface PublishTariffInput {
  supplierId: string;
  service: UtilityService;
  /** A flat price: one unbounded step. Exactly one of this and `tiers`. */
  pricePerUnit?: string | null;
  tiers?: TariffTier[] | null;
  unit: TariffUnit;
  territoryKato?: string | null;
  consumerCategory?: ConsumerCategory | null;
  validFrom: string;
  validTo?: string | null;
}

/** What publishing did: the new tariff, and the open-ended one it ended the day before it starts, if any. */
export interface Published {
  tariff: TariffRow;
  superseded: TariffRow | null;
}

/** Tariffs of suppliers (category 14). */
export class TariffManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Publishes a tariff of an existing supplier for a service it offers (`createdBy` is the
   * actor placing it). A tariff never rewrites the past: it may not start on or before the
   * last day of the supplier's latest closed billing period. It may not overlap a published
   * tariff of the same supplier, service, territory and category, except that an
   * open-ended one that started earlier is ended the day before the new one starts.
   */
  async publish(input: PublishTariffInput, createdBy: string): Promise<Published> {
    const supplier = await new SupplierManager(this.executor).existing(parseId(input.supplierId, 'input.supplierId'), 'input.supplierId');
    const problems: FieldProblem[] = [];
    let tiers: TariffTier[] = [];
    if ((input.pricePerUnit == null) === (input.tiers == null)) {
      problems.push({
        field: 'input.tiers',
        message: 'Give exactly one of input.pricePerUnit (a flat price) and input.tiers (a volume scale).',
      });
    } else if (input.pricePerUnit != null) {
      if (!isDecimal(input.pricePerUnit)) {
        problems.push({
          field: 'input.pricePerUnit',
          message: 'input.pricePerUnit must be a non-negative decimal with up to 10 integer digits and 4 decimal places, e.g. "123.45".',
        });
      } else {
        tiers = checkTiers([{ upTo: null, price: input.pricePerUnit }], 'input.tiers', problems);
      }
    } else if (input.tiers != null) {
      tiers = checkTiers(input.tiers, 'input.tiers', problems);
    }
    if (!supplier.services.includes(input.service)) {
      problems.push({
        field: 'input.service',
        message: `input.service: ${input.service} is not a service this supplier offers (${supplier.services.join(', ')}).`,
      });
    }
    const units = unitsOfService[input.service];
    if (!units.includes(input.unit)) {
      problems.push({
        field: 'input.unit',
        message: `input.unit: ${input.service} is priced per ${units.join(' or ')}, not ${input.unit}.`,
      });
    }
    const territoryKato = input.territoryKato ?? null;
    if (territoryKato != null && !isKatoCode(territoryKato)) {
      problems.push({ field: 'input.territoryKato', message: 'input.territoryKato must be a 9-digit KATO code.' });
    }
    const validTo = input.validTo ?? null;
    if (validTo != null && validTo < input.validFrom) {
      problems.push({ field: 'input.validTo', message: 'input.validTo must not be before input.validFrom.' });
    }
    if (problems.length > 0) throw badUserInput(problems);

    const tariff: NewTariff = {
      supplierId: supplier.id,
      service: input.service,
      pricePerUnit: tiers[0]?.price ?? '0',
      unit: input.unit,
      territoryKato,
      consumerCategory: input.consumerCategory ?? 'HOUSEHOLD',
      tiers,
      validFrom: input.validFrom,
      validTo,
      createdBy,
    };
    const repository = new TariffRepository(this.executor);
    await repository.lockSupplier(supplier.id);
    const closed = await repository.lastClosedMonth(supplier.id);
    if (closed != null && input.validFrom <= monthEnd(closed)) {
      throw badUserInput({
        field: 'input.validFrom',
        message: `input.validFrom must be after ${monthEnd(closed)}: the billing period of ${closed.slice(0, 7)} is closed, and a tariff never rewrites a closed period.`,
      });
    }
    const overlapping = await repository.overlapping(tariff);
    const [first] = overlapping;
    let superseded: TariffRow | null = null;
    if (overlapping.length === 1 && first && first.validTo == null && first.validFrom < tariff.validFrom) {
      superseded = await repository.endOn(first.id, dayBefore(tariff.validFrom));
    } else if (first) {
      throw conflict(
        `Tariff ${first.id} (from ${first.validFrom}${first.validTo ? ` to ${first.validTo}` : ''}) of the same supplier, service, territory and consumer category overlaps this period; publish a period that does not meet it.`,
        'input.validFrom',
      );
    }
    return { tariff: await repository.insertPublished(tariff), superseded };
  }

  /** The feed's declarations (p.32): the tariff created and the one it ended, owned by the supplier's subject, in the tariff's territory. */
  async changesOf(published: Published): Promise<ChangeDeclaration[]> {
    const supplier = await new SupplierManager(this.executor).existing(published.tariff.supplierId, 'input.supplierId');
    const change = (tariff: TariffRow, operation: 'CREATED' | 'UPDATED'): ChangeDeclaration => ({
      type: 'TARIFF',
      id: tariff.id,
      operation,
      subjectId: supplier.subjectId,
      katoCode: tariff.territoryKato,
    });
    return [change(published.tariff, 'CREATED'), ...(published.superseded ? [change(published.superseded, 'UPDATED')] : [])];
  }
}

/**
 * The tariff that applies to an account at `katoCode` on `day` among `candidates` (one
 * supplier, service and category): in force that day, covering the code, the most specific
 * territory winning (a settlement's over its district's over the supplier-wide one).
 */
export function pickTariff(candidates: readonly TariffRow[], katoCode: string | null, day: string): TariffRow | null {
  let best: TariffRow | null = null;
  let bestDepth = -1;
  for (const tariff of candidates) {
    if (tariff.validFrom > day || (tariff.validTo != null && tariff.validTo < day)) continue;
    let depth = 0;
    if (tariff.territoryKato != null) {
      if (katoCode == null || !withinTerritory(tariff.territoryKato, katoCode)) continue;
      depth = katoPrefix(tariff.territoryKato).length;
    }
    if (depth > bestDepth) {
      best = tariff;
      bestDepth = depth;
    }
  }
  return best;
}
