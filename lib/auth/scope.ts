import type { Caller, EffectiveGrant } from './caller.js';
import { grantsOf } from './caller.js';
import { SubjectKind, type AccessFunction } from './functions.js';

/** Kinds whose rights reach the whole country rather than one territory or one subject. */
const nationalKinds = new Set<string>([SubjectKind.AuthorizedBody, SubjectKind.Administrator, SubjectKind.CentralStateBody]);

/** The caller's grants that allow `fn`. */
function grantsFor(caller: Caller, fn: AccessFunction): EffectiveGrant[] {
  return grantsOf(caller).filter((grant) => grant.functions.includes(fn));
}

export function hasFunction(caller: Caller, fn: AccessFunction): boolean {
  return grantsFor(caller, fn).length > 0;
}

/**
 * Leading digits shared by every code under a territory. KATO is AB CD EF HHH: AB the
 * region, CD a district or city in it, EF a rural district, HHH a settlement. A district
 * or city carries "10" in EF for its own centre (Almaly district 751110000, Karaganda
 * 351010000), so its prefix is AB CD; a rural district's is AB CD EF; a settlement is
 * itself.
 */
export function katoPrefix(katoCode: string): string {
  const code = katoCode.slice(0, 9);
  if (/^\d{2}0{7}$/.test(code)) return code.slice(0, 2);
  if (/^\d{4}(00|10)000$/.test(code)) return code.slice(0, 4);
  if (/^\d{6}000$/.test(code)) return code.slice(0, 6);
  return code;
}

/** Whether `katoCode` lies in the territory `territoryKato` (a code covers everything under it). */
export function withinTerritory(territoryKato: string, katoCode: string): boolean {
  return katoCode.startsWith(katoPrefix(territoryKato));
}

/**
 * Whether the caller may use `fn` on an object located at `katoCode`: national bodies
 * everywhere, a local executive body only inside its territory.
 */
export function mayActInTerritory(caller: Caller, fn: AccessFunction, katoCode: string): boolean {
  return grantsInTerritory(caller, fn, katoCode).length > 0;
}

/** The caller's grants that allow `fn` at `katoCode`: what a territorial write re-checks in its transaction. */
export function grantsInTerritory(caller: Caller, fn: AccessFunction, katoCode: string): EffectiveGrant[] {
  return grantsFor(caller, fn).filter(
    (grant) =>
      nationalKinds.has(grant.subjectKind) ||
      (grant.subjectKind === SubjectKind.LocalExecutiveBody && grant.territoryKato !== null && withinTerritory(grant.territoryKato, katoCode)),
  );
}

/** Subject ids the caller acts for with `fn` (a supplier's own accounts, an OSI's own buildings). */
export function subjectsFor(caller: Caller, fn: AccessFunction): string[] {
  return [...new Set(grantsFor(caller, fn).map((grant) => grant.subjectId))];
}

/** How a change is attributed in histories and receipts. */
export function actorOf(caller: Caller): string {
  switch (caller.kind) {
    case 'person':
      return `person:${caller.personId}`;
    case 'machine':
      return `digital-object:${caller.digitalObjectId}`;
    default:
      return 'anonymous';
  }
}

/** Whether the caller holds `fn` for the whole country (a national body's grant), not just a territory or one subject. */
export function hasNationalFunction(caller: Caller, fn: AccessFunction): boolean {
  return grantsFor(caller, fn).some((grant) => nationalKinds.has(grant.subjectKind));
}

/** The caller's grants that allow `fn` on behalf of `subjectId`: what a write re-checks in its transaction. */
export function grantsForSubject(caller: Caller, fn: AccessFunction, subjectId: string): EffectiveGrant[] {
  return grantsFor(caller, fn).filter((grant) => grant.subjectId === subjectId);
}
