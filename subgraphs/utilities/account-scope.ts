import type { Caller } from '../../lib/auth/caller.js';
import { AccessFunction } from '../../lib/auth/functions.js';
import { hasNationalFunction, subjectsFor } from '../../lib/auth/scope.js';

/**
 * Which personal accounts a caller reaches, computed once per request from its grants.
 * A supplier reaches the accounts it keeps; a national body with ANALYTICS_READ reaches
 * all of them (p.6, p.31: each function only as far as the right allows). Local
 * executive bodies' territorial analytics waits for the buildings' KATO codes here.
 */
export interface AccountScope {
  /** Subjects of the suppliers whose accounts the caller reads; null means every supplier. */
  readSubjects: ReadonlySet<string> | null;
  /** Suppliers' subjects whose holders' personal data the caller reads; null means all. */
  holderDataSubjects: ReadonlySet<string> | null;
}

export function accountScopeOf(caller: Caller): AccountScope {
  const maintained = subjectsFor(caller, AccessFunction.PersonalAccountsMaintain);
  const readSubjects = hasNationalFunction(caller, AccessFunction.AnalyticsRead) ? null : new Set(maintained);
  // The supplier that keeps an account entered its holder and needs them to bill; anyone
  // else needs PERSONAL_DATA_READ, nationally or for that supplier.
  const holderDataSubjects = hasNationalFunction(caller, AccessFunction.PersonalDataRead)
    ? null
    : new Set([...maintained, ...subjectsFor(caller, AccessFunction.PersonalDataRead)]);
  return { readSubjects, holderDataSubjects };
}

/** Whether the caller may list or look up personal accounts at all. */
export function readsAnyAccount(scope: AccountScope): boolean {
  return scope.readSubjects === null || scope.readSubjects.size > 0;
}

export function readsHolderDataOf(scope: AccountScope, supplierSubjectId: string): boolean {
  return scope.holderDataSubjects === null || scope.holderDataSubjects.has(supplierSubjectId);
}
