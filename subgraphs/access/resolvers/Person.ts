import type { Context } from '../context.js';
import type { PersonRow } from '../directory-repository.js';

export const Person = {
  grants: (person: PersonRow, _: unknown, context: Context) => context.loaders.grantsByPersonId.load(person.id),
};
