import { createHash } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { documentParts, documents } from '../schema/condominium.js';
import { receipts } from '../schema/platform.js';
import { buildingInput, insertTerritories } from './support/buildings-fixtures.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// Documents (p.7): uploads in parts of at most 4 MiB up to 20 MiB, proven by their SHA-256,
// refused past the bounds with the field named and nothing kept; read back in parts.

const upload = `mutation($input: UploadDocumentInput!) {
  uploadDocument(input: $input) { document { id status size sha256 fileName building { id } } received receipt { operation } } }`;
const append = `mutation($input: AppendDocumentPartInput!) {
  appendDocumentPart(input: $input) { document { id status } received } }`;
const read = `query($id: ID!, $offset: Int, $length: Int) { document(id: $id) { status sha256 content(offset: $offset, length: $length) } }`;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('condominium documents', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let buildingId: string;
  let token: string;

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    await insertTerritories(system.db);
    const registrar = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain]);
    const registered = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput() },
      { token: registrar.token },
    );
    buildingId = registered.data?.registerBuilding.building.id;
    const osi = await fixture.access.subject('OSI');
    const assigned = await system.query(
      `mutation($input: AssignManagementInput!) { assignManagement(input: $input) { assignment { id } } }`,
      { input: { buildingId, subjectId: osi.id, validFrom: '2025-01-01' } },
      { token: fixture.adminToken },
    );
    expect(assigned.errors).toBeUndefined();
    token = (await fixture.person('OSI', [AccessFunction.CondominiumManage], { subjectId: osi.id })).token;
  });
  afterAll(async () => {
    await system?.close();
  });

  async function counts() {
    const [docs] = await system.db.select({ n: count() }).from(documents);
    const [parts] = await system.db.select({ n: count() }).from(documentParts);
    const [placed] = await system.db.select({ n: count() }).from(receipts);
    return { documents: docs?.n, parts: parts?.n, receipts: placed?.n };
  }

  it('stores a small document in one call, with its SHA-256 and size, and reads it back', async () => {
    const bytes = Buffer.from('%PDF-1.7 minutes of the board, scanned');
    const answer = await system.query(
      upload,
      {
        input: {
          buildingId,
          fileName: 'board-minutes.pdf',
          mediaType: 'application/pdf',
          size: bytes.length,
          sha256: sha256(bytes),
          content: bytes.toString('base64'),
        },
      },
      { token },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.uploadDocument).toMatchObject({
      document: { status: 'STORED', size: bytes.length, sha256: sha256(bytes), building: { id: buildingId } },
      received: bytes.length,
      receipt: { operation: 'condominium.uploadDocument' },
    });
    const id = answer.data?.uploadDocument.document.id;
    const whole = await system.query(read, { id }, { token });
    expect(Buffer.from(whole.data?.document.content, 'base64').equals(bytes)).toBe(true);
    const middle = await system.query(read, { id, offset: 5, length: 3 }, { token });
    expect(Buffer.from(middle.data?.document.content, 'base64').toString()).toBe(bytes.subarray(5, 8).toString());
  });

  it('takes a larger document in parts, each at the offset received so far, and stores it when the whole matches', async () => {
    const bytes = Buffer.alloc(4 * 1024 * 1024 + 1000, 7);
    bytes.write('scan of the contract', 0);
    const first = bytes.subarray(0, 4 * 1024 * 1024);
    const rest = bytes.subarray(4 * 1024 * 1024);
    const begun = await system.query(
      upload,
      {
        input: {
          buildingId,
          fileName: 'contract.tiff',
          mediaType: 'image/tiff',
          size: bytes.length,
          sha256: sha256(bytes),
          content: first.toString('base64'),
        },
      },
      { token },
    );
    expect(begun.errors).toBeUndefined();
    expect(begun.data?.uploadDocument).toMatchObject({ document: { status: 'UPLOADING' }, received: first.length });
    const documentId = begun.data?.uploadDocument.document.id;
    expect((await system.query(read, { id: documentId }, { token })).data?.document).toMatchObject({ status: 'UPLOADING', content: null });

    const wrongOffset = await system.query(append, { input: { documentId, offset: 0, content: rest.toString('base64') } }, { token });
    expect(wrongOffset.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.offset' });
    expect(wrongOffset.errors?.[0]?.message).toContain(String(first.length));

    const done = await system.query(append, { input: { documentId, offset: first.length, content: rest.toString('base64') } }, { token });
    expect(done.errors).toBeUndefined();
    expect(done.data?.appendDocumentPart).toMatchObject({ document: { status: 'STORED' }, received: bytes.length });
    const tail = await system.query(read, { id: documentId, offset: first.length - 10, length: 20 }, { token });
    expect(Buffer.from(tail.data?.document.content, 'base64').equals(bytes.subarray(first.length - 10, first.length + 10))).toBe(true);
  });

  it('refuses a document past 20 MiB, a part past 4 MiB and content that does not hash as declared, keeping nothing', async () => {
    const before = await counts();
    const bytes = Buffer.from('the real content');
    const tooLarge = await system.query(
      upload,
      {
        input: {
          buildingId,
          fileName: 'archive.zip',
          mediaType: 'application/zip',
          size: 20 * 1024 * 1024 + 1,
          sha256: sha256(bytes),
          content: bytes.toString('base64'),
        },
      },
      { token },
    );
    expect(tooLarge.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.size' });
    expect(tooLarge.errors?.[0]?.message).toMatch(/20971520 bytes \(20 MiB\)/);

    const bigPart = Buffer.alloc(4 * 1024 * 1024 + 1, 1);
    const partTooLarge = await system.query(
      upload,
      {
        input: {
          buildingId,
          fileName: 'scan.png',
          mediaType: 'image/png',
          size: bigPart.length,
          sha256: sha256(bigPart),
          content: bigPart.toString('base64'),
        },
      },
      { token },
    );
    expect(partTooLarge.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });

    const mismatch = await system.query(
      upload,
      {
        input: {
          buildingId,
          fileName: 'report.pdf',
          mediaType: 'application/pdf',
          size: bytes.length,
          sha256: sha256(Buffer.from('other content')),
          content: bytes.toString('base64'),
        },
      },
      { token },
    );
    expect(mismatch.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
    expect(mismatch.errors?.[0]?.message).toMatch(/not the declared/);
    expect(await counts()).toEqual(before);
  });

  it('refuses anonymous callers, and a manager of another building', async () => {
    const bytes = Buffer.from('x');
    const anonymous = await system.query(upload, {
      input: { buildingId, fileName: 'x.txt', mediaType: 'text/plain', size: 1, sha256: sha256(bytes), content: bytes.toString('base64') },
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const stranger = await fixture.person('OSI', [AccessFunction.CondominiumManage]);
    const other = await system.query(
      upload,
      {
        input: {
          buildingId,
          fileName: 'x.txt',
          mediaType: 'text/plain',
          size: 1,
          sha256: sha256(bytes),
          content: bytes.toString('base64'),
        },
      },
      { token: stranger.token },
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [row] = await system.db.select({ n: count() }).from(documents).where(eq(documents.fileName, 'x.txt'));
    expect(row?.n).toBe(0);
  });
});
