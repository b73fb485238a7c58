import type { OwnerRow } from '../premises-repository.js';

/**
 * Personal data: the shield wraps these fields (their rule is not `allow`) whether or not
 * they have resolvers; they are declared so the data's path is explicit. The rule decides
 * whether the value is sent.
 */
export const PremiseOwner = {
  identificationNumber: (owner: OwnerRow) => owner.identificationNumber,
  name: (owner: OwnerRow) => owner.name,
};
