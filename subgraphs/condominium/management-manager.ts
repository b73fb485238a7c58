import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem, notFound } from '../../lib/errors.js';
import { textProblem } from '../../lib/input-values.js';
import { addMonths } from '../../lib/working-calendar.js';
import type { ConflictMessages } from '../../lib/write.js';
import { type ManagementForm, type ManagementSubjectKind, managementSubjectKind } from '../../schema/condominium.js';
import { type AssignmentRow, ManagementRepository } from './management-repository.js';

/** The certificate of no tax, pension and social-contribution debt a temporary management company presents. */
export interface TaxCertificate {
  number: string;
  /** The day it was issued (YYYY-MM-DD): not more than one month before the day of the appointment request. */
  issuedOn: string;
}

/** An assignment as `assignManagement` or `appointTemporaryManager` asks for it: ids parsed, the first day defaulted. */
export interface AssignmentRequest {
  buildingId: string;
  subjectId: string;
  /** The form of management; by default the one the subject's kind implies (OSI, company under contract, direct management). */
  form?: ManagementForm | null;
  /** The first day of management (YYYY-MM-DD). */
  validFrom: string;
  /** The day the request was received (in Almaty): the certificate's age is counted back from it. */
  receivedOn: string;
  /** Management company under contract. */
  contract?: { number: string; date: string } | null;
  /** Temporary management company: required. */
  taxCertificate?: TaxCertificate | null;
  /** Temporary management company: the local executive body that appointed it (null when the Administrator recorded it). */
  appointedBySubjectId?: string | null;
  /**
   * An appointment by a local executive body (`appointTemporaryManager`): only to a building
   * without a manager its owners chose, i.e. with none or with another temporary company.
   */
  temporaryAppointment?: boolean;
  /** `actorOf(caller)`: who assigned, for the history. */
  assignedBy: string;
}

/** The form each kind of managing subject implies when none is given, and the kind each form needs. */
const defaultForm: Record<ManagementSubjectKind, ManagementForm> = {
  OSI: 'OSI',
  MANAGEMENT_COMPANY: 'MANAGEMENT_COMPANY',
  PREMISES_OWNER: 'DIRECT_JOINT_MANAGEMENT',
};
const kindOfForm: Record<ManagementForm, ManagementSubjectKind> = {
  OSI: 'OSI',
  MANAGEMENT_COMPANY: 'MANAGEMENT_COMPANY',
  TEMPORARY_MANAGEMENT_COMPANY: 'MANAGEMENT_COMPANY',
  DIRECT_JOINT_MANAGEMENT: 'PREMISES_OWNER',
};
const kindNames: Record<ManagementSubjectKind, string> = {
  OSI: 'an OSI',
  MANAGEMENT_COMPANY: 'a management company',
  PREMISES_OWNER: "the owners' representative, a PREMISES_OWNER subject",
};

/** Why the form's documents are wrong, as field problems (all of them); empty when they are right. */
function formProblems(form: ManagementForm, request: AssignmentRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const certificate = request.taxCertificate;
  if (form === 'TEMPORARY_MANAGEMENT_COMPANY') {
    if (!certificate) {
      problems.push({
        field: 'input.taxCertificate',
        message: 'A temporary management company must present its certificate of no tax debt: give input.taxCertificate.',
      });
    } else {
      if (textProblem(certificate.number) || certificate.number.trim() === '' || certificate.number.length > 100)
        problems.push({
          field: 'input.taxCertificate.number',
          message: 'input.taxCertificate.number must be 1 to 100 characters of text.',
        });
      const earliest = addMonths(request.receivedOn, -1);
      if (certificate.issuedOn > request.receivedOn)
        problems.push({ field: 'input.taxCertificate.issuedOn', message: 'input.taxCertificate.issuedOn must not be in the future.' });
      else if (certificate.issuedOn < earliest)
        problems.push({
          field: 'input.taxCertificate.issuedOn',
          message: `The certificate of no tax debt must be issued within the last month (on ${earliest} or later); present a newer one.`,
        });
    }
  } else if (certificate) {
    problems.push({ field: 'input.taxCertificate', message: 'Only a temporary management company presents a certificate of no tax debt.' });
  }
  const contract = request.contract;
  if (contract) {
    if (form !== 'MANAGEMENT_COMPANY')
      problems.push({ field: 'input.contract', message: 'Only a management company under contract has a management contract.' });
    else if (textProblem(contract.number) || contract.number.trim() === '' || contract.number.length > 100)
      problems.push({ field: 'input.contract.number', message: 'input.contract.number must be 1 to 100 characters of text.' });
  }
  return problems;
}

/** An assignment as recorded, and the changes the feed records for it (p.32). */
export interface AssignmentOutcome {
  assignment: AssignmentRow;
  /** The new assignment, and the one it ended: located at the building, owned by the managing subject. */
  changes: ChangeDeclaration[];
}

/** The unique indexes an assignment can lose a race on, as the caller should read them. */
export const assignmentConflicts: ConflictMessages = {
  management_assignments_building_open_key: {
    message: 'Another assignment of this building was recorded at the same time; read its management and retry.',
    field: 'input.buildingId',
  },
};

const managingKinds: readonly string[] = managementSubjectKind.enumValues;

function isManagingKind(kind: string): kind is ManagementSubjectKind {
  return managingKinds.includes(kind);
}

/**
 * Who manages which building, and from when: the decisions of the feature, checked against
 * the database. Authorization (who may assign) is the rule's, re-checked by the write path;
 * this class decides what an assignment may change. Give it the write's transaction.
 */
export class ManagementManager {
  private readonly assignments: ManagementRepository;

  constructor(executor: Executor) {
    this.assignments = new ManagementRepository(executor);
  }

  /**
   * Makes a subject the manager of a building in one of the forms of management from
   * `validFrom`, ending the current assignment that day: one manager at a time. The building
   * stays locked until the transaction ends, so two assignments of one building never interleave.
   *
   * NOT_FOUND when the building or the subject exists nowhere; BAD_USER_INPUT when the
   * subject is not of the kind the form needs, the form's documents are wrong (a temporary
   * company's certificate missing or older than one month) or the day is before the current
   * assignment's first day; CONFLICT when the subject already manages the building, or a
   * temporary appointment meets a manager the owners chose.
   */
  async assign(request: AssignmentRequest): Promise<AssignmentOutcome> {
    const { buildingId, subjectId, validFrom } = request;
    const katoCode = await this.assignments.buildingKato(buildingId);
    if (katoCode === null) throw notFound('The building given in input.buildingId', 'input.buildingId');
    const kind = await this.assignments.subjectKindOf(subjectId);
    if (kind === null) throw notFound('The subject given in input.subjectId', 'input.subjectId');
    if (!isManagingKind(kind)) {
      throw badUserInput({
        field: 'input.subjectId',
        message: "input.subjectId must be the id of an OSI, a management company or the owners' representative (a PREMISES_OWNER subject).",
      });
    }
    const form = request.form ?? defaultForm[kind];
    if (kindOfForm[form] !== kind) {
      throw badUserInput({
        field: 'input.subjectId',
        message: `Under the form ${form} the manager must be ${kindNames[kindOfForm[form]]}.`,
      });
    }
    const problems = formProblems(form, request);
    if (problems.length > 0) throw badUserInput(problems);

    await this.assignments.lockBuilding(buildingId);
    const current = await this.assignments.openForUpdate(buildingId);
    const changes: ChangeDeclaration[] = [];
    if (current) {
      if (current.managementSubjectId === subjectId) {
        throw conflict('This subject already manages the building; nothing was written.', 'input.subjectId');
      }
      if (request.temporaryAppointment && current.form !== 'TEMPORARY_MANAGEMENT_COMPANY') {
        throw conflict(
          `The owners manage this building in the form ${current.form}; a temporary management company is appointed only to a building without a manager of the owners' choice. Nothing was written.`,
          'input.buildingId',
        );
      }
      if (validFrom < current.validFrom) {
        throw badUserInput({
          field: 'input.validFrom',
          message: `input.validFrom must not be before ${current.validFrom}, the first day of the current management.`,
        });
      }
      await this.assignments.close(current.id, validFrom);
      changes.push({
        type: 'MANAGEMENT_ASSIGNMENT',
        id: current.id,
        operation: 'UPDATED',
        katoCode,
        subjectId: current.managementSubjectId,
      });
    }
    const assignment = await this.assignments.insert({
      buildingId,
      managementSubjectId: subjectId,
      managementSubjectKind: kind,
      form,
      contractNumber: request.contract?.number ?? null,
      contractDate: request.contract?.date ?? null,
      taxCertificateNumber: request.taxCertificate?.number ?? null,
      taxCertificateIssuedOn: request.taxCertificate?.issuedOn ?? null,
      appointedBySubjectId: form === 'TEMPORARY_MANAGEMENT_COMPANY' ? (request.appointedBySubjectId ?? null) : null,
      validFrom,
      assignedBy: request.assignedBy,
    });
    changes.push({ type: 'MANAGEMENT_ASSIGNMENT', id: assignment.id, operation: 'CREATED', katoCode, subjectId });
    return { assignment, changes };
  }
}
