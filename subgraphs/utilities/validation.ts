import { badUserInput, type FieldProblem } from '../../lib/errors.js';
import { binProblem, iinProblem } from '../../lib/identification-number.js';
import { isUuid } from '../../lib/uuid.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { TariffUnit, UtilityService } from '../../schema/utilities.js';
import type { AccountInput } from './personal-account-repository.js';
import type { NewSupplier } from './supplier-repository.js';

/** Largest batch of one upsert: bounded request size, and a transaction short enough to hold grant locks. */
export const MAX_ACCOUNTS_PER_UPSERT = 10_000;
/** Problems reported for one batch; more only repeat the lesson. */
const MAX_PROBLEMS = 50;

function text(value: string | null | undefined): string {
  return (value ?? '').trim();
}

export interface AccountInputArgs {
  buildingId: string;
  premiseNumber?: string | null;
  accountNumber: string;
  holderName: string;
  holderIin: string;
  service: UtilityService;
  openedAt: string;
  closedAt?: string | null;
}

/**
 * Checks a whole batch before anything is written and reports every problem with its
 * path (`accounts[3].holderIin`). Messages never repeat names or IINs.
 */
export function validateAccounts(accounts: readonly AccountInputArgs[], offered: readonly UtilityService[], now = new Date()): AccountInput[] {
  if (accounts.length === 0) throw badUserInput({ field: 'accounts', message: 'accounts must contain at least one account.' });
  if (accounts.length > MAX_ACCOUNTS_PER_UPSERT) {
    throw badUserInput({ field: 'accounts', message: `accounts may contain at most ${MAX_ACCOUNTS_PER_UPSERT} accounts per call; split the batch.` });
  }
  // "Not in the future" by the Kazakhstan calendar.
  const today = almatyDate(now);
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  const valid: AccountInput[] = [];
  accounts.forEach((account, index) => {
    const at = (field: string) => `accounts[${index}].${field}`;
    const add = (field: string, message: string) => problems.push({ field: at(field), message: `${at(field)}: ${message}` });
    const accountNumber = text(account.accountNumber);
    const holderName = text(account.holderName);
    const premiseNumber = account.premiseNumber === null || account.premiseNumber === undefined ? null : text(account.premiseNumber);
    if (!isUuid(account.buildingId)) add('buildingId', 'must be the id of a building.');
    if (premiseNumber !== null && (premiseNumber.length === 0 || premiseNumber.length > 20)) add('premiseNumber', 'must be 1 to 20 characters, or absent.');
    if (accountNumber.length === 0 || accountNumber.length > 50) add('accountNumber', 'must be 1 to 50 characters.');
    else if (seen.has(accountNumber)) add('accountNumber', `repeats the account number of accounts[${seen.get(accountNumber)}].`);
    else seen.set(accountNumber, index);
    if (holderName.length === 0 || holderName.length > 300) add('holderName', 'must be 1 to 300 characters.');
    const iin = iinProblem(account.holderIin, now);
    if (iin) add('holderIin', iin);
    if (!offered.includes(account.service)) add('service', `${account.service} is not a service this supplier offers (${offered.join(', ')}).`);
    if (account.openedAt > today) add('openedAt', 'must not be in the future.');
    const closedAt = account.closedAt ?? null;
    if (closedAt !== null && closedAt < account.openedAt) add('closedAt', 'must not be before openedAt.');
    else if (closedAt !== null && closedAt > today) add('closedAt', 'must not be in the future.');
    valid.push({ buildingId: account.buildingId, premiseNumber, accountNumber, holderName, holderIin: account.holderIin, service: account.service, openedAt: account.openedAt, closedAt });
  });
  if (problems.length > 0) throw badUserInput(problems.slice(0, MAX_PROBLEMS));
  return valid;
}

export interface RegisterSupplierArgs {
  subjectId: string;
  name: string;
  bin: string;
  services: UtilityService[];
}

export function validateSupplier(input: RegisterSupplierArgs): NewSupplier {
  const problems: FieldProblem[] = [];
  const name = text(input.name);
  if (!isUuid(input.subjectId)) problems.push({ field: 'input.subjectId', message: 'input.subjectId must be the id of a subject.' });
  if (name.length === 0 || name.length > 300) problems.push({ field: 'input.name', message: 'input.name must be 1 to 300 characters.' });
  const bin = binProblem(input.bin);
  if (bin) problems.push({ field: 'input.bin', message: `input.bin: ${bin}` });
  if (input.services.length === 0) problems.push({ field: 'input.services', message: 'input.services must name at least one service.' });
  if (new Set(input.services).size !== input.services.length) problems.push({ field: 'input.services', message: 'input.services must not repeat a service.' });
  if (problems.length > 0) throw badUserInput(problems);
  return { subjectId: input.subjectId, name, bin: input.bin, services: input.services };
}

export interface PublishTariffArgs {
  supplierId: string;
  service: UtilityService;
  pricePerUnit: string;
  unit: TariffUnit;
  validFrom: string;
}

export function validateTariff(input: PublishTariffArgs, offered: readonly UtilityService[]): PublishTariffArgs {
  const problems: FieldProblem[] = [];
  if (!/^\d{1,10}(\.\d{1,4})?$/.test(input.pricePerUnit)) {
    problems.push({ field: 'input.pricePerUnit', message: 'input.pricePerUnit must be a non-negative decimal with up to 10 integer digits and 4 decimal places, e.g. "123.45".' });
  }
  if (!offered.includes(input.service)) {
    problems.push({ field: 'input.service', message: `input.service: ${input.service} is not a service this supplier offers (${offered.join(', ')}).` });
  }
  if (problems.length > 0) throw badUserInput(problems);
  return input;
}
