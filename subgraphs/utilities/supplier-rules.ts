import type { AccessFunction } from '../../lib/auth/functions.js';
import { grantsForSubject, hasFunction } from '../../lib/auth/scope.js';
import { relyOnGrants, rule } from '../../lib/auth/shield.js';
import { forbidden, notFound, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import type { Context } from './context.js';

/**
 * The caller acts with `fn` for the supplier whose subject `subjectOf` finds from the
 * arguments: relies on the caller's grants of `fn` for that subject (a supplier only on its
 * own data). Nothing found is NOT_FOUND, as `missing` names it.
 */
export function actsForSubjectOf(
  fn: AccessFunction,
  subjectOf: (args: Record<string, unknown>, context: Context) => Promise<string | null>,
  missing: { what: string; field: string },
) {
  return rule({ cache: 'no_cache' })(async (_parent, args, context: Context) => {
    const { caller } = context;
    if (caller.kind === 'anonymous') return unauthenticated();
    if (!hasFunction(caller, fn)) return forbidden(`This operation needs ${fn}.`);
    const subjectId = await subjectOf(args, context);
    if (!subjectId) return notFound(missing.what, missing.field);
    return relyOnGrants(grantsForSubject(caller, fn, subjectId), () => forbidden(`You may use ${fn} only for the suppliers you act for.`));
  });
}

/**
 * The caller acts with `fn` for the supplier named in the arguments at `field` (by default
 * `supplierId`). A malformed id is BAD_USER_INPUT, a supplier that does not exist NOT_FOUND.
 */
export function actsForSupplier(
  fn: AccessFunction,
  field = 'supplierId',
  supplierIdOf: (args: Record<string, unknown>) => unknown = (args) => args.supplierId,
) {
  return actsForSubjectOf(
    fn,
    async (args, context) => (await context.loaders.supplierById.load(parseId(supplierIdOf(args), field, 'a supplier')))?.subjectId ?? null,
    { what: 'The supplier', field },
  );
}
