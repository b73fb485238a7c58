import type { Context } from '../context.js';
import type { DigitalObjectRow } from '../directory-repository.js';

export const DigitalObject = {
  subject: (object: DigitalObjectRow, _: unknown, context: Context) => context.loaders.subjectById.load(object.subjectId),
  application: (object: DigitalObjectRow, _: unknown, context: Context) =>
    object.applicationId ? context.loaders.applicationById.load(object.applicationId) : null,
  grants: (object: DigitalObjectRow, _: unknown, context: Context) => context.loaders.grantsByDigitalObjectId.load(object.id),
};
