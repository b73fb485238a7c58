import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import { parseId } from '../../../lib/ids.js';
import { tengeOf } from '../../../lib/money.js';
import { isUuid } from '../../../lib/uuid.js';
import { placeWrite } from '../../../lib/write.js';
import { managingSubjectsOf } from '../building-rights.js';
import type { Context } from '../context.js';
import { ContractManager, contractConflicts } from '../contract-manager.js';
import type { ContractRow } from '../contract-repository.js';
import { attachmentKey } from '../loaders.js';
import { parseDocumentIds } from './document-ids.js';

interface PlaceContractInput {
  buildingId: string;
  number: string;
  subject: string;
  counterpartyName: string;
  counterpartyBin: string;
  signedOn: string;
  validFrom: string;
  validTo?: string | null;
  amount: string;
  documentIds?: string[] | null;
}

/** A contract is served from its row; the amount as tenge with 2 places, kept in tiyn. */
export const Contract = {
  __resolveReference(reference: { id: unknown }, context: Context) {
    return isUuid(reference.id) ? context.loaders.services.contractById.load(reference.id) : null;
  },
  building: (row: ContractRow) => ({ id: row.buildingId }),
  amount: (row: ContractRow) => tengeOf(row.amountTiyn),
  documents: (row: ContractRow, _args: unknown, context: Context) =>
    context.loaders.attachedDocuments.load(attachmentKey('CONTRACT', row.id)),
};

export const ContractQuery = {
  contract(_parent: unknown, args: { id: string }, context: Context) {
    return context.loaders.services.contractById.load(parseId(args.id, 'id', 'a contract'));
  },
};

export const ContractBuilding = {
  contracts(building: { id: string }, args: { activeOn?: string | null }, context: Context) {
    return context.loaders.services.contractsOfBuilding.load(`${building.id}:${args.activeOn ?? ''}`);
  },
};

export const ContractMutation = {
  /** The rule relied on the caller managing the building; the manager re-checks it in the transaction. */
  placeContract(_parent: unknown, { input }: { input: PlaceContractInput }, context: Context, info: GraphQLResolveInfo) {
    const placement = {
      buildingId: parseId(input.buildingId, 'input.buildingId', 'a building'),
      number: input.number,
      subject: input.subject,
      counterpartyName: input.counterpartyName,
      counterpartyBin: input.counterpartyBin,
      signedOn: input.signedOn,
      validFrom: input.validFrom,
      validTo: input.validTo ?? null,
      amount: input.amount,
      documentIds: parseDocumentIds(input.documentIds),
      managingSubjectIds: managingSubjectsOf(context.caller),
      actor: actorOf(context.caller),
    };
    return placeWrite(context, info, {
      operation: 'condominium.placeContract',
      conflicts: contractConflicts,
      async run(tx) {
        const { contract, changes } = await new ContractManager(tx).place(placement);
        return { payload: { contract }, objectIds: [contract.id], changes };
      },
    });
  },
};
