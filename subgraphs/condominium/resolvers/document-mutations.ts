import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import type { Transaction } from '../../../lib/db.js';
import { parseId } from '../../../lib/ids.js';
import { placeWrite } from '../../../lib/write.js';
import type { Context } from '../context.js';
import { DocumentManager, type DocumentOutcome, type PartRequest, type UploadRequest } from '../document-manager.js';

/** The inputs as the SDL gives them: the requests without the uploader, which the caller is. */
type UploadDocumentInput = Omit<UploadRequest, 'uploadedBy'>;
type AppendDocumentPartInput = Omit<PartRequest, 'uploadedBy'>;

/** One upload step as a placement with its receipt: the document, what was received, the document's id and its changes. */
function placeUpload(
  context: Context,
  info: GraphQLResolveInfo,
  operation: string,
  step: (manager: DocumentManager) => Promise<DocumentOutcome>,
) {
  return placeWrite(context, info, {
    operation,
    async run(tx: Transaction) {
      const outcome = await step(new DocumentManager(tx));
      return {
        payload: { document: outcome.document, received: outcome.received },
        objectIds: [outcome.document.id],
        changes: outcome.changes,
      };
    },
  });
}

/** Uploads (p.7): each call a placement with its receipt; the rule decided who may upload for the building. */
export const documentMutations = {
  uploadDocument(_parent: unknown, { input }: { input: UploadDocumentInput }, context: Context, info: GraphQLResolveInfo) {
    const request = {
      ...input,
      buildingId: parseId(input.buildingId, 'input.buildingId', 'a building'),
      uploadedBy: actorOf(context.caller),
    };
    return placeUpload(context, info, 'condominium.uploadDocument', (manager) => manager.upload(request, context.receivedAt));
  },

  appendDocumentPart(_parent: unknown, { input }: { input: AppendDocumentPartInput }, context: Context, info: GraphQLResolveInfo) {
    const request = {
      ...input,
      documentId: parseId(input.documentId, 'input.documentId', 'a document'),
      uploadedBy: actorOf(context.caller),
    };
    return placeUpload(context, info, 'condominium.appendDocumentPart', (manager) => manager.appendPart(request, context.receivedAt));
  },
};
