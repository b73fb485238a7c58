import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import type { TariffUnit, UtilityService } from '../../schema/utilities.js';
import { SupplierManager } from './supplier-manager.js';
import { TariffRepository, type TariffRow } from './tariff-repository.js';

/** `PublishTariffInput` as the client sends it. */
export interface PublishTariffInput {
  supplierId: string;
  service: UtilityService;
  pricePerUnit: string;
  unit: TariffUnit;
  validFrom: string;
}

const price = /^\d{1,10}(\.\d{1,4})?$/;

/** Tariffs of suppliers (category 14). */
export class TariffManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Publishes a tariff of an existing supplier for a service it offers; `createdBy` is the
   * actor placing it (`actorOf`).
   */
  async publish(input: PublishTariffInput, createdBy: string): Promise<TariffRow> {
    const supplier = await new SupplierManager(this.executor).existing(parseId(input.supplierId, 'input.supplierId'), 'input.supplierId');
    const problems: FieldProblem[] = [];
    if (!price.test(input.pricePerUnit)) {
      problems.push({
        field: 'input.pricePerUnit',
        message: 'input.pricePerUnit must be a non-negative decimal with up to 10 integer digits and 4 decimal places, e.g. "123.45".',
      });
    }
    if (!supplier.services.includes(input.service)) {
      problems.push({
        field: 'input.service',
        message: `input.service: ${input.service} is not a service this supplier offers (${supplier.services.join(', ')}).`,
      });
    }
    if (problems.length > 0) throw badUserInput(problems);
    return new TariffRepository(this.executor).insertPublished({
      supplierId: supplier.id,
      service: input.service,
      pricePerUnit: input.pricePerUnit,
      unit: input.unit,
      validFrom: input.validFrom,
      createdBy,
    });
  }

  /** A tariff published, for the feed (p.32): owned by its supplier's subject. */
  async changeOf(tariff: TariffRow): Promise<ChangeDeclaration> {
    const supplier = await new SupplierManager(this.executor).existing(tariff.supplierId, 'input.supplierId');
    return { type: 'TARIFF', id: tariff.id, operation: 'CREATED', subjectId: supplier.subjectId };
  }
}
