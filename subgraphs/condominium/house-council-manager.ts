import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, type FieldProblem, notFound } from '../../lib/errors.js';
import { iinProblem } from '../../lib/identification-number.js';
import { textProblem } from '../../lib/input-values.js';
import type { ConflictMessages } from '../../lib/write.js';
import { assertStillManages } from './building-rights.js';
import { type HouseCouncilMemberRow, HouseCouncilRepository } from './house-council-repository.js';
import { ManagementRepository } from './management-repository.js';

/** A member as `recordHouseCouncilMember` asks for them: ids parsed, the first day defaulted. */
export interface MemberRequest {
  buildingId: string;
  premiseId: string;
  iin: string;
  fullName: string;
  chair: boolean;
  validFrom: string;
  /** The subjects the caller manages buildings for (`managingSubjectsOf`): re-checked in the transaction. */
  managingSubjects: readonly string[];
  recordedBy: string;
}

export interface MemberOutcome {
  member: HouseCouncilMemberRow;
  changes: ChangeDeclaration[];
}

export const houseCouncilConflicts: ConflictMessages = {
  house_council_members_open_key: {
    message: 'This person already sits on the house council of the building; end that membership first.',
    field: 'input.iin',
  },
  house_council_members_chair_key: {
    message: "The house council already has a chair; end the chair's membership first, or record this member without chair.",
    field: 'input.chair',
  },
};

/**
 * The house council of a building (owners, each for premises they own, over periods),
 * kept by the building's manager. The rule (`managesBuilding`) relied on the manager's
 * grants; every change here re-checks, under a lock held until commit, that the caller's
 * subject still manages the building (`assertStillManages`).
 */
export class HouseCouncilManager {
  private readonly members: HouseCouncilRepository;
  private readonly buildings: ManagementRepository;

  constructor(private readonly executor: Executor) {
    this.members = new HouseCouncilRepository(executor);
    this.buildings = new ManagementRepository(executor);
  }

  /**
   * NOT_FOUND when the building or the premises exists nowhere; BAD_USER_INPUT when the
   * premises is in another building, the IIN is not one of its owners' in the register, or
   * the name is not text; FORBIDDEN when the caller's subject no longer manages the building.
   */
  async record(request: MemberRequest): Promise<MemberOutcome> {
    const katoCode = await this.buildings.buildingKato(request.buildingId);
    if (katoCode === null) throw notFound('The building given in input.buildingId', 'input.buildingId');
    const managingSubject = await assertStillManages(this.executor, request.managingSubjects, request.buildingId);
    const problems: FieldProblem[] = [];
    const iinIssue = iinProblem(request.iin);
    if (iinIssue) problems.push({ field: 'input.iin', message: iinIssue });
    const fullName = request.fullName.trim();
    if (textProblem(fullName) || fullName === '' || fullName.length > 300)
      problems.push({ field: 'input.fullName', message: 'input.fullName must be 1 to 300 characters of text.' });
    const premiseBuilding = await this.members.buildingOfPremise(request.premiseId);
    if (premiseBuilding === null) throw notFound('The premises given in input.premiseId', 'input.premiseId');
    if (premiseBuilding !== request.buildingId)
      problems.push({ field: 'input.premiseId', message: 'input.premiseId must be premises of the building given in input.buildingId.' });
    else if (!iinIssue && !(await this.members.ownsPremise(request.premiseId, request.iin)))
      problems.push({
        field: 'input.iin',
        message: 'A house council member must be an owner of the premises: this IIN owns none of input.premiseId in the register.',
      });
    if (problems.length > 0) throw badUserInput(problems);

    const member = await this.members.insert({
      buildingId: request.buildingId,
      premiseId: request.premiseId,
      iin: request.iin,
      fullName,
      chair: request.chair,
      validFrom: request.validFrom,
      recordedBy: request.recordedBy,
    });
    return {
      member,
      changes: [{ type: 'HOUSE_COUNCIL_MEMBER', id: member.id, operation: 'CREATED', katoCode, subjectId: managingSubject }],
    };
  }

  /**
   * Ends a membership on `validTo` (the first day the person is no longer a member).
   * NOT_FOUND when there is no such member; BAD_USER_INPUT when it already ended or the day
   * is not after its first day; FORBIDDEN when the caller's subject no longer manages the building.
   */
  async end(memberId: string, validTo: string, managingSubjects: readonly string[]): Promise<MemberOutcome> {
    const current = await this.members.forUpdate(memberId);
    if (!current) throw notFound('The house council member given in id', 'id');
    const managingSubject = await assertStillManages(this.executor, managingSubjects, current.buildingId);
    if (current.validTo !== null) throw badUserInput({ field: 'id', message: `This membership already ended on ${current.validTo}.` });
    if (validTo <= current.validFrom)
      throw badUserInput({ field: 'validTo', message: `validTo must be after ${current.validFrom}, the first day of the membership.` });
    const member = await this.members.end(memberId, validTo);
    const katoCode = await this.buildings.buildingKato(current.buildingId);
    return {
      member,
      changes: [{ type: 'HOUSE_COUNCIL_MEMBER', id: member.id, operation: 'UPDATED', katoCode, subjectId: managingSubject }],
    };
  }
}
