import { forbidden, unauthenticated } from '../errors.js';
import { AccessFunction } from './functions.js';
import { mayActInTerritory } from './scope.js';
import { rule } from './shield.js';

/**
 * A territory's figures (a Region's statistics field): ANALYTICS_READ of a national body,
 * or of a local executive body in its own territory. A read: it relies on nothing. Each
 * region is decided on its own (`no_cache`): a local body sees its region, not the others.
 */
export const readsTerritoryAnalytics = rule({ cache: 'no_cache' })((region: { katoCode: string }, _args, context) => {
  if (context.caller.kind === 'anonymous') return unauthenticated();
  return mayActInTerritory(context.caller, AccessFunction.AnalyticsRead, region.katoCode)
    ? true
    : forbidden("A territory's figures need ANALYTICS_READ nationally or in that territory.");
});
