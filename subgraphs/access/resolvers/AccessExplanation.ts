import type { Context } from '../context.js';

export const AccessExplanation = {
  agreement: (explanation: { agreementId: string | null }, _: unknown, context: Context) =>
    explanation.agreementId ? context.loaders.agreementById.load(explanation.agreementId) : null,
};
