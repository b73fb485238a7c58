import { allow, deny, rule, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import type { Caller } from './caller.js';
import { forbidden, unauthenticated } from '../errors.js';

export { allow, deny, and, rule } from 'graphql-shield';

/** What every rule can read from a subgraph's context. */
export interface AuthContext {
  caller: Caller;
}

/**
 * graphql-shield with the settings this project relies on: anything without a rule
 * is refused (the library's default is to allow), our own error codes pass through
 * instead of becoming "Not Authorised!", and a rule that throws denies.
 */
export function guard(rules: IRules) {
  return shield(rules, {
    fallbackRule: deny,
    fallbackError: () => forbidden(),
    allowExternalErrors: true,
    debug: false,
  });
}

/** Any caller with a verified token. */
export const isAuthenticated = rule({ cache: 'contextual' })((_parent, _args, context: AuthContext) =>
  context.caller.kind === 'anonymous' ? unauthenticated() : true,
);

/** Staff of the Administrator (p.11). */
export const isAdministrator = rule({ cache: 'contextual' })((_parent, _args, context: AuthContext) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  return context.caller.isAdministrator ? true : forbidden('Only the Administrator may do this.');
});

/** The open part of the system (p.21): readable without registration. */
export const isOpenPart = allow;
