import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, type FieldProblem, forbidden, notFound } from '../../lib/errors.js';
import { textProblem } from '../../lib/input-values.js';
import type { AttachedRecordKind } from '../../schema/condominium.js';
import { DocumentRepository, type DocumentRow } from './document-repository.js';
import { type DocumentStore, documentStoreFor, MAX_DOCUMENT_BYTES, MAX_PART_BYTES } from './document-store.js';
import { ManagementRepository } from './management-repository.js';

/** A new document as `uploadDocument` asks for it: its description and its first part (or all of it). */
export interface UploadRequest {
  buildingId: string;
  fileName: string;
  mediaType: string;
  /** Bytes of the whole document. */
  size: number;
  /** SHA-256 of the whole document, hex. */
  sha256: string;
  /** Base64 of the first part (bytes 0…); the whole document when it is at most 4 MiB. */
  content: string;
  /** `actorOf(caller)`. */
  uploadedBy: string;
}

/** The next part of a document being uploaded. */
export interface PartRequest {
  documentId: string;
  /** Position of the part's first byte: the number of bytes received so far. */
  offset: number;
  content: string;
  uploadedBy: string;
}

export interface DocumentOutcome {
  document: DocumentRow;
  /** Bytes of the document held after this call. */
  received: number;
  changes: ChangeDeclaration[];
}

const MiB = 1024 * 1024;
const base64Text = /^[A-Za-z0-9+/]*={0,2}$/;
const mediaTypePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

function fileNameProblem(name: string): string | null {
  if (name.trim().length === 0 || name.length > 255) return 'input.fileName must be 1 to 255 characters.';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here.
  if (/[/\\\u0000-\u001f\u007f]/.test(name)) return 'input.fileName must be a file name without a path or control characters.';
  return textProblem(name) ? 'input.fileName must be well-formed text.' : null;
}

/** The bytes of a part, or the problem with it at `field`. */
function decodePart(text: string, field: string): Buffer | FieldProblem {
  const tooLarge = {
    field,
    message: `${field} carries more than ${MAX_PART_BYTES} bytes (4 MiB), the most one call may; send the document in parts with appendDocumentPart.`,
  };
  // Measured before decoding too, so a part far too large costs nothing to refuse.
  if (text.length > Math.ceil(MAX_PART_BYTES / 3) * 4) return tooLarge;
  if (text.length === 0 || text.length % 4 !== 0 || !base64Text.test(text))
    return { field, message: `${field} must be the part's bytes in base64 (RFC 4648, with padding).` };
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > MAX_PART_BYTES ? tooLarge : bytes;
}

/**
 * Documents (p.7): uploads in parts of at most 4 MiB, up to 20 MiB a document, proven by the
 * SHA-256 declared at the start; and their attachment to records. The content goes to a
 * `DocumentStore` (PostgreSQL by default). Give it the write's transaction: a refused call
 * keeps nothing of what it carried.
 */
export class DocumentManager {
  private readonly documents: DocumentRepository;
  private readonly store: DocumentStore;
  private readonly management: ManagementRepository;

  constructor(executor: Executor, store?: DocumentStore) {
    this.documents = new DocumentRepository(executor);
    this.management = new ManagementRepository(executor);
    this.store = store ?? documentStoreFor(executor);
  }

  /**
   * Begins a document with its first part; when that part is the whole document, it is
   * checked against the declared SHA-256 and STORED at once. BAD_USER_INPUT (naming the
   * field) for a size past 20 MiB, a part past 4 MiB, content that is not base64, longer than
   * the declared size or not matching the declared SHA-256; NOT_FOUND for an unknown building.
   */
  async upload(request: UploadRequest, at: Date): Promise<DocumentOutcome> {
    const problems: FieldProblem[] = [];
    const nameProblem = fileNameProblem(request.fileName);
    if (nameProblem) problems.push({ field: 'input.fileName', message: nameProblem });
    if (!mediaTypePattern.test(request.mediaType))
      problems.push({ field: 'input.mediaType', message: 'input.mediaType must be a media type in lower case, e.g. "application/pdf".' });
    if (!Number.isInteger(request.size) || request.size < 1 || request.size > MAX_DOCUMENT_BYTES)
      problems.push({
        field: 'input.size',
        message: `input.size is ${request.size} bytes; a document must have 1 to ${MAX_DOCUMENT_BYTES} bytes (${MAX_DOCUMENT_BYTES / MiB} MiB).`,
      });
    if (!/^[0-9a-fA-F]{64}$/.test(request.sha256))
      problems.push({ field: 'input.sha256', message: 'input.sha256 must be the SHA-256 of the whole document, 64 hexadecimal digits.' });
    const part = decodePart(request.content, 'input.content');
    if (!Buffer.isBuffer(part)) problems.push(part);
    else if (part.length > request.size)
      problems.push({ field: 'input.content', message: `input.content carries ${part.length} bytes, more than input.size.` });
    if (problems.length > 0 || !Buffer.isBuffer(part)) throw badUserInput(problems);

    const katoCode = await this.management.buildingKato(request.buildingId);
    if (katoCode === null) throw notFound('The building given in input.buildingId', 'input.buildingId');
    const row = await this.documents.insert({
      buildingId: request.buildingId,
      fileName: request.fileName,
      mediaType: request.mediaType,
      size: request.size,
      sha256: request.sha256.toLowerCase(),
      uploadedBy: request.uploadedBy,
    });
    await this.store.append(row.id, 0, part);
    const document = await this.finishIfWhole(row, part.length, 'input.content', at);
    return { document, received: part.length, changes: [await this.declare(row, 'CREATED', katoCode, at)] };
  }

  /**
   * Adds the next part of a document being uploaded, by whoever began it; the last part
   * completes it (checked against the declared SHA-256, refused otherwise, that part not
   * kept). BAD_USER_INPUT for an offset other than the bytes received so far (naming the
   * expected one), a part past 4 MiB or past the declared size; CONFLICT for a document
   * already stored.
   */
  async appendPart(request: PartRequest, at: Date): Promise<DocumentOutcome> {
    const row = await this.documents.lock(request.documentId);
    if (!row) throw notFound('The document given in input.documentId', 'input.documentId');
    if (row.uploadedBy !== request.uploadedBy) throw forbidden('Only whoever began the upload of a document may send its parts.');
    if (row.status === 'STORED')
      throw badUserInput({ field: 'input.documentId', message: 'This document is complete; its content cannot change.' });
    const part = decodePart(request.content, 'input.content');
    if (!Buffer.isBuffer(part)) throw badUserInput(part);
    const received = await this.store.received(row.id);
    if (request.offset !== received)
      throw badUserInput({ field: 'input.offset', message: `input.offset must be ${received}, the number of bytes received so far.` });
    if (received + part.length > row.size)
      throw badUserInput({
        field: 'input.content',
        message: `input.content would bring the document to ${received + part.length} bytes, past its declared size of ${row.size}.`,
      });
    await this.store.append(row.id, received, part);
    const document = await this.finishIfWhole(row, received + part.length, 'input.content', at);
    const katoCode = await this.management.buildingKato(row.buildingId);
    return { document, received: received + part.length, changes: [await this.declare(row, 'UPDATED', katoCode, at)] };
  }

  /**
   * Located at the building, owned by the subject that manages it on the day of the write
   * (whoever uploads, a manager or an owner): the manager reads its building's documents, so
   * its own system follows them in the feed.
   */
  private async declare(row: DocumentRow, operation: 'CREATED' | 'UPDATED', katoCode: string | null, at: Date): Promise<ChangeDeclaration> {
    return { type: 'DOCUMENT', id: row.id, operation, katoCode, subjectId: await this.management.managingSubjectAt(row.buildingId, at) };
  }

  private async finishIfWhole(row: DocumentRow, received: number, field: string, at: Date): Promise<DocumentRow> {
    if (received < row.size) return row;
    const digest = await this.store.sha256(row.id);
    if (digest !== row.sha256)
      throw badUserInput({
        field,
        message: `The document's content has the SHA-256 ${digest}, not the declared ${row.sha256}; nothing of this call was kept.`,
      });
    return this.documents.markStored(row.id, at);
  }

  /**
   * Attaches stored documents of the record's building to a record (a report, a protocol, a
   * contract, a request): what a feature calls when it writes the record, with the input
   * field that listed them. NOT_FOUND for an unknown document, BAD_USER_INPUT for one still
   * uploading, of another building, or listed twice.
   */
  async attach(recordKind: AttachedRecordKind, recordId: string, buildingId: string, documentIds: readonly string[], field: string) {
    if (documentIds.length === 0) return;
    const found = new Map((await this.documents.byIds(documentIds)).map((row) => [row.id, row]));
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    for (const [index, id] of documentIds.entries()) {
      const at = `${field}[${index}]`;
      const document = found.get(id);
      if (!document) throw notFound(`The document given in ${at}`, at);
      if (seen.has(id)) problems.push({ field: at, message: `${at} lists a document already listed.` });
      seen.add(id);
      if (document.status !== 'STORED') problems.push({ field: at, message: `${at} is still uploading; send its remaining parts first.` });
      if (document.buildingId !== buildingId) problems.push({ field: at, message: `${at} is a document of another building.` });
    }
    if (problems.length > 0) throw badUserInput(problems);
    await this.documents.attach(recordKind, recordId, documentIds);
  }

  /** Up to `length` bytes of a stored document from `offset` (at most 4 MiB). */
  read(documentId: string, offset: number, length: number): Promise<Buffer> {
    return this.store.read(documentId, offset, Math.min(length, MAX_PART_BYTES));
  }
}
