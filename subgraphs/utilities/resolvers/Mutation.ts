import { eq, or } from 'drizzle-orm';
import { AccessFunction } from '../../../lib/auth/functions.js';
import { recheckAdministrator, recheckGrants } from '../../../lib/auth/recheck.js';
import { actorOf, grantsForSubject } from '../../../lib/auth/scope.js';
import { badUserInput, conflict, notFound } from '../../../lib/errors.js';
import { receiptFor } from '../../../lib/receipts.js';
import type { SubgraphContext } from '../../../lib/subgraph-server.js';
import { subjects } from '../../../schema/access.js';
import { suppliers } from '../../../schema/utilities.js';
import type { UtilitiesLoaders } from '../loaders.js';
import { PersonalAccountRepository } from '../personal-account-repository.js';
import { SupplierRepository } from '../supplier-repository.js';
import { TariffRepository } from '../tariff-repository.js';
import {
  validateAccounts, validateSupplier, validateTariff,
  type AccountInputArgs, type PublishTariffArgs, type RegisterSupplierArgs,
} from '../validation.js';

type Context = SubgraphContext<UtilitiesLoaders>;

/** Subject kinds that may be registered as suppliers. */
const supplierSubjectKinds = new Set(['UTILITY_SUPPLIER', 'NATURAL_MONOPOLY']);

async function supplierOrThrow(context: Context, supplierId: string, field: string) {
  const supplier = await context.loaders.supplierById.load(supplierId);
  if (!supplier) throw notFound('The supplier', field);
  return supplier;
}

export const Mutation = {
  async registerSupplier(_parent: unknown, args: { input: RegisterSupplierArgs }, context: Context) {
    const input = validateSupplier(args.input);
    return context.db.transaction(async (tx) => {
      await recheckAdministrator(tx, context.caller);
      // The subject lives in the access schema; read, never joined by a foreign key.
      const [subject] = await tx.select({ kind: subjects.kind }).from(subjects).where(eq(subjects.id, input.subjectId));
      if (!subject || !supplierSubjectKinds.has(subject.kind)) {
        throw badUserInput({ field: 'input.subjectId', message: 'input.subjectId must be a subject of kind UTILITY_SUPPLIER or NATURAL_MONOPOLY.' });
      }
      const [taken] = await tx
        .select({ subjectId: suppliers.subjectId, bin: suppliers.bin })
        .from(suppliers)
        .where(or(eq(suppliers.subjectId, input.subjectId), eq(suppliers.bin, input.bin)));
      if (taken) {
        throw taken.bin === input.bin
          ? conflict('A supplier with this BIN is already registered.', 'input.bin')
          : conflict('This subject is already registered as a supplier.', 'input.subjectId');
      }
      const supplier = await new SupplierRepository(tx).insert(input);
      const receipt = await receiptFor(tx, context, 'utilities.registerSupplier', [supplier.id]);
      return { supplier, receipt };
    });
  },

  async upsertPersonalAccounts(_parent: unknown, args: { supplierId: string; accounts: AccountInputArgs[] }, context: Context) {
    const supplier = await supplierOrThrow(context, args.supplierId, 'supplierId');
    const accounts = validateAccounts(args.accounts, supplier.services);
    return context.db.transaction(async (tx) => {
      await recheckGrants(tx, context.caller, grantsForSubject(context.caller, AccessFunction.PersonalAccountsMaintain, supplier.subjectId));
      const written = await new PersonalAccountRepository(tx).upsert(supplier.id, accounts);
      const receipt = await receiptFor(tx, context, 'utilities.upsertPersonalAccounts', written.map((row) => row.id));
      const created = written.filter((row) => row.inserted).length;
      return { created, updated: written.length - created, receipt };
    });
  },

  async publishTariff(_parent: unknown, args: { input: PublishTariffArgs }, context: Context) {
    const supplier = await supplierOrThrow(context, args.input.supplierId, 'input.supplierId');
    const input = validateTariff(args.input, supplier.services);
    return context.db.transaction(async (tx) => {
      await recheckGrants(tx, context.caller, grantsForSubject(context.caller, AccessFunction.TariffsMaintain, supplier.subjectId));
      const tariff = await new TariffRepository(tx).insertPublished({
        supplierId: supplier.id,
        service: input.service,
        pricePerUnit: input.pricePerUnit,
        unit: input.unit,
        validFrom: input.validFrom,
        createdBy: actorOf(context.caller),
      });
      const receipt = await receiptFor(tx, context, 'utilities.publishTariff', [tariff.id]);
      return { tariff, receipt };
    });
  },
};
