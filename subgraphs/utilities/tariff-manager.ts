import type { BulkCall, BulkMode } from '../../lib/bulk.js';
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
    const tariff = tariffOf(input, supplier, createdBy, (field) => `input.${field}`, problems);
    if (!tariff || problems.length > 0) throw badUserInput(problems);
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

/** A tariff's own fields as the client sends them (`PublishTariffInput`, `TariffInput`). */
export type TariffFields = Omit<PublishTariffInput, 'supplierId'>;

/**
 * Checks a tariff's own fields against its supplier (no statement): exactly one of a flat
 * price and a scale, a service the supplier offers, a unit of the service, a KATO code, a
 * period in order. Problems go to `problems` with fields named by `name`; returns the tariff
 * to store, or null when the fields cannot make one.
 */
export function tariffOf(
  input: TariffFields,
  supplier: { id: string; services: readonly UtilityService[] },
  createdBy: string,
  name: (field: string) => string,
  problems: FieldProblem[],
): NewTariff | null {
  const before = problems.length;
  let tiers: TariffTier[] = [];
  if ((input.pricePerUnit == null) === (input.tiers == null)) {
    problems.push({
      field: name('tiers'),
      message: `Give exactly one of ${name('pricePerUnit')} (a flat price) and ${name('tiers')} (a volume scale).`,
    });
  } else if (input.pricePerUnit != null) {
    if (!isDecimal(input.pricePerUnit)) {
      problems.push({
        field: name('pricePerUnit'),
        message: `${name('pricePerUnit')} must be a non-negative decimal with up to 10 integer digits and 4 decimal places, e.g. "123.45".`,
      });
    } else {
      tiers = checkTiers([{ upTo: null, price: input.pricePerUnit }], name('tiers'), problems);
    }
  } else if (input.tiers != null) {
    tiers = checkTiers(input.tiers, name('tiers'), problems);
  }
  if (!supplier.services.includes(input.service)) {
    problems.push({
      field: name('service'),
      message: `${name('service')}: ${input.service} is not a service this supplier offers (${supplier.services.join(', ')}).`,
    });
  }
  const units = unitsOfService[input.service];
  if (!units.includes(input.unit)) {
    problems.push({
      field: name('unit'),
      message: `${name('unit')}: ${input.service} is priced per ${units.join(' or ')}, not ${input.unit}.`,
    });
  }
  const territoryKato = input.territoryKato ?? null;
  if (territoryKato != null && !isKatoCode(territoryKato)) {
    problems.push({ field: name('territoryKato'), message: `${name('territoryKato')} must be a 9-digit KATO code.` });
  }
  const validTo = input.validTo ?? null;
  if (validTo != null && validTo < input.validFrom) {
    problems.push({ field: name('validTo'), message: `${name('validTo')} must not be before ${name('validFrom')}.` });
  }
  if (problems.length > before) return null;
  return {
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
}

/** One tariff of a `publishTariffs` call (`TariffInput`). */
export interface TariffItem extends TariffFields {
  key?: string | null;
}

/** A published tariff as the call's overlap check sees it: stored, or accepted earlier in the call. */
interface Period {
  tariff: Pick<NewTariff, 'service' | 'consumerCategory' | 'territoryKato' | 'validFrom' | 'validTo'>;
  /** The stored tariff's id; null for an item of the call. */
  storedId: string | null;
  /** Set when the call ends this open-ended tariff. */
  endedOn: string | null;
}

/**
 * `publishTariffs` on the bulk path: up to 10,000 tariffs of one supplier checked as
 * `publishTariff` checks one (never backdated into a closed period; no overlap with a
 * published tariff, or with an earlier item of the call, of the same service, territory and
 * category, except an open-ended one that started earlier, which is ended the day before),
 * with the supplier's published tariffs read in one statement and the call written in two
 * (the ended tariffs, the new ones).
 */
export function publishTariffsCall(options: {
  supplierId: string;
  tariffs: readonly TariffItem[];
  mode: BulkMode;
  idempotencyKey: string | null | undefined;
  createdBy: string;
}): BulkCall<TariffItem, NewTariff> {
  const { supplierId } = options;
  let periods: Period[] = [];
  return {
    operation: 'utilities.publishTariffs',
    argument: 'tariffs',
    items: options.tariffs,
    keyOf: (item) => item.key,
    mode: options.mode,
    idempotencyKey: options.idempotencyKey,
    scope: { supplierId },
    async check(tx, items) {
      const supplier = await new SupplierManager(tx).existing(supplierId, 'supplierId');
      const repository = new TariffRepository(tx);
      await repository.lockSupplier(supplier.id);
      const closed = await repository.lastClosedMonth(supplier.id);
      periods = (await repository.publishedOf(supplier.id)).map((tariff) => ({ tariff, storedId: tariff.id, endedOn: null }));
      return items.map((item) => {
        const problems: FieldProblem[] = [];
        const tariff = tariffOf(item, supplier, options.createdBy, (field) => field, problems);
        if (!tariff) return { problems };
        if (closed != null && tariff.validFrom <= monthEnd(closed))
          return refuse(
            'validFrom',
            `must be after ${monthEnd(closed)}: the billing period of ${closed.slice(0, 7)} is closed, and a tariff never rewrites a closed period.`,
          );
        const overlapping = periods.filter((period) => overlaps(period, tariff));
        const [first] = overlapping;
        const ends =
          overlapping.length === 1 && first && (first.endedOn ?? first.tariff.validTo) == null && first.tariff.validFrom < tariff.validFrom;
        if (first && !ends) {
          const to = first.endedOn ?? first.tariff.validTo;
          return refuse(
            'validFrom',
            `the period meets ${first.storedId ? `tariff ${first.storedId}` : 'an earlier tariff of this call'} (from ${first.tariff.validFrom}${to ? ` to ${to}` : ''}) of the same service, territory and consumer category; publish a period that does not meet it.`,
          );
        }
        if (first) {
          first.endedOn = dayBefore(tariff.validFrom);
          if (!first.storedId) first.tariff.validTo = first.endedOn;
        }
        periods.push({ tariff, storedId: null, endedOn: null });
        return { value: tariff };
      });
    },
    async write(tx, values) {
      const repository = new TariffRepository(tx);
      const ended = await repository.endMany(
        periods.flatMap((period) => (period.storedId && period.endedOn ? [{ id: period.storedId, validTo: period.endedOn }] : [])),
      );
      const inserted = await repository.insertPublishedMany(values);
      const { subjectId } = await new SupplierManager(tx).existing(supplierId, 'supplierId');
      const change = (tariff: TariffRow, operation: 'CREATED' | 'UPDATED'): ChangeDeclaration => ({
        type: 'TARIFF',
        id: tariff.id,
        operation,
        subjectId,
        katoCode: tariff.territoryKato,
      });
      return {
        written: inserted.map((tariff) => ({ id: tariff.id, created: true })),
        changes: [...inserted.map((tariff) => change(tariff, 'CREATED')), ...ended.map((tariff) => change(tariff, 'UPDATED'))],
      };
    },
  };
}

function refuse(field: string, message: string): { problems: FieldProblem[] } {
  return { problems: [{ field, message }] };
}

/** Whether a published period and a new tariff of the same service, category and territory meet. */
function overlaps(period: Period, tariff: NewTariff): boolean {
  const other = period.tariff;
  if (other.service !== tariff.service || other.consumerCategory !== tariff.consumerCategory) return false;
  if ((other.territoryKato ?? null) !== tariff.territoryKato) return false;
  const otherTo = period.endedOn ?? other.validTo;
  return (otherTo == null || otherTo >= tariff.validFrom) && (tariff.validTo == null || other.validFrom <= tariff.validTo);
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
