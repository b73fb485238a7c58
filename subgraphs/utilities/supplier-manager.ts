import { SubjectKind } from '../../lib/auth/functions.js';
import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, notFound } from '../../lib/errors.js';
import { binProblem } from '../../lib/identification-number.js';
import { isUuid } from '../../lib/uuid.js';
import type { ConflictMessages } from '../../lib/write.js';
import type { UtilityService } from '../../schema/utilities.js';
import { ReferencesRepository } from './references-repository.js';
import { type NewSupplier, SupplierRepository, type SupplierRow } from './supplier-repository.js';

/** `RegisterSupplierInput` as the client sends it. */
export interface RegisterSupplierInput {
  subjectId: string;
  name: string;
  bin: string;
  services: UtilityService[];
}

/** Subject kinds that may be registered as suppliers. */
const supplierSubjectKinds = new Set<string>([SubjectKind.UtilitySupplier, SubjectKind.NaturalMonopoly]);

/** The register's unique indexes, for a registration that loses a race to a concurrent one. */
export const supplierConflicts: ConflictMessages = {
  suppliers_bin_key: { message: 'A supplier with this BIN is already registered.', field: 'input.bin' },
  suppliers_subject_id_key: { message: 'This subject is already registered as a supplier.', field: 'input.subjectId' },
};

/** Checks a register entry in memory, listing every problem; the subject id comes back in lower case. */
export function validateSupplier(input: RegisterSupplierInput): NewSupplier {
  const problems: FieldProblem[] = [];
  const name = input.name.trim();
  if (!isUuid(input.subjectId)) {
    problems.push({ field: 'input.subjectId', message: 'input.subjectId must be an id (a UUID) of a subject of the access subgraph.' });
  }
  if (name.length === 0 || name.length > 300) problems.push({ field: 'input.name', message: 'input.name must be 1 to 300 characters.' });
  const bin = binProblem(input.bin);
  if (bin) problems.push({ field: 'input.bin', message: `input.bin: ${bin}` });
  if (input.services.length === 0) problems.push({ field: 'input.services', message: 'input.services must name at least one service.' });
  if (new Set(input.services).size !== input.services.length)
    problems.push({ field: 'input.services', message: 'input.services must not repeat a service.' });
  if (problems.length > 0) throw badUserInput(problems);
  return { subjectId: input.subjectId.toLowerCase(), name, bin: input.bin, services: input.services };
}

/** A supplier registered, for the feed (p.32): owned by its subject. */
export function supplierChange(supplier: SupplierRow): ChangeDeclaration {
  return { type: 'SUPPLIER', id: supplier.id, operation: 'CREATED', subjectId: supplier.subjectId };
}

/** The supplier register: registration, and the supplier every other change of this subgraph names. */
export class SupplierManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Registers a supplier: a valid entry for an existing subject of a supplier's kind
   * (through the access subgraph's published subjects), neither the subject nor the BIN
   * registered yet.
   */
  async register(input: RegisterSupplierInput): Promise<SupplierRow> {
    const supplier = validateSupplier(input);
    const kind = await new ReferencesRepository(this.executor).subjectKind(supplier.subjectId);
    if (kind === null) throw notFound('The subject', 'input.subjectId');
    if (!supplierSubjectKinds.has(kind)) {
      throw badUserInput({
        field: 'input.subjectId',
        message: 'input.subjectId must be a subject of kind UTILITY_SUPPLIER or NATURAL_MONOPOLY.',
      });
    }
    const repository = new SupplierRepository(this.executor);
    const [taken] = await repository.holdersOf(supplier.subjectId, supplier.bin);
    if (taken) {
      const index = taken.bin === supplier.bin ? supplierConflicts.suppliers_bin_key : supplierConflicts.suppliers_subject_id_key;
      throw conflict(index!.message, index!.field);
    }
    return repository.insert(supplier);
  }

  /** The supplier a change names (`field` says where); NOT_FOUND when there is none. */
  async existing(supplierId: string, field: string): Promise<SupplierRow> {
    const supplier = await new SupplierRepository(this.executor).byId(supplierId);
    if (!supplier) throw notFound('The supplier', field);
    return supplier;
  }
}
