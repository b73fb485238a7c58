import { eq } from 'drizzle-orm';
import { digitalObjects, persons, subjects, subjectKind } from '../../schema/access.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, uniqueViolation, type FieldProblem } from '../../lib/errors.js';
import { binProblem, iinProblem } from '../../lib/identification-number.js';

export type SubjectRow = typeof subjects.$inferSelect;
export type PersonRow = typeof persons.$inferSelect;
export type DigitalObjectRow = typeof digitalObjects.$inferSelect;
export type SubjectKindValue = (typeof subjectKind.enumValues)[number];

/** Kinds that may be an individual (IIN) as well as an organisation (BIN). */
const individualKinds = new Set<string>(['PREMISES_OWNER', 'HOUSE_COUNCIL', 'OTHER']);

export interface CreateSubjectInput {
  kind: SubjectKindValue;
  name: string;
  identificationNumber: string;
  territoryKato?: string | null;
  email?: string | null;
}

export interface CreatePersonInput {
  iin: string;
  fullName: string;
  email?: string | null;
  phone?: string | null;
  isAdministrator?: boolean | null;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
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

/** The one row an insert returns; a unique violation is the input error `duplicate` (the value itself never appears in it). */
async function insertUnique<T>(insert: PromiseLike<T[]>, duplicate: FieldProblem): Promise<T> {
  try {
    const [row] = await insert;
    if (!row) throw new Error('The row was not recorded.');
    return row;
  } catch (error) {
    if (uniqueViolation(error)) throw badUserInput(duplicate);
    throw error;
  }
}

/** Subjects, persons and digital objects: who acts in the system. */
export class DirectoryRepository {
  constructor(private readonly db: Executor) {}

  async createSubject(input: CreateSubjectInput, instant: Date): Promise<SubjectRow> {
    const problems: FieldProblem[] = [];
    const nameProblem = required(input.name, 'input.name', 'The name');
    if (nameProblem) problems.push(nameProblem);
    const number = input.identificationNumber;
    const asBin = binProblem(number);
    if (asBin && !(individualKinds.has(input.kind) && iinProblem(number, instant) === null)) {
      problems.push({
        field: 'input.identificationNumber',
        message: individualKinds.has(input.kind) ? `Give a valid BIN or IIN. ${asBin}` : asBin,
      });
    }
    if (input.kind === 'LOCAL_EXECUTIVE_BODY' && !/^\d{9}$/.test(input.territoryKato ?? '')) {
      problems.push({ field: 'input.territoryKato', message: 'A local executive body needs the 9-digit KATO code of its territory.' });
    }
    if (input.kind !== 'LOCAL_EXECUTIVE_BODY' && input.territoryKato) {
      problems.push({ field: 'input.territoryKato', message: 'Only a local executive body has a territory.' });
    }
    const email = emailProblem(input.email, 'input.email');
    if (email) problems.push(email);
    if (problems.length) throw badUserInput(problems);
    return insertUnique(
      this.db
        .insert(subjects)
        .values({
          kind: input.kind,
          name: input.name.trim(),
          identificationNumber: number,
          territoryKato: input.territoryKato ?? null,
          email: input.email ?? null,
          createdAt: instant,
        })
        .returning(),
      { field: 'input.identificationNumber', message: 'A subject with this identification number is already registered.' },
    );
  }

  async createPerson(input: CreatePersonInput, instant: Date): Promise<PersonRow> {
    const problems: FieldProblem[] = [];
    const iin = iinProblem(input.iin, instant);
    if (iin) problems.push({ field: 'input.iin', message: iin });
    const name = required(input.fullName, 'input.fullName', 'The full name', 300);
    if (name) problems.push(name);
    const email = emailProblem(input.email, 'input.email');
    if (email) problems.push(email);
    if (input.phone && !/^\+?[0-9 ()-]{7,20}$/.test(input.phone)) problems.push({ field: 'input.phone', message: 'The phone number may contain only digits, spaces, brackets, dashes and a leading +.' });
    if (problems.length) throw badUserInput(problems);
    return insertUnique(
      this.db
        .insert(persons)
        .values({
          iin: input.iin,
          fullName: input.fullName.trim(),
          email: input.email ?? null,
          phone: input.phone ?? null,
          isAdministrator: input.isAdministrator ?? false,
          createdAt: instant,
        })
        .returning(),
      { field: 'input.iin', message: 'A person with this IIN is already registered.' },
    );
  }

  async subject(id: string): Promise<SubjectRow | undefined> {
    const [row] = await this.db.select().from(subjects).where(eq(subjects.id, id));
    return row;
  }

  async createDigitalObject(input: { subjectId: string; name: string; applicationId?: string | null }, instant: Date): Promise<DigitalObjectRow> {
    const [row] = await this.db
      .insert(digitalObjects)
      .values({ subjectId: input.subjectId, name: input.name, applicationId: input.applicationId ?? null, status: 'TESTING', createdAt: instant })
      .returning();
    if (!row) throw new Error('The digital object was not recorded.');
    return row;
  }

  /** TESTING → LIVE once the integration test passed (p.17). */
  async markTested(digitalObjectId: string, instant: Date): Promise<DigitalObjectRow> {
    const [row] = await this.db.select().from(digitalObjects).where(eq(digitalObjects.id, digitalObjectId)).for('update');
    if (!row) throw badUserInput({ field: 'digitalObjectId', message: 'No digital object has this digitalObjectId.' });
    if (row.status !== 'TESTING') throw conflict(`Only a digital object in TESTING can go live; this one is ${row.status}.`, 'digitalObjectId');
    const [updated] = await this.db.update(digitalObjects).set({ status: 'LIVE', liveAt: instant }).where(eq(digitalObjects.id, digitalObjectId)).returning();
    if (!updated) throw new Error('The digital object was not updated.');
    return updated;
  }
}
