import { isUuid } from '../../../lib/uuid.js';
import type { Context } from '../context.js';
import type { SubjectRow } from '../directory-repository.js';

export const Subject = {
  /** A representation from the gateway; null for an id that is not one or matches nothing. */
  __resolveReference: (reference: { id: unknown }, context: Context) =>
    isUuid(reference.id) ? context.loaders.subjectById.load(reference.id.toLowerCase()) : null,
  agreements: (subject: SubjectRow, _: unknown, context: Context) => context.loaders.agreementsBySubjectId.load(subject.id),
  grants: (subject: SubjectRow, _: unknown, context: Context) => context.loaders.grantsBySubjectId.load(subject.id),
  digitalObjects: (subject: SubjectRow, _: unknown, context: Context) => context.loaders.digitalObjectsBySubjectId.load(subject.id),
};
