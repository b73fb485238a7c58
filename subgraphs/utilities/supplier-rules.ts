import type { AccessFunction } from '../../lib/auth/functions.js';
import { grantsForSubject, hasFunction } from '../../lib/auth/scope.js';
import { relyOnGrants, rule } from '../../lib/auth/shield.js';
import { forbidden, notFound, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../../lib/ids.js';
import type { Context } from './context.js';

/**
 * The caller acts with `fn` for the supplier named in the arguments at `field`: relies on
 * the caller's grants of `fn` for that supplier's subject (a supplier only on its own data).
 * A malformed id is BAD_USER_INPUT, a supplier that does not exist NOT_FOUND.
 */
export function actsForSupplier(fn: AccessFunction, field: string, supplierIdOf: (args: Record<string, unknown>) => unknown) {
  return rule({ cache: 'no_cache' })(async (_parent, args, context: Context) => {
    const { caller } = context;
    if (caller.kind === 'anonymous') return unauthenticated();
    if (!hasFunction(caller, fn)) return forbidden(`This operation needs ${fn}.`);
    const supplier = await context.loaders.supplierById.load(parseId(supplierIdOf(args), field, 'a supplier'));
    if (!supplier) return notFound('The supplier', field);
    return relyOnGrants(grantsForSubject(caller, fn, supplier.subjectId), () =>
      forbidden(`You may use ${fn} only for the suppliers you act for.`),
    );
  });
}
