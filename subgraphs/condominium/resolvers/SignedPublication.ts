import { configuredTrustStore } from '../../../lib/signatures/trust-store-config.js';
import type { Context } from '../context.js';
import { checkKeptSignature, type PublicationRow, type SignatureCheck } from '../signed-publication.js';

/** Each row's check, once per row object (a request's loaders hand out one object per row). */
const checks = new WeakMap<PublicationRow, Promise<SignatureCheck>>();

function checkOf(row: PublicationRow, context: Context): Promise<SignatureCheck> {
  let check = checks.get(row);
  if (!check) checks.set(row, (check = checkKeptSignature(row, configuredTrustStore(), context.receivedAt)));
  return check;
}

/** A signature and its publication, as the open part may show it: the organisation, never the person. */
export const SignedPublication = {
  building: (row: PublicationRow) => ({ id: row.buildingId }),
  signer: (row: PublicationRow) => ({ bin: row.signerBin, organisationName: row.signerOrganisationName }),
  signatureValid: async (row: PublicationRow, _args: unknown, context: Context) => (await checkOf(row, context)).valid,
  signatureProblem: async (row: PublicationRow, _args: unknown, context: Context) => (await checkOf(row, context)).problem,
};
