import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, type FieldProblem } from '../../lib/errors.js';
import { isKatoCode } from '../../lib/kato.js';
import { isUuid } from '../../lib/uuid.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { SupplierLicence, UtilityService } from '../../schema/utilities.js';
import { ReferencesRepository } from './references-repository.js';
import { SupplierManager } from './supplier-manager.js';
import { type SupplierPassport, SupplierRepository, type SupplierRow } from './supplier-repository.js';

/** `SupplierPassportInput` as the client sends it. */
export interface SupplierPassportInput {
  services: UtilityService[];
  naturalMonopoly: boolean;
  territoryKatos: string[];
  buildingIds: string[];
  licences: Array<Omit<SupplierLicence, 'validUntil'> & { validUntil?: string | null }>;
  contacts?: { legalAddress?: string | null; phone?: string | null; email?: string | null; website?: string | null } | null;
  bankDetails?: { bankName: string; bic: string; iban: string; beneficiaryCode: string } | null;
}

const MAX_TERRITORIES = 100;
const MAX_BUILDINGS = 10_000;
const MAX_LICENCES = 50;

/**
 * Whether an IBAN's check digits hold (ISO 13616: the country and check digits moved to the
 * end, letters as 10–35, the number modulo 97 is 1).
 */
export function ibanChecks(iban: string): boolean {
  if (!/^KZ\d{2}[0-9A-Z]{16}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function optionalText(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed.length === 0 ? null : trimmed;
}

/** Checks a passport in memory against today (Kazakhstan), listing every problem; ids come back in lower case. */
export function validatePassport(input: SupplierPassportInput, now: Date): SupplierPassport {
  const today = almatyDate(now);
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field: `input.${field}`, message: `input.${field} ${message}` });
  if (input.services.length === 0) add('services', 'must name at least one service.');
  if (new Set(input.services).size !== input.services.length) add('services', 'must not repeat a service.');

  if (input.territoryKatos.length > MAX_TERRITORIES) add('territoryKatos', `must list at most ${MAX_TERRITORIES} territories.`);
  input.territoryKatos.forEach((code, index) => {
    if (!isKatoCode(code)) add(`territoryKatos[${index}]`, 'must be a 9-digit KATO code.');
    else if (input.territoryKatos.indexOf(code) !== index) add(`territoryKatos[${index}]`, 'repeats a territory listed before.');
  });

  if (input.buildingIds.length > MAX_BUILDINGS) add('buildingIds', `must list at most ${MAX_BUILDINGS} buildings.`);
  const buildingIds = input.buildingIds.map((id) => id.toLowerCase());
  buildingIds.forEach((id, index) => {
    if (!isUuid(id)) add(`buildingIds[${index}]`, 'must be an id (a UUID) of a building of the register.');
    else if (buildingIds.indexOf(id) !== index) add(`buildingIds[${index}]`, 'repeats a building listed before.');
  });

  if (input.licences.length > MAX_LICENCES) add('licences', `must list at most ${MAX_LICENCES} licences.`);
  const licences: SupplierLicence[] = input.licences.map((licence, index) => {
    const at = `licences[${index}]`;
    const number = licence.number.trim();
    const activity = licence.activity.trim();
    const issuedBy = licence.issuedBy.trim();
    const validUntil = licence.validUntil ?? null;
    if (number.length === 0 || number.length > 50) add(`${at}.number`, 'must be 1 to 50 characters.');
    if (activity.length === 0 || activity.length > 500) add(`${at}.activity`, 'must be 1 to 500 characters.');
    if (issuedBy.length === 0 || issuedBy.length > 300) add(`${at}.issuedBy`, 'must be 1 to 300 characters.');
    if (licence.issuedOn > today) add(`${at}.issuedOn`, 'must not be in the future.');
    if (validUntil !== null && validUntil < licence.issuedOn) add(`${at}.validUntil`, 'must not be before issuedOn.');
    return { number, activity, issuedBy, issuedOn: licence.issuedOn, validUntil };
  });

  const contacts = {
    legalAddress: optionalText(input.contacts?.legalAddress),
    phone: optionalText(input.contacts?.phone),
    email: optionalText(input.contacts?.email),
    website: optionalText(input.contacts?.website),
  };
  if (contacts.legalAddress !== null && contacts.legalAddress.length > 500) add('contacts.legalAddress', 'must be at most 500 characters.');
  if (contacts.phone !== null && !/^[+\d][\d ()-]{4,29}$/.test(contacts.phone))
    add('contacts.phone', 'must be 5 to 30 digits, spaces, +, -, ( or ).');
  if (contacts.email !== null && (contacts.email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contacts.email)))
    add('contacts.email', 'must be an e-mail address of at most 254 characters.');
  if (contacts.website !== null && (contacts.website.length > 300 || !/^https?:\/\/[^\s]+$/.test(contacts.website)))
    add('contacts.website', 'must be an http or https address of at most 300 characters.');

  const bank = input.bankDetails ?? null;
  let bankDetails: SupplierPassport['bankDetails'] = null;
  if (bank) {
    bankDetails = {
      bankName: bank.bankName.trim(),
      bic: bank.bic.trim().toUpperCase(),
      iban: bank.iban.replaceAll(' ', '').toUpperCase(),
      beneficiaryCode: bank.beneficiaryCode.trim(),
    };
    if (bankDetails.bankName.length === 0 || bankDetails.bankName.length > 300) add('bankDetails.bankName', 'must be 1 to 300 characters.');
    if (!/^[A-Z0-9]{8}([A-Z0-9]{3})?$/.test(bankDetails.bic)) add('bankDetails.bic', 'must be 8 or 11 letters and digits.');
    if (!ibanChecks(bankDetails.iban))
      add('bankDetails.iban', 'must be a Kazakh IBAN (KZ and 18 letters or digits) with valid check digits.');
    if (!/^\d{2}$/.test(bankDetails.beneficiaryCode)) add('bankDetails.beneficiaryCode', 'must be two digits.');
  }

  if (problems.length > 0) throw badUserInput(problems);
  return {
    services: input.services,
    naturalMonopoly: input.naturalMonopoly,
    territoryKatos: input.territoryKatos,
    buildingIds,
    licences,
    contacts,
    bankDetails,
  };
}

/** A passport changed, for the feed (p.32): the supplier's record, owned by its subject. */
export function passportChange(supplier: SupplierRow): ChangeDeclaration {
  return { type: 'SUPPLIER', id: supplier.id, operation: 'UPDATED', subjectId: supplier.subjectId };
}

/** The supplier passport (category 9): one whole passport replaces the previous one. */
export class SupplierPassportManager {
  constructor(private readonly executor: Executor) {}

  /**
   * Replaces the passport of `supplierId`: valid in memory, every building in the register
   * (one statement), the version still `expectedVersion` when given; the supplier's row is
   * locked for the change so that two concurrent changes apply one after the other.
   */
  async update(
    supplierId: string,
    input: SupplierPassportInput,
    expectedVersion: number | null | undefined,
    by: { actor: string; now: Date },
  ): Promise<SupplierRow> {
    const passport = validatePassport(input, by.now);
    await new SupplierManager(this.executor).existing(supplierId, 'supplierId');
    const repository = new SupplierRepository(this.executor);
    const version = await repository.lockVersion(supplierId);
    if (expectedVersion != null && expectedVersion !== version) {
      throw conflict(
        `The passport was changed since version ${expectedVersion} (it is at version ${version}); reload it and apply your change again.`,
        'expectedVersion',
      );
    }
    const known = await new ReferencesRepository(this.executor).existingBuildings(passport.buildingIds);
    const unknown: FieldProblem[] = passport.buildingIds.flatMap((id, index) =>
      known.has(id)
        ? []
        : [{ field: `input.buildingIds[${index}]`, message: `input.buildingIds[${index}] is not the id of a building of the register.` }],
    );
    if (unknown.length > 0) throw badUserInput(unknown);
    return repository.replacePassport(supplierId, passport, by);
  }
}
