import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, notFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/uuid.js';
import type { OutageKind, UtilityService } from '../../schema/utilities.js';
import { OutageRepository, type OutageRow } from './outage-repository.js';
import { ReferencesRepository } from './references-repository.js';
import { SupplierManager } from './supplier-manager.js';

/** `OutageInput` as the client sends it. */
export interface OutageInputArgs {
  service: UtilityService;
  kind: OutageKind;
  startsAt: Date;
  endsAt?: Date | null;
  message: string;
  buildingIds: string[];
}

/** Most buildings one outage names (a district's worth). */
const MAX_BUILDINGS = 10_000;

/** Interruptions of a service (planned and emergency), published by the supplier of the service. */
export class OutageManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Checks an outage of `supplierId`: a service it supplies, an end after the start (a
   * planned one must have an end), a message for residents, 1 to 10,000 buildings of the
   * register without repeats; every problem listed. Returns it with its buildings' KATO codes.
   */
  private async checked(supplierId: string, input: OutageInputArgs, supplierField: string) {
    const supplier = await new SupplierManager(this.executor).existing(supplierId, supplierField);
    const problems: FieldProblem[] = [];
    const add = (field: string, message: string) => problems.push({ field: `input.${field}`, message: `input.${field} ${message}` });
    const message = input.message.trim();
    const endsAt = input.endsAt ?? null;
    if (!supplier.services.includes(input.service))
      add('service', `is not a service this supplier offers (${supplier.services.join(', ')}).`);
    if (endsAt === null && input.kind === 'PLANNED') add('endsAt', 'is needed for a planned outage.');
    if (endsAt !== null && endsAt <= input.startsAt) add('endsAt', 'must be after startsAt.');
    if (message.length === 0 || message.length > 2000) add('message', 'must be 1 to 2,000 characters.');
    if (input.buildingIds.length === 0 || input.buildingIds.length > MAX_BUILDINGS)
      add('buildingIds', `must name 1 to ${MAX_BUILDINGS} buildings.`);
    const buildingIds = input.buildingIds.map((id) => id.toLowerCase());
    buildingIds.forEach((id, index) => {
      if (!isUuid(id)) add(`buildingIds[${index}]`, 'must be an id (a UUID) of a building of the register.');
      else if (buildingIds.indexOf(id) !== index) add(`buildingIds[${index}]`, 'repeats a building listed before.');
    });
    const katoCodes = await new ReferencesRepository(this.executor).buildingKatoCodes(buildingIds.filter(isUuid));
    buildingIds.forEach((id, index) => {
      if (isUuid(id) && !katoCodes.has(id)) add(`buildingIds[${index}]`, 'is not the id of a building of the register.');
    });
    if (problems.length > 0) throw badUserInput(problems);
    return {
      service: input.service,
      kind: input.kind,
      startsAt: input.startsAt,
      endsAt,
      message,
      buildings: buildingIds.map((buildingId) => ({ buildingId, katoCode: katoCodes.get(buildingId)! })),
    };
  }

  async publish(supplierId: string, input: OutageInputArgs): Promise<OutageRow> {
    return new OutageRepository(this.executor).insert(supplierId, await this.checked(supplierId, input, 'supplierId'));
  }

  /** Replaces an outage (a new end, a corrected message); a stale `expectedVersion` is CONFLICT. */
  async update(id: string, input: OutageInputArgs, expectedVersion: number | null | undefined): Promise<OutageRow> {
    const repository = new OutageRepository(this.executor);
    const [existing] = await repository.byIds([id]);
    if (!existing) throw notFound('The outage', 'id');
    const outage = await this.checked(existing.supplierId, input, 'id');
    const version = await repository.lockVersion(id);
    if (expectedVersion != null && expectedVersion !== version) {
      throw conflict(
        `The outage was changed since version ${expectedVersion} (it is at version ${version}); reload it and apply your change again.`,
        'expectedVersion',
      );
    }
    return repository.replace(id, outage);
  }
}
