import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, notFound } from '../../lib/errors.js';
import { binProblem } from '../../lib/identification-number.js';
import { parseTenge } from '../../lib/money.js';
import type { ConflictMessages } from '../../lib/write.js';
import { assertStillManages } from './building-rights.js';
import { ContractRepository, type ContractRow } from './contract-repository.js';
import { DocumentManager } from './document-manager.js';
import { ManagementRepository } from './management-repository.js';
import { requiredText } from './text-field.js';

/** A contract as `placeContract` asks for it, ids parsed, the amount as the caller wrote it. */
export interface ContractPlacement {
  buildingId: string;
  number: string;
  subject: string;
  counterpartyName: string;
  counterpartyBin: string;
  signedOn: string;
  validFrom: string;
  validTo: string | null;
  amount: string;
  /** Stored documents of the building to attach. */
  documentIds: readonly string[];
  managingSubjectIds: readonly string[];
  actor: string;
}

export interface ContractOutcome {
  contract: ContractRow;
  changes: ChangeDeclaration[];
}

export const contractConflicts: ConflictMessages = {
  contracts_building_number_key: {
    message: 'The building already has a contract with this number; nothing was written.',
    field: 'input.number',
  },
};

/**
 * Contracts the building's manager concluded for it (p.4.8): the parties (the manager and an
 * organisation known by its BIN), the subject, the period and the amount. Who may place one
 * is the rule's (`managesBuilding`), re-checked here by `assertStillManages`.
 */
export class ContractManager {
  private readonly contracts: ContractRepository;
  private readonly management: ManagementRepository;

  constructor(private readonly executor: Executor) {
    this.contracts = new ContractRepository(executor);
    this.management = new ManagementRepository(executor);
  }

  /**
   * Places a contract. BAD_USER_INPUT lists every problem (texts, BIN, amount, a period that
   * ends before it starts or starts before signing); NOT_FOUND for no such building;
   * FORBIDDEN when the caller no longer manages it; CONFLICT for a number the building's
   * contracts already have.
   */
  async place(placement: ContractPlacement): Promise<ContractOutcome> {
    const problems: FieldProblem[] = [];
    const number = requiredText(placement.number, 'input.number', 100, problems);
    const subject = requiredText(placement.subject, 'input.subject', 2000, problems);
    const counterpartyName = requiredText(placement.counterpartyName, 'input.counterpartyName', 300, problems);
    const bin = binProblem(placement.counterpartyBin);
    if (bin) problems.push({ field: 'input.counterpartyBin', message: `input.counterpartyBin: ${bin}` });
    const amountTiyn = parseTenge(placement.amount, 'input.amount');
    if (typeof amountTiyn !== 'bigint') problems.push(amountTiyn);
    if (placement.validFrom < placement.signedOn) {
      problems.push({
        field: 'input.validFrom',
        message: 'input.validFrom must not be before input.signedOn, the day the contract was signed.',
      });
    }
    if (placement.validTo !== null && placement.validTo < placement.validFrom) {
      problems.push({ field: 'input.validTo', message: 'input.validTo must not be before input.validFrom.' });
    }
    if (problems.length > 0 || typeof amountTiyn !== 'bigint') throw badUserInput(problems);
    const katoCode = await this.management.buildingKato(placement.buildingId);
    if (katoCode === null) throw notFound('The building given in input.buildingId', 'input.buildingId');
    const managementSubjectId = await assertStillManages(this.executor, placement.managingSubjectIds, placement.buildingId);
    if (await this.contracts.numberTaken(placement.buildingId, number)) {
      throw conflict('The building already has a contract with this number; nothing was written.', 'input.number');
    }
    const contract = await this.contracts.insert({
      buildingId: placement.buildingId,
      managementSubjectId,
      number,
      subject,
      counterpartyName,
      counterpartyBin: placement.counterpartyBin,
      signedOn: placement.signedOn,
      validFrom: placement.validFrom,
      validTo: placement.validTo,
      amountTiyn,
      placedBy: placement.actor,
    });
    await new DocumentManager(this.executor).attach(
      'CONTRACT',
      contract.id,
      contract.buildingId,
      placement.documentIds,
      'input.documentIds',
    );
    return { contract, changes: [{ type: 'CONTRACT', id: contract.id, operation: 'CREATED', katoCode, subjectId: managementSubjectId }] };
  }
}
