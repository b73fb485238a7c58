import { withinTerritory } from '../kato.js';
import type { Caller, EffectiveGrant } from './caller.js';
import { grantsOf } from './caller.js';
import { type AccessFunction, SubjectKind } from './functions.js';

export { katoPrefix, withinTerritory } from '../kato.js';

/** Kinds whose rights reach the whole country rather than one territory or one subject. */
const nationalKinds = new Set<string>([SubjectKind.AuthorizedBody, SubjectKind.Administrator, SubjectKind.CentralStateBody]);

/** Whether a grant is a national body's: its rights reach the whole country. */
export function isNationalGrant(grant: EffectiveGrant): boolean {
  return nationalKinds.has(grant.subjectKind);
}

/** The caller's grants that allow `fn`. */
function grantsFor(caller: Caller, fn: AccessFunction): EffectiveGrant[] {
  return grantsOf(caller).filter((grant) => grant.functions.includes(fn));
}

export function hasFunction(caller: Caller, fn: AccessFunction): boolean {
  return grantsFor(caller, fn).length > 0;
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
      (grant.subjectKind === SubjectKind.LocalExecutiveBody &&
        grant.territoryKato !== null &&
        withinTerritory(grant.territoryKato, katoCode)),
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
