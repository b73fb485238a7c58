import { createHash } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { loadTrustStore } from '../lib/signatures/signatures.js';
import { reportLines, reports } from '../schema/condominium.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { reportPeriod } from '../subgraphs/condominium/report-deadlines.js';
import type { DraftReportInput } from '../subgraphs/condominium/report-input.js';
import { ReportManager } from '../subgraphs/condominium/report-manager.js';
import { ReportRepository } from '../subgraphs/condominium/report-repository.js';
import { ALMALY, BOSTANDYK, buildingInput, iin, insertTerritories } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture } from './support/caller-fixtures.js';
import { TestAuthority } from './support/signature-authority.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// Reports (p.5): deadlines read inclusively in Almaty time and judged by publication, the
// compliance of every managed building per period and territory, totals that must add up,
// and the draft → signed → published life with the manager's EDS (p.8).

const almaty = (local: string) => new Date(`${local}+05:00`);

/** A monthly report whose totals add up: 150,000.00 in, 120,500.50 out. */
function octoberInput(buildingId: string, overrides: Partial<DraftReportInput> = {}): DraftReportInput {
  return {
    buildingId,
    kind: 'MONTHLY',
    year: 2026,
    month: 10,
    replacesReportId: null,
    openingBalance: '20000.00',
    income: [
      { category: 'OWNERS_CONTRIBUTIONS', amount: '140000.00' },
      { category: 'RENT_OF_COMMON_PROPERTY', description: 'Basement storage', amount: '10000' },
    ],
    expenses: [
      { category: 'CLEANING', amount: '45000.50' },
      { category: 'MAINTENANCE_AND_REPAIR', description: 'Entrance door closer', amount: '75500' },
    ],
    incomeTotal: '150000.00',
    expenseTotal: '120500.50',
    closingBalance: '49499.50',
    capitalRepair: { openingBalance: '1000000', contributions: '85000', spending: '0', closingBalance: '1085000' },
    works: [{ description: 'Door closer replaced, entrance 2', cost: '75500', completedOn: '2026-10-14' }],
    documentIds: [],
    ...overrides,
  };
}

describe('condominium reports', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let authority: TestAuthority;
  let osi: { id: string; identificationNumber: string };
  let manager: Actor;
  const buildings: Record<'onTime' | 'late' | 'missing' | 'unmanaged' | 'elsewhere', string> = {
    onTime: '',
    late: '',
    missing: '',
    unmanaged: '',
    elsewhere: '',
  };

  async function register(katoCode: string): Promise<string> {
    const registrar = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain]);
    const answer = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput({ katoCode }) },
      { token: registrar.token },
    );
    expect(answer.errors).toBeUndefined();
    return answer.data?.registerBuilding.building.id;
  }

  async function assign(buildingId: string, subjectId: string): Promise<void> {
    const answer = await system.query(
      `mutation($input: AssignManagementInput!) { assignManagement(input: $input) { assignment { id } } }`,
      { input: { buildingId, subjectId, validFrom: '2025-01-01' } },
      { token: fixture.adminToken },
    );
    expect(answer.errors).toBeUndefined();
  }

  const acting = (at: Date) => ({ managerSubjectId: osi.id, actor: `person:test`, at });

  /** Drafts, signs (now, with a certificate valid now) and publishes (at `publishedAt`) through the manager. */
  async function publishOctober(buildingId: string, publishedAt: Date) {
    const signer = await authority.issue({ iin: iin(41), commonName: 'OSI CHAIR', bin: osi.identificationNumber });
    const draft = await system.db.transaction((tx) =>
      new ReportManager(tx).draft(octoberInput(buildingId), acting(almaty('2026-11-05T10:00:00'))),
    );
    const content = await new ReportManager(system.db).canonicalBytesOf(draft.report);
    await system.db.transaction(async (tx) =>
      new ReportManager(tx).sign(
        draft.report.id,
        await authority.sign(signer, content),
        loadTrustStore({ rootsPem: authority.rootsPem }),
        acting(new Date()),
      ),
    );
    return system.db.transaction((tx) => new ReportManager(tx).publish(draft.report.id, acting(publishedAt)));
  }

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    await insertTerritories(system.db);
    authority = await TestAuthority.create('RSA');
    process.env.SIGNATURE_TRUST_ROOTS = authority.rootsPem;
    osi = await fixture.access.subject('OSI');
    manager = await fixture.person('OSI', [AccessFunction.CondominiumManage], { subjectId: osi.id });
    buildings.onTime = await register(ALMALY);
    buildings.late = await register(ALMALY);
    buildings.missing = await register(ALMALY);
    buildings.unmanaged = await register(ALMALY);
    buildings.elsewhere = await register(BOSTANDYK);
    for (const key of ['onTime', 'late', 'missing', 'elsewhere'] as const) await assign(buildings[key], osi.id);
  });
  afterAll(async () => {
    delete process.env.SIGNATURE_TRUST_ROOTS;
    await system?.close();
  });

  it('dates the deadlines: October by 20 November, December by 20 January, the year 2026 by 1 April 2027, inclusive in Almaty time', () => {
    expect(reportPeriod('MONTHLY', 2026, 10)).toMatchObject({ dueDate: '2026-11-20', lateFrom: almaty('2026-11-21T00:00:00') });
    expect(reportPeriod('MONTHLY', 2026, 12)).toMatchObject({ start: '2026-12-01', end: '2026-12-31', dueDate: '2027-01-20' });
    expect(reportPeriod('MONTHLY', 2028, 2).end).toBe('2028-02-29');
    expect(reportPeriod('ANNUAL', 2026, null)).toMatchObject({
      start: '2026-01-01',
      end: '2026-12-31',
      dueDate: '2027-04-01',
      lateFrom: almaty('2027-04-02T00:00:00'),
    });
  });

  it('counts October on time through the last instant of 20 November and late from 21 November, missing when never published', async () => {
    const onTime = await publishOctober(buildings.onTime, new Date(almaty('2026-11-21T00:00:00').getTime() - 1));
    await publishOctober(buildings.late, almaty('2026-11-21T00:00:00'));
    expect(onTime.report.status).toBe('PUBLISHED');

    const october = reportPeriod('MONTHLY', 2026, 10);
    const compliance = (katoPrefix: string, now: Date) =>
      new ReportRepository(system.db).compliance({
        kind: 'MONTHLY',
        periodStart: october.start,
        periodEnd: october.end,
        lateFrom: october.lateFrom,
        now,
        katoPrefix,
      });
    const statuses = async (katoPrefix: string, now: Date) =>
      Object.fromEntries((await compliance(katoPrefix, now)).map((row) => [row.buildingId, row.status]));

    // Hand-checked: Almaly has three managed buildings (one unmanaged is owed nothing); the city adds Bostandyk's.
    const afterDeadline = almaty('2026-11-25T12:00:00');
    expect(await statuses('7511', afterDeadline)).toEqual({
      [buildings.onTime]: 'ON_TIME',
      [buildings.late]: 'LATE',
      [buildings.missing]: 'MISSING',
    });
    expect(await statuses('75', afterDeadline)).toEqual({
      [buildings.onTime]: 'ON_TIME',
      [buildings.late]: 'LATE',
      [buildings.missing]: 'MISSING',
      [buildings.elsewhere]: 'MISSING',
    });
    // Before the deadline has passed, what is not published is only due.
    const lastMoment = new Date(october.lateFrom.getTime() - 1);
    expect((await statuses('7511', lastMoment))[buildings.missing]).toBe('DUE');
    // The overdue list of Almaty city.
    const overdue = await new ReportRepository(system.db).compliance({
      kind: 'MONTHLY',
      periodStart: october.start,
      periodEnd: october.end,
      lateFrom: october.lateFrom,
      now: afterDeadline,
      katoPrefix: '75',
      statuses: ['LATE', 'MISSING'],
    });
    expect(new Set(overdue.map((row) => row.buildingId))).toEqual(new Set([buildings.late, buildings.missing, buildings.elsewhere]));
  });

  it('owes an annual report for 2026 by 1 April 2027: due through that day, missing after', async () => {
    const year = reportPeriod('ANNUAL', 2026, null);
    const status = async (now: Date) =>
      (
        await new ReportRepository(system.db).compliance({
          kind: 'ANNUAL',
          periodStart: year.start,
          periodEnd: year.end,
          lateFrom: year.lateFrom,
          now,
          buildingIds: [buildings.onTime],
        })
      )[0]?.status;
    expect(await status(almaty('2027-04-01T23:59:59'))).toBe('DUE');
    expect(await status(almaty('2027-04-02T00:00:00'))).toBe('MISSING');
  });

  it('refuses a report whose totals do not add up, naming each wrong total, and writes nothing', async () => {
    const [before] = await system.db.select({ n: count() }).from(reportLines);
    const wrong = octoberInput(buildings.missing, {
      incomeTotal: '150000.01',
      closingBalance: '49000.00',
      capitalRepair: { openingBalance: '1000000', contributions: '85000', spending: '0', closingBalance: '1000000' },
    });
    const error = await system.db
      .transaction((tx) => new ReportManager(tx).draft(wrong, acting(almaty('2026-11-05T10:00:00'))))
      .then(
        () => null,
        (thrown: { extensions?: Record<string, unknown> }) => thrown,
      );
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = ((error?.extensions?.problems ?? []) as { field: string; message: string }[]).map((problem) => problem.field);
    expect(fields).toEqual(['input.incomeTotal', 'input.closingBalance', 'input.capitalRepair.closingBalance']);
    const [after] = await system.db.select({ n: count() }).from(reportLines);
    expect(after?.n).toBe(before?.n);
    const [drafted] = await system.db.select({ n: count() }).from(reports).where(eq(reports.buildingId, buildings.missing));
    expect(drafted?.n).toBe(0);
  });

  describe('through the gateway', () => {
    const draft = `mutation($input: DraftReportInput!) { draftReport(input: $input) {
      report { id status version canonicalContent contentSha256 incomeTotal closingBalance capitalRepair { closingBalance } works { cost } }
      receipt { operation } } }`;
    const sign = `mutation($id: ID!, $signature: String!) { signReport(reportId: $id, signature: $signature) {
      report { status signature { code signer { bin organisationName } publishedAt } } } }`;
    const publish = `mutation($id: ID!) { publishReport(reportId: $id) { report { status publishedAt signature { code } } } }`;
    const read = `query($id: ID!) { report(id: $id) { id status income { category amount } expenses { category amount } signature { code signer { bin } } } }`;
    const gatewayInput = (buildingId: string, overrides: Record<string, unknown> = {}) => {
      const { replacesReportId: _none, ...input } = octoberInput(buildingId);
      return { ...input, year: 2026, month: 9, works: [{ description: 'Door closer replaced', cost: '75500' }], ...overrides };
    };

    it('lets the manager draft, sign and publish; the public reads only the published report and verifies its code', async () => {
      const drafted = await system.query(draft, { input: gatewayInput(buildings.missing) }, { token: manager.token });
      expect(drafted.errors).toBeUndefined();
      const report = drafted.data?.draftReport.report;
      expect(report).toMatchObject({ status: 'DRAFT', version: 1, incomeTotal: '150000.00', closingBalance: '49499.50' });
      expect(drafted.data?.draftReport.receipt.operation).toBe('condominium.draftReport');
      expect((await system.query(read, { id: report.id })).data?.report).toBeNull();

      const signer = await authority.issue({ iin: iin(42), commonName: 'OSI CHAIR', bin: osi.identificationNumber });
      const signature = await authority.sign(signer, Buffer.from(report.canonicalContent, 'base64'));
      const signed = await system.query(sign, { id: report.id, signature }, { token: manager.token });
      expect(signed.errors).toBeUndefined();
      expect(signed.data?.signReport.report).toMatchObject({
        status: 'SIGNED',
        signature: { signer: { bin: osi.identificationNumber }, publishedAt: null },
      });

      const noChannel = await system.query(
        `mutation($id: ID!) { publishReport(reportId: $id, channels: []) { report { status } } }`,
        { id: report.id },
        { token: manager.token },
      );
      expect(noChannel.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'channels' });
      const published = await system.query(
        `mutation($id: ID!) { publishReport(reportId: $id, channels: [DIGITAL_OBJECT, POSTED_PUBLICLY]) { report { status channels publishedAt signature { code } } } }`,
        { id: report.id },
        { token: manager.token },
      );
      expect(published.errors).toBeUndefined();
      expect(published.data?.publishReport.report).toMatchObject({ status: 'PUBLISHED', channels: ['DIGITAL_OBJECT', 'POSTED_PUBLICLY'] });
      const code = published.data?.publishReport.report.signature.code;

      const open = await system.query(read, { id: report.id });
      expect(open.errors).toBeUndefined();
      expect(open.data?.report).toMatchObject({ status: 'PUBLISHED', signature: { code } });
      const verified = await system.query(
        `query($code: String!) { verifyPublication(code: $code) { recordId signatureValid contentSha256 } }`,
        {
          code,
        },
      );
      expect(verified.data?.verifyPublication).toEqual({ recordId: report.id, signatureValid: true, contentSha256: report.contentSha256 });
      // A published report never changes.
      const again = await system.query(publish, { id: report.id }, { token: manager.token });
      expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });

    it('corrects a published report only by a new version that names it, leaving the published one as it was', async () => {
      const [september] = (
        await system.query(`query($id: ID!) { reports(buildingId: $id, kind: MONTHLY, year: 2026) { id month version } }`, {
          id: buildings.missing,
        })
      ).data!.reports.filter((report: { month: number }) => report.month === 9);
      const unnamed = await system.query(draft, { input: gatewayInput(buildings.missing) }, { token: manager.token });
      expect(unnamed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.replacesReportId' });
      const noReason = await system.query(
        draft,
        { input: gatewayInput(buildings.missing, { replacesReportId: september.id }) },
        { token: manager.token },
      );
      expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.correctionReason' });

      const corrected = await system.query(
        draft,
        {
          input: gatewayInput(buildings.missing, {
            replacesReportId: september.id,
            correctionReason: 'The cleaning invoice was entered twice',
            expenses: [
              { category: 'CLEANING', amount: '22500.25' },
              { category: 'MAINTENANCE_AND_REPAIR', amount: '75500' },
            ],
            expenseTotal: '98000.25',
            closingBalance: '71999.75',
          }),
        },
        { token: manager.token },
      );
      expect(corrected.errors).toBeUndefined();
      const correction = corrected.data?.draftReport.report;
      expect(correction.version).toBe(2);
      const signer = await authority.issue({ iin: iin(44), commonName: 'OSI CHAIR', bin: osi.identificationNumber });
      await system.query(
        sign,
        { id: correction.id, signature: await authority.sign(signer, Buffer.from(correction.canonicalContent, 'base64')) },
        { token: manager.token },
      );
      expect((await system.query(publish, { id: correction.id }, { token: manager.token })).errors).toBeUndefined();

      const versions = await system.query(
        `query($old: ID!, $new: ID!) {
          old: report(id: $old) { version expenseTotal replacedBy { id } }
          new: report(id: $new) { version expenseTotal correctionReason replaces { id } }
        }`,
        { old: september.id, new: correction.id },
      );
      expect(versions.data).toEqual({
        old: { version: 1, expenseTotal: '120500.50', replacedBy: { id: correction.id } },
        new: {
          version: 2,
          expenseTotal: '98000.25',
          correctionReason: 'The cleaning invoice was entered twice',
          replaces: { id: september.id },
        },
      });
    });

    it('discards a report in the making, never a published one', async () => {
      const discard = `mutation($id: ID!) { discardReport(reportId: $id) { reportId receipt { operation } } }`;
      const drafted = await system.query(draft, { input: gatewayInput(buildings.missing, { month: 5 }) }, { token: manager.token });
      const reportId = drafted.data?.draftReport.report.id;
      const discarded = await system.query(discard, { id: reportId }, { token: manager.token });
      expect(discarded.data?.discardReport).toEqual({ reportId, receipt: { operation: 'condominium.discardReport' } });
      const [left] = await system.db.select({ n: count() }).from(reports).where(eq(reports.id, reportId));
      expect(left?.n).toBe(0);
      const [published] = (await system.query(`query($id: ID!) { reports(buildingId: $id) { id } }`, { id: buildings.missing })).data!
        .reports;
      expect((await system.query(discard, { id: published.id }, { token: manager.token })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });

    it('refuses a signature of another organisation, with its reason, and the report stays a draft', async () => {
      const drafted = await system.query(draft, { input: gatewayInput(buildings.missing, { month: 8 }) }, { token: manager.token });
      const report = drafted.data?.draftReport.report;
      const stranger = await authority.issue({ iin: iin(43), commonName: 'SOMEONE ELSE', bin: '050140000019' });
      const refused = await system.query(
        sign,
        { id: report.id, signature: await authority.sign(stranger, Buffer.from(report.canonicalContent, 'base64')) },
        { token: manager.token },
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'signature', reason: 'WRONG_SIGNER' });
      const unsigned = await system.query(publish, { id: report.id }, { token: manager.token });
      expect(unsigned.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(unsigned.errors?.[0]?.message).toMatch(/not signed/);
    });

    it('refuses a report that does not add up, writing nothing', async () => {
      const [before] = await system.db.select({ n: count() }).from(reports);
      const wrong = await system.query(
        draft,
        { input: gatewayInput(buildings.missing, { month: 7, expenseTotal: '1.00' }) },
        { token: manager.token },
      );
      expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expenseTotal' });
      const [after] = await system.db.select({ n: count() }).from(reports);
      expect(after?.n).toBe(before?.n);
    });

    it('refuses a manager writing for a building it does not manage, and anonymous callers', async () => {
      const other = await fixture.person('OSI', [AccessFunction.CondominiumManage]);
      const [before] = await system.db.select({ n: count() }).from(reports);
      const refused = await system.query(draft, { input: gatewayInput(buildings.missing, { month: 6 }) }, { token: other.token });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const drafts = await system.query(
        `query($id: ID!) { reportDrafts(buildingId: $id) { id } }`,
        { id: buildings.missing },
        { token: other.token },
      );
      expect(drafts.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await system.query(draft, { input: gatewayInput(buildings.missing, { month: 6 }) });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const [after] = await system.db.select({ n: count() }).from(reports);
      expect(after?.n).toBe(before?.n);
    });

    it('gives a local executive body its territory’s overdue list, and refuses it another territory', async () => {
      const akimat = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.CondominiumManage], { territoryKato: ALMALY });
      const overdue = `query($kato: String!) { reportCompliance(katoCode: $kato, kind: MONTHLY, year: 2026, month: 10, statuses: [LATE, MISSING]) {
        edges { node { building { id } status dueDate } } } }`;
      const almaly = await system.query(overdue, { kato: ALMALY }, { token: akimat.token });
      expect(almaly.errors).toBeUndefined();
      const listed = Object.fromEntries(almaly.data?.reportCompliance.edges.map((edge: any) => [edge.node.building.id, edge.node.status]));
      expect(listed).toEqual({ [buildings.late]: 'LATE', [buildings.missing]: 'MISSING' });
      const elsewhere = await system.query(overdue, { kato: BOSTANDYK }, { token: akimat.token });
      expect(elsewhere.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await system.query(overdue, { kato: ALMALY });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      // One building's status is open part.
      const one = await system.query(
        `query($id: ID!) { building(id: $id) { reportCompliance(kind: MONTHLY, year: 2026, month: 10) { status dueDate } } }`,
        {
          id: buildings.onTime,
        },
      );
      expect(one.data?.building.reportCompliance).toEqual({ status: 'ON_TIME', dueDate: '2026-11-20' });
    });

    it('shows attached documents to the manager, not to the public; and ends the manager’s right with its assignment', async () => {
      const buildingId = await register(ALMALY);
      await assign(buildingId, osi.id);
      const scan = Buffer.from('%PDF-1.7 bank statement');
      const uploaded = await system.query(
        `mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { document { id status } } }`,
        {
          input: {
            buildingId,
            fileName: 'statement.pdf',
            mediaType: 'application/pdf',
            size: scan.length,
            sha256: createHash('sha256').update(scan).digest('hex'),
            content: scan.toString('base64'),
          },
        },
        { token: manager.token },
      );
      const documentId = uploaded.data?.uploadDocument.document.id;
      const drafted = await system.query(
        draft,
        { input: gatewayInput(buildingId, { documentIds: [documentId] }) },
        { token: manager.token },
      );
      expect(drafted.errors).toBeUndefined();
      const reportId = drafted.data?.draftReport.report.id;
      const withDocuments = `query($id: ID!) { reportDrafts(buildingId: $id) { id documents { id sha256 } } }`;
      const own = await system.query(withDocuments, { id: buildingId }, { token: manager.token });
      expect(own.data?.reportDrafts).toEqual([
        { id: reportId, documents: [{ id: documentId, sha256: createHash('sha256').update(scan).digest('hex') }] },
      ]);
      const anonymousDocument = await system.query(`query($id: ID!) { document(id: $id) { fileName } }`, { id: documentId });
      expect(anonymousDocument.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      // Another OSI takes over today: on the next request the former manager can no longer sign.
      const successor = await fixture.access.subject('OSI');
      const taken = await system.query(
        `mutation($input: AssignManagementInput!) { assignManagement(input: $input) { assignment { id } } }`,
        { input: { buildingId, subjectId: successor.id } },
        { token: fixture.adminToken },
      );
      expect(taken.errors).toBeUndefined();
      const signer = await authority.issue({ iin: iin(45), commonName: 'OSI CHAIR', bin: osi.identificationNumber });
      const late = await system.query(
        sign,
        { id: reportId, signature: await authority.sign(signer, Buffer.from(drafted.data?.draftReport.report.canonicalContent, 'base64')) },
        { token: manager.token },
      );
      expect(late.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await system.query(withDocuments, { id: buildingId }, { token: manager.token })).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
    });

    it('lets an owner of the building read a published report’s documents, and nobody else but those it concerns', async () => {
      const buildingId = await register(ALMALY);
      await assign(buildingId, osi.id);
      const registrar = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain, AccessFunction.PremisesMaintain]);
      const owner = await fixture.access.person();
      const added = await system.query(
        `mutation($id: ID!, $premises: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $premises) { premises { id } } }`,
        {
          id: buildingId,
          premises: [{ kind: 'APARTMENT', number: '1', owners: [{ kind: 'PERSON', identificationNumber: owner.iin, name: 'Owner' }] }],
        },
        { token: registrar.token },
      );
      expect(added.errors).toBeUndefined();
      const ownerToken = (await new TokenRepository(system.db).issueSessionToken(owner.id)).token;
      const scan = Buffer.from('%PDF-1.7 act of works');
      const uploaded = await system.query(
        `mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { document { id } } }`,
        {
          input: {
            buildingId,
            fileName: 'act.pdf',
            mediaType: 'application/pdf',
            size: scan.length,
            sha256: createHash('sha256').update(scan).digest('hex'),
            content: scan.toString('base64'),
          },
        },
        { token: manager.token },
      );
      const documentId = uploaded.data?.uploadDocument.document.id;
      const drafted = await system.query(
        draft,
        { input: gatewayInput(buildingId, { documentIds: [documentId] }) },
        { token: manager.token },
      );
      const report = drafted.data?.draftReport.report;
      const signer = await authority.issue({ iin: iin(46), commonName: 'OSI CHAIR', bin: osi.identificationNumber });
      await system.query(
        sign,
        { id: report.id, signature: await authority.sign(signer, Buffer.from(report.canonicalContent, 'base64')) },
        { token: manager.token },
      );
      expect((await system.query(publish, { id: report.id }, { token: manager.token })).errors).toBeUndefined();

      const documents = `query($id: ID!) { report(id: $id) { id documents { id fileName content } } }`;
      const asOwner = await system.query(documents, { id: report.id }, { token: ownerToken });
      expect(asOwner.errors).toBeUndefined();
      expect(asOwner.data?.report.documents).toEqual([{ id: documentId, fileName: 'act.pdf', content: scan.toString('base64') }]);
      const anonymous = await system.query(documents, { id: report.id });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(anonymous.data?.report).toBeNull();
      const stranger = await fixture.access.person();
      const strangerToken = (await new TokenRepository(system.db).issueSessionToken(stranger.id)).token;
      expect((await system.query(documents, { id: report.id }, { token: strangerToken })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      // The report itself stays open part.
      expect((await system.query(`query($id: ID!) { report(id: $id) { id } }`, { id: report.id })).data?.report.id).toBe(report.id);
    });
  });
});
