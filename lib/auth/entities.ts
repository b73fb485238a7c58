import { forbidden, unauthenticated } from '../errors.js';
import type { Caller } from './caller.js';
import { type AuthContext, rule } from './shield.js';

/** One `_entities` representation: the entity's key fields plus `__typename`. */
export type Representation = { __typename: string } & Record<string, unknown>;

/**
 * Whether the caller may resolve this representation at all. Type-level only: which
 * objects of the type the caller sees is decided in `__resolveReference`, through a
 * scope-filtering DataLoader that returns null for objects outside the caller's scope.
 */
export type EntityPolicy<TContext extends AuthContext = AuthContext> = (
  caller: Caller,
  representation: Representation,
  context: TContext,
) => boolean | Promise<boolean>;

/** Anyone, signed in or not: entities of the open part (p.21). */
export const openEntity: EntityPolicy = () => true;

/** Any caller with a verified token. */
export const authenticatedEntity: EntityPolicy = (caller) => caller.kind !== 'anonymous';

const typeName = /^[A-Za-z_][A-Za-z0-9_]{0,100}$/;

/**
 * The rule for `Query._entities`, which the gateway uses to fetch entity fields and
 * which bypasses every root field's rule. Fail-closed: the whole call is refused when
 * any representation names a type without a policy here, or its policy refuses it.
 */
export function entitiesRule<TContext extends AuthContext = AuthContext>(policies: Record<string, EntityPolicy<TContext>>) {
  return rule({ cache: 'no_cache' })(async (_parent, args: { representations?: unknown }, context: TContext) => {
    const representations = Array.isArray(args.representations) ? args.representations : [];
    for (const representation of representations) {
      const name: unknown = (representation as { __typename?: unknown } | null)?.__typename;
      if (typeof name !== 'string' || !typeName.test(name)) return forbidden('Every representation needs a valid __typename.');
      const policy = Object.hasOwn(policies, name) ? policies[name] : undefined;
      if (!policy) return forbidden(`Entities of type ${name} cannot be fetched from this service.`);
      if (!(await policy(context.caller, representation as Representation, context))) {
        return context.caller.kind === 'anonymous'
          ? unauthenticated()
          : forbidden(`Your access right does not allow reading ${name} entities.`);
      }
    }
    return true;
  });
}
