/**
 * Kazakhstan's 12-digit identification numbers: the IIN of a person and the BIN of an
 * organisation. Both end with a check digit computed the same way. Messages never echo
 * the number: an IIN is personal data.
 */

const firstWeights = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const secondWeights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

function weightedRemainder(digits: number[], weights: number[]): number {
  return digits.reduce((sum, digit, index) => sum + digit * (weights[index] ?? 0), 0) % 11;
}

/**
 * The check digit for the first 11 digits, or null when none exists: a remainder of 10
 * with the first weights is retried with the second; 10 again means the 11 digits are
 * never issued.
 */
export function checkDigit(first11: string): number | null {
  if (!/^\d{11}$/.test(first11)) return null;
  const digits = [...first11].map(Number);
  const first = weightedRemainder(digits, firstWeights);
  if (first !== 10) return first;
  const second = weightedRemainder(digits, secondWeights);
  return second === 10 ? null : second;
}

const twelveDigits = /^\d{12}$/;

/** Whether the 12th digit of a 12-digit `value` is the check digit of the first 11. */
function checkDigitMatches(value: string): boolean {
  const expected = checkDigit(value.slice(0, 11));
  return expected !== null && expected === Number(value[11]);
}

const wrongCheckDigit = (what: string) => `${what} has a wrong check digit; check it for a typing mistake.`;

/** Century of birth by the 7th digit: 1–2 the 19th, 3–4 the 20th, 5–6 the 21st (odd for men, even for women). */
const centuryByDigit: Record<string, number> = { '1': 1800, '2': 1800, '3': 1900, '4': 1900, '5': 2000, '6': 2000 };

/**
 * Why `value` is not a valid IIN, or null when it is: 12 digits, a date of birth
 * (YYMMDD) that is a real day not after `today`, a century digit 1–6, and the check digit.
 */
export function iinProblem(value: string, today: Date = new Date()): string | null {
  if (!twelveDigits.test(value)) return 'An IIN must be exactly 12 digits.';
  const century = centuryByDigit[value[6] ?? ''];
  if (century === undefined) return 'The 7th digit of an IIN (century of birth and sex) must be 1 to 6.';
  const year = century + Number(value.slice(0, 2));
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (birth.getUTCFullYear() !== year || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day) {
    return 'The first six digits of an IIN must be a date of birth (YYMMDD).';
  }
  if (birth.getTime() > today.getTime()) return 'The date of birth in an IIN must not be in the future.';
  return checkDigitMatches(value) ? null : wrongCheckDigit('An IIN');
}

/** 5th digit of a BIN: 4 resident legal entity, 5 non-resident legal entity, 6 individual entrepreneur in joint venture. */
const binEntityKinds = new Set(['4', '5', '6']);
/** 6th digit of a BIN: 0 head office, 1 branch, 2 representative office, 3 peasant or farm enterprise. */
const binUnitKinds = new Set(['0', '1', '2', '3']);

/**
 * Why `value` is not a valid BIN, or null when it is: 12 digits, a registration month
 * (YYMM) 01–12, the kind of entity and of unit in digits 5 and 6, and the check digit.
 */
export function binProblem(value: string): string | null {
  if (!twelveDigits.test(value)) return 'A BIN must be exactly 12 digits.';
  const month = Number(value.slice(2, 4));
  if (month < 1 || month > 12) return 'Digits 3–4 of a BIN must be the month of registration, 01 to 12.';
  if (!binEntityKinds.has(value[4] ?? '')) return 'The 5th digit of a BIN (kind of entity) must be 4, 5 or 6.';
  if (!binUnitKinds.has(value[5] ?? ''))
    return 'The 6th digit of a BIN (head office, branch, representative office or farm) must be 0 to 3.';
  return checkDigitMatches(value) ? null : wrongCheckDigit('A BIN');
}

export const isValidIin = (value: string, today?: Date): boolean => iinProblem(value, today) === null;
export const isValidBin = (value: string): boolean => binProblem(value) === null;
