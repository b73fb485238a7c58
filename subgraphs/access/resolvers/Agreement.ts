import type { Context } from '../context.js';
import type { AgreementRow } from '../grant-repository.js';

export const Agreement = {
  subject: (agreement: AgreementRow, _: unknown, context: Context) => context.loaders.subjectById.load(agreement.subjectId),
  application: (agreement: AgreementRow, _: unknown, context: Context) =>
    agreement.applicationId ? context.loaders.applicationById.load(agreement.applicationId) : null,
};
