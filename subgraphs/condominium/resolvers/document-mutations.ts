import type { GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../../../lib/auth/scope.js';
import { parseId } from '../../../lib/ids.js';
import { placeWrite } from '../../../lib/write.js';
import type { Context } from '../context.js';
import { DocumentManager } from '../document-manager.js';

interface UploadDocumentInput {
  buildingId: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  content: string;
}

interface AppendDocumentPartInput {
  documentId: string;
  offset: number;
  content: string;
}

/** Uploads (p.7): each call a placement with its receipt; the rule decided who may upload for the building. */
export const documentMutations = {
  uploadDocument(_parent: unknown, { input }: { input: UploadDocumentInput }, context: Context, info: GraphQLResolveInfo) {
    const request = {
      ...input,
      buildingId: parseId(input.buildingId, 'input.buildingId', 'a building'),
      uploadedBy: actorOf(context.caller),
    };
    return placeWrite(context, info, {
      operation: 'condominium.uploadDocument',
      async run(tx) {
        const outcome = await new DocumentManager(tx).upload(request, context.receivedAt);
        return {
          payload: { document: outcome.document, received: outcome.received },
          objectIds: [outcome.document.id],
          changes: outcome.changes,
        };
      },
    });
  },

  appendDocumentPart(_parent: unknown, { input }: { input: AppendDocumentPartInput }, context: Context, info: GraphQLResolveInfo) {
    const request = {
      ...input,
      documentId: parseId(input.documentId, 'input.documentId', 'a document'),
      uploadedBy: actorOf(context.caller),
    };
    return placeWrite(context, info, {
      operation: 'condominium.appendDocumentPart',
      async run(tx) {
        const outcome = await new DocumentManager(tx).appendPart(request, context.receivedAt);
        return {
          payload: { document: outcome.document, received: outcome.received },
          objectIds: [outcome.document.id],
          changes: outcome.changes,
        };
      },
    });
  },
};
