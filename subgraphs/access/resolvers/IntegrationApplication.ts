import { almatyDate } from '../../../lib/working-calendar.js';
import type { ApplicationRow } from '../application-repository.js';
import type { Context } from '../context.js';

export const IntegrationApplication = {
  subject: (application: ApplicationRow, _: unknown, context: Context) => context.loaders.subjectById.load(application.subjectId),
  overdue: (application: ApplicationRow, _: unknown, context: Context) =>
    application.status === 'SUBMITTED' && application.deadline < almatyDate(context.receivedAt),
  agreement: (application: ApplicationRow, _: unknown, context: Context) =>
    application.agreementId ? context.loaders.agreementById.load(application.agreementId) : null,
  digitalObject: (application: ApplicationRow, _: unknown, context: Context) =>
    application.digitalObjectId ? context.loaders.digitalObjectById.load(application.digitalObjectId) : null,
};
