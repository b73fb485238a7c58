import type { Executor } from '../../lib/db.js';
import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { binProblem, iinProblem } from '../../lib/identification-number.js';
import { COUNTRY_KATO } from '../../lib/kato.js';
import type { ConflictMessages } from '../../lib/write.js';
import type { Acting, Placed } from './context.js';
import { DirectoryRepository, type PersonRow, type SubjectKindValue, type SubjectRow } from './directory-repository.js';

/** Kinds that may be an individual (IIN) as well as an organisation (BIN). */
const individualKinds = new Set<string>(['PREMISES_OWNER', 'HOUSE_COUNCIL', 'OTHER']);

/**
 * Whether the subject is a natural person, whose name is personal data (p.9, p.24): a
 * premises owner, or an individual of another kind registered with an IIN rather than a BIN.
 * Organisations' names are public facts.
 */
export function isNaturalPerson(subject: Pick<SubjectRow, 'kind' | 'identificationNumber'>): boolean {
  return subject.kind === 'PREMISES_OWNER' || (individualKinds.has(subject.kind) && binProblem(subject.identificationNumber) !== null);
}

/** What the unique indexes of the directory stand for, when a concurrent registration took the value first. */
export const directoryConflicts: ConflictMessages = {
  subjects_identification_number_key: {
    field: 'input.identificationNumber',
    message: 'A subject with this identification number is already registered.',
  },
  persons_iin_key: { field: 'input.iin', message: 'A person with this IIN is already registered.' },
};

export interface SubjectInput {
  kind: SubjectKindValue;
  name: string;
  identificationNumber: string;
  territoryKato?: string | null;
  email?: string | null;
}

export interface PersonInput {
  iin: string;
  fullName: string;
  email?: string | null;
  phone?: string | null;
  isAdministrator?: boolean | null;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The problem with an optional e-mail address, or null when it is absent or valid. */
export function emailProblem(value: string | null | undefined, field: string): FieldProblem | null {
  if (value === null || value === undefined) return null;
  return emailPattern.test(value) && value.length <= 254 ? null : { field, message: 'The e-mail address is not valid.' };
}

function required(value: string, field: string, what: string, max = 500): FieldProblem | null {
  const trimmed = value.trim();
  if (!trimmed) return { field, message: `${what} must not be empty.` };
  if (trimmed.length > max) return { field, message: `${what} must be at most ${max} characters.` };
  return null;
}

/**
 * Who acts in the system (p.2.4, p.19): subjects and the persons acting for them. A duplicate
 * identification number or IIN is a CONFLICT (`directoryConflicts`); identification numbers
 * never appear in messages.
 */
export class DirectoryManager {
  private readonly directory: DirectoryRepository;

  constructor(db: Executor) {
    this.directory = new DirectoryRepository(db);
  }

  async createSubject(input: SubjectInput, by: Acting): Promise<Placed<{ subject: SubjectRow }>> {
    const problems: FieldProblem[] = [];
    const nameProblem = required(input.name, 'input.name', 'The name');
    if (nameProblem) problems.push(nameProblem);
    const number = input.identificationNumber;
    const asBin = binProblem(number);
    if (asBin && !(individualKinds.has(input.kind) && iinProblem(number, by.at) === null)) {
      problems.push({
        field: 'input.identificationNumber',
        message: individualKinds.has(input.kind) ? `Give a valid BIN or IIN. ${asBin}` : asBin,
      });
    }
    // The country's code would reach everywhere: a local body's territory is a region or below.
    if (input.kind === 'LOCAL_EXECUTIVE_BODY' && (!/^\d{9}$/.test(input.territoryKato ?? '') || input.territoryKato === COUNTRY_KATO)) {
      problems.push({ field: 'input.territoryKato', message: 'A local executive body needs the 9-digit KATO code of its territory.' });
    }
    if (input.kind !== 'LOCAL_EXECUTIVE_BODY' && input.territoryKato) {
      problems.push({ field: 'input.territoryKato', message: 'Only a local executive body has a territory.' });
    }
    const email = emailProblem(input.email, 'input.email');
    if (email) problems.push(email);
    if (problems.length) throw badUserInput(problems);
    const subject = await this.directory.insertSubject({
      kind: input.kind,
      name: input.name.trim(),
      identificationNumber: number,
      territoryKato: input.territoryKato ?? null,
      email: input.email ?? null,
      createdAt: by.at,
    });
    return { payload: { subject }, objectIds: [subject.id] };
  }

  async createPerson(input: PersonInput, by: Acting): Promise<Placed<{ person: PersonRow }>> {
    const person = await this.registerPerson(input, by.at);
    return { payload: { person }, objectIds: [person.id] };
  }

  /**
   * A validated person. Outside `createPerson` only for the first administrator of a
   * database (the demo seeder's, the tests'), which nobody places: it has no receipt.
   */
  async registerPerson(input: PersonInput, instant: Date): Promise<PersonRow> {
    const problems: FieldProblem[] = [];
    const iin = iinProblem(input.iin, instant);
    if (iin) problems.push({ field: 'input.iin', message: iin });
    const name = required(input.fullName, 'input.fullName', 'The full name', 300);
    if (name) problems.push(name);
    const email = emailProblem(input.email, 'input.email');
    if (email) problems.push(email);
    if (input.phone && !/^\+?[0-9 ()-]{7,20}$/.test(input.phone)) {
      problems.push({
        field: 'input.phone',
        message: 'The phone number may contain only digits, spaces, brackets, dashes and a leading +.',
      });
    }
    if (problems.length) throw badUserInput(problems);
    return this.directory.insertPerson({
      iin: input.iin,
      fullName: input.fullName.trim(),
      email: input.email ?? null,
      phone: input.phone ?? null,
      isAdministrator: input.isAdministrator ?? false,
      createdAt: instant,
    });
  }
}
