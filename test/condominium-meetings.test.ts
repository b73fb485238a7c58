import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { addCalendarDays, almatyDate } from '../lib/working-calendar.js';
import { ballots, capitalRepairSpendings } from '../schema/condominium.js';
import { TokenRepository } from '../subgraphs/access/token-repository.js';
import { ALMATY, ASTANA, buildingInput, iin } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture } from './support/caller-fixtures.js';
import { TestAuthority } from './support/signature-authority.js';
import { callerHeaders } from './support/signed-request.js';
import { postGraphQL, startTestSystem, type TestSystem } from './support/system.js';

// Owners' meetings (p.27) and capital repair (p.4.3) through the gateway. One building of
// seven premises: X owns 1 and 2, Y and Z co-own 3, W owns 4, 5 votes in person, 6 by written
// poll, 7 not at all. The tally is computed by hand below and compared with the protocol's.

const announce = `mutation($input: AnnounceMeetingInput!) {
  announceMeeting(input: $input) { meeting { id status questions { id position kind { code } } } receipt { operation } } }`;
const cast = `mutation($input: CastBallotInput!) { castBallot(input: $input) { ballot { id premiseId channel } receipt { operation } } }`;
const record = `mutation($input: RecordBallotInput!) { recordBallot(input: $input) { ballot { id premiseId channel voterName } } }`;
const close = `mutation($id: ID!) { closeMeeting(meetingId: $id) { protocol { id status } receipt { operation } } }`;
const protocolFields = `id status meetingTitle premisesTotal premisesVoted ballotsInPerson ballotsWrittenPoll ballotsElectronic
  questions { questionId position kind fundSpending votesFor votesAgainst votesAbstained quorumReached approved }`;
const fund = `query($id: ID!) { building(id: $id) { capitalRepairFund { accrued paid spent balance
  premises { premiseId accrued paid debt } myPremises { premiseId debt } spendings { amount purpose decisionId } } } }`;
const spend = `mutation($input: SpendCapitalRepairFundInput!) { spendCapitalRepairFund(input: $input) { recorded fund { balance spent } } }`;

type Answer = 'FOR' | 'AGAINST' | 'ABSTAIN';

describe("owners' meetings and capital repair", () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let registrarToken: string;
  let manager: Actor;
  let otherManager: Actor;
  let buildingId: string;
  let otherBuildingId: string;
  let osiBin: string;
  let authority: TestAuthority;
  /** premises[1..7] of the building. */
  const premises: string[] = [];
  const owners: Record<'x' | 'y' | 'z' | 'w' | 'stranger', { token: string; iin: string }> = {} as never;
  let meetingId: string;
  let questionIds: string[];
  let protocolId: string;
  const today = almatyDate(new Date());
  const now = Date.now();
  const day = 24 * 3600 * 1000;

  const as = (token: string | undefined) => (token ? { token } : {});
  const answersOf = (votes: Answer[]) => votes.map((answer, index) => ({ questionId: questionIds[index], answer }));

  async function addApartment(building: string, number: number, owners: Array<{ iin: string; name: string; share: number }>) {
    const added = await system.query(
      `mutation($id: ID!, $premises: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $premises) { premises { id } } }`,
      {
        id: building,
        premises: [
          {
            kind: 'APARTMENT',
            number: String(number),
            owners: owners.map((owner) => ({ kind: 'PERSON', identificationNumber: owner.iin, name: owner.name, share: owner.share })),
          },
        ],
      },
      { token: registrarToken },
    );
    expect(added.errors).toBeUndefined();
    return added.data?.addPremises.premises[0].id as string;
  }

  /** A person with a session as after EDS sign-in (which the EDS test below goes through for real, and access-eds-sign-in.test.ts checks). */
  async function person(): Promise<{ token: string; iin: string }> {
    const row = await fixture.access.person();
    return { iin: row.iin, token: (await new TokenRepository(system.db).issueSessionToken(row.id, { authentication: 'EDS' })).token };
  }

  async function register(): Promise<string> {
    const registered = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput() },
      { token: registrarToken },
    );
    expect(registered.errors).toBeUndefined();
    return registered.data?.registerBuilding.building.id;
  }

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    registrarToken = (await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain, AccessFunction.PremisesMaintain]))
      .token;
    for (const name of ['x', 'y', 'z', 'w', 'stranger'] as const) owners[name] = await person();
    buildingId = await register();
    otherBuildingId = await register();
    const others = await Promise.all([person(), person(), person()]);
    const layout = [
      [{ ...owners.x, name: 'Xenia Owner', share: 1 }],
      [{ ...owners.x, name: 'Xenia Owner', share: 1 }],
      [
        { ...owners.y, name: 'Yerlan Coowner', share: 0.5 },
        { ...owners.z, name: 'Zarina Coowner', share: 0.5 },
      ],
      [{ ...owners.w, name: 'Wanda Owner', share: 1 }],
      [{ ...(others[0] as { iin: string }), name: 'Paper Person', share: 1 }],
      [{ ...(others[1] as { iin: string }), name: 'Poll Person', share: 1 }],
      [{ ...(others[2] as { iin: string }), name: 'Silent Person', share: 1 }],
    ];
    for (const [index, list] of layout.entries()) premises[index + 1] = await addApartment(buildingId, index + 1, list);
    await addApartment(otherBuildingId, 1, [{ ...owners.stranger, name: 'Stranger Owner', share: 1 }]);

    authority = await TestAuthority.create('RSA');
    process.env.SIGNATURE_TRUST_ROOTS = authority.rootsPem;
    const osiSubject = await fixture.access.subject('OSI');
    const osi = osiSubject.id;
    osiBin = osiSubject.identificationNumber;
    const otherOsi = (await fixture.access.subject('OSI')).id;
    manager = await fixture.person('OSI', [AccessFunction.CondominiumManage], { subjectId: osi });
    otherManager = await fixture.person('OSI', [AccessFunction.CondominiumManage], { subjectId: otherOsi });
    for (const [building, subjectId] of [
      [buildingId, osi],
      [otherBuildingId, otherOsi],
    ]) {
      const assigned = await system.query(
        `mutation($input: AssignManagementInput!) { assignManagement(input: $input) { assignment { id } } }`,
        { input: { buildingId: building, subjectId, validFrom: '2025-01-01' } },
        { token: fixture.adminToken },
      );
      expect(assigned.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    delete process.env.SIGNATURE_TRUST_ROOTS;
    await system?.close();
  });

  it('serves the voting rules as data: notice period, quorum and majority per kind', async () => {
    const rules = await system.query(
      `{ votingRules { noticeDays questionKinds { code quorum { numerator denominator strict } majorityBase majority { numerator denominator strict } authorizesFundSpending legalBasis } } }`,
    );
    expect(rules.errors).toBeUndefined();
    expect(rules.data?.votingRules.noticeDays).toBe(10);
    const kinds = Object.fromEntries(rules.data?.votingRules.questionKinds.map((kind: { code: string }) => [kind.code, kind]));
    expect(kinds.ORDINARY).toMatchObject({ majorityBase: 'VOTES_CAST', majority: { numerator: 1, denominator: 2, strict: true } });
    expect(kinds.FUND_SPENDING).toMatchObject({
      majorityBase: 'ALL_PREMISES',
      majority: { numerator: 2, denominator: 3, strict: false },
      authorizesFundSpending: true,
    });
  });

  it('announces a meeting only after the notice period, and only as the manager of the building', async () => {
    const agenda = [
      { text: 'Approve the annual estimate', kind: 'ORDINARY' },
      { text: 'Spend up to 500,000 tenge of the fund on the roof', kind: 'FUND_SPENDING', fundSpending: '500000.00' },
      { text: 'Replace the lifts in 2027', kind: 'CAPITAL_REPAIR' },
    ];
    const input = {
      buildingId,
      title: 'Annual meeting',
      noticeGivenOn: addCalendarDays(today, -20),
      opensAt: new Date(now - 5 * day).toISOString(),
      closesAt: new Date(now + day).toISOString(),
      questions: agenda,
    };
    const tooSoon = await system.query(
      announce,
      {
        input: {
          ...input,
          noticeGivenOn: today,
          opensAt: new Date(now + 2 * day).toISOString(),
          closesAt: new Date(now + 3 * day).toISOString(),
        },
      },
      as(manager.token),
    );
    expect(tooSoon.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.opensAt' });
    const noAmount = await system.query(
      announce,
      { input: { ...input, questions: [{ text: 'Spend', kind: 'FUND_SPENDING' }] } },
      as(manager.token),
    );
    expect(noAmount.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.questions[0].fundSpending' });
    const notTheirs = await system.query(announce, { input }, as(otherManager.token));
    expect(notTheirs.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byOwner = await system.query(announce, { input }, as(owners.x.token));
    expect(byOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const announced = await system.query(announce, { input }, as(manager.token));
    expect(announced.errors).toBeUndefined();
    expect(announced.data?.announceMeeting).toMatchObject({
      meeting: { status: 'OPEN' },
      receipt: { operation: 'condominium.announceMeeting' },
    });
    meetingId = announced.data?.announceMeeting.meeting.id;
    questionIds = announced.data?.announceMeeting.meeting.questions.map((question: { id: string }) => question.id);
    expect(questionIds).toHaveLength(3);
  });

  it('takes an electronic ballot only in a session established by EDS sign-in', async () => {
    const ballotsOfMeeting = async () =>
      (await system.db.select({ n: count() }).from(ballots).where(eq(ballots.meetingId, meetingId)))[0]?.n ?? -1;
    const before = await ballotsOfMeeting();
    const [w] = await system.db.execute<{ id: string }>(sql`select id::text from access.persons where iin = ${owners.w.iin}`);
    const vote = (token: string) =>
      system.query(cast, { input: { meetingId, premiseId: premises[4], answers: answersOf(['ABSTAIN', 'FOR', 'FOR']) } }, as(token));

    // W owns premises 4, but holds a session the Administrator issued: not a signature.
    const issued = (await new TokenRepository(system.db).issueSessionToken(w?.id as string)).token;
    const refused = await vote(issued);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'EDS_SIGN_IN_REQUIRED' });
    expect(refused.errors?.[0]?.message).toMatch(/EDS/);
    expect(await ballotsOfMeeting()).toBe(before);
    // A stranger is refused for not owning the premises, whatever the session.
    const notOwner = await vote(owners.stranger.token);
    expect(notOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(notOwner.errors?.[0]?.extensions?.reason).toBeUndefined();

    // W signs in with their EDS certificate; the next test casts W's ballot in that session.
    const challenge = await system.query('mutation { requestSignInChallenge { id nonce } }');
    const { id, nonce } = challenge.data?.requestSignInChallenge ?? {};
    const signer = await authority.issue({ iin: owners.w.iin, commonName: 'WANDA OWNER' });
    const signedIn = await system.query(
      `mutation($id: ID!, $signature: String!) { signInWithSignature(challengeId: $id, signature: $signature) { token personId } }`,
      { id, signature: await authority.sign(signer, new TextEncoder().encode(nonce)) },
    );
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data?.signInWithSignature.personId).toBe(w?.id);
    owners.w.token = signedIn.data?.signInWithSignature.token;
  });

  it('takes one ballot per premises through all three channels, refusing a second whatever the channel', async () => {
    const electronic: Array<[keyof typeof owners, number, Answer[]]> = [
      ['x', 1, ['FOR', 'FOR', 'FOR']],
      ['x', 2, ['AGAINST', 'FOR', 'FOR']],
      ['y', 3, ['FOR', 'FOR', 'AGAINST']],
      ['w', 4, ['ABSTAIN', 'FOR', 'FOR']],
    ];
    for (const [owner, number, votes] of electronic) {
      const voted = await system.query(
        cast,
        { input: { meetingId, premiseId: premises[number], answers: answersOf(votes) } },
        as(owners[owner].token),
      );
      expect(voted.errors).toBeUndefined();
      expect(voted.data?.castBallot.ballot).toMatchObject({ premiseId: premises[number], channel: 'ELECTRONIC' });
    }
    const inPerson = await system.query(
      record,
      {
        input: {
          meetingId,
          premiseId: premises[5],
          channel: 'IN_PERSON',
          voterName: 'Paper Person',
          answers: answersOf(['FOR', 'FOR', 'AGAINST']),
        },
      },
      as(manager.token),
    );
    expect(inPerson.errors).toBeUndefined();
    const poll = await system.query(
      record,
      {
        input: {
          meetingId,
          premiseId: premises[6],
          channel: 'WRITTEN_POLL',
          voterName: 'Poll Person',
          answers: answersOf(['AGAINST', 'AGAINST', 'FOR']),
        },
      },
      as(manager.token),
    );
    expect(poll.errors).toBeUndefined();

    // The co-owner of 3 comes second; X votes again for 1; the manager brings a paper ballot for 1.
    const coOwner = await system.query(
      cast,
      { input: { meetingId, premiseId: premises[3], answers: answersOf(['AGAINST', 'AGAINST', 'AGAINST']) } },
      as(owners.z.token),
    );
    expect(coOwner.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.premiseId' });
    const twice = await system.query(
      cast,
      { input: { meetingId, premiseId: premises[1], answers: answersOf(['AGAINST', 'AGAINST', 'AGAINST']) } },
      as(owners.x.token),
    );
    expect(twice.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const paperAgain = await system.query(
      record,
      { input: { meetingId, premiseId: premises[1], channel: 'WRITTEN_POLL', answers: answersOf(['AGAINST', 'AGAINST', 'AGAINST']) } },
      as(manager.token),
    );
    expect(paperAgain.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // Not X's premises, an owner of another building, an incomplete ballot.
    const notOwned = await system.query(
      cast,
      { input: { meetingId, premiseId: premises[7], answers: answersOf(['FOR', 'FOR', 'FOR']) } },
      as(owners.x.token),
    );
    expect(notOwned.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stranger = await system.query(
      cast,
      { input: { meetingId, premiseId: premises[7], answers: answersOf(['FOR', 'FOR', 'FOR']) } },
      as(owners.stranger.token),
    );
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const partial = await system.query(
      record,
      { input: { meetingId, premiseId: premises[7], channel: 'IN_PERSON', answers: answersOf(['FOR']) } },
      as(manager.token),
    );
    expect(partial.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.answers' });
    const [stored] = await system.db.select({ n: count() }).from(ballots).where(eq(ballots.meetingId, meetingId));
    expect(stored?.n).toBe(6);
  });

  it('shows an owner only the ballots of their own premises, and every ballot to the manager', async () => {
    const mine = `query($id: ID!) { meeting(id: $id) { ballotCount myBallots { premiseId channel answers { answer } } } }`;
    const x = await system.query(mine, { id: meetingId }, as(owners.x.token));
    expect(x.errors).toBeUndefined();
    expect(x.data?.meeting.ballotCount).toBe(6);
    expect(x.data?.meeting.myBallots.map((ballot: { premiseId: string }) => ballot.premiseId).sort()).toEqual(
      [premises[1], premises[2]].sort(),
    );
    // Co-owners share the ballot of 3: Z sees the one Y cast.
    const z = await system.query(mine, { id: meetingId }, as(owners.z.token));
    expect(z.data?.meeting.myBallots).toEqual([
      { premiseId: premises[3], channel: 'ELECTRONIC', answers: [{ answer: 'FOR' }, { answer: 'FOR' }, { answer: 'AGAINST' }] },
    ]);
    const all = `query($id: ID!) { meeting(id: $id) { ballots { premiseId voterName } } }`;
    const ownerAll = await system.query(all, { id: meetingId }, as(owners.x.token));
    expect(ownerAll.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(ownerAll)).not.toContain('Paper Person');
    const managerAll = await system.query(all, { id: meetingId }, as(manager.token));
    expect(managerAll.errors).toBeUndefined();
    expect(managerAll.data?.meeting.ballots).toHaveLength(6);
    expect(managerAll.data?.meeting.ballots.map((ballot: { voterName: string | null }) => ballot.voterName)).toContain('Paper Person');
    const stranger = await system.query(`query($id: ID!) { meeting(id: $id) { title } }`, { id: meetingId }, as(owners.stranger.token));
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await system.query(`query($id: ID!) { meeting(id: $id) { title } }`, { id: meetingId });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets the local executive body of the territory watch the ballots without the names, and no other territory', async () => {
    const akimat = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.CondominiumManage], { territoryKato: ALMATY });
    const elsewhere = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.CondominiumManage], { territoryKato: ASTANA });
    const ballotsQuery = `query($id: ID!) { meeting(id: $id) { ballots { premiseId channel answers { answer } } } }`;
    const watched = await system.query(ballotsQuery, { id: meetingId }, as(akimat.token));
    expect(watched.errors).toBeUndefined();
    expect(watched.data?.meeting.ballots).toHaveLength(6);
    const names = await system.query(`query($id: ID!) { meeting(id: $id) { ballots { voterName } } }`, { id: meetingId }, as(akimat.token));
    expect(names.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(names)).not.toContain('Paper Person');
    const other = await system.query(ballotsQuery, { id: meetingId }, as(elsewhere.token));
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a ballot before the meeting opens', async () => {
    const later = await system.query(
      announce,
      {
        input: {
          buildingId,
          title: 'Extraordinary meeting',
          noticeGivenOn: today,
          opensAt: new Date(now + 11 * day).toISOString(),
          closesAt: new Date(now + 12 * day).toISOString(),
          questions: [{ text: 'Install a barrier at the yard entrance', kind: 'COMMON_PROPERTY' }],
        },
      },
      as(manager.token),
    );
    expect(later.errors).toBeUndefined();
    expect(later.data?.announceMeeting.meeting.status).toBe('ANNOUNCED');
    const { id, questions } = later.data?.announceMeeting.meeting ?? {};
    const early = await system.query(
      cast,
      { input: { meetingId: id, premiseId: premises[1], answers: [{ questionId: questions[0].id, answer: 'FOR' }] } },
      as(owners.x.token),
    );
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.meetingId' });
  });

  it('closes the meeting into a protocol whose tally equals the hand-computed one, and refuses ballots after', async () => {
    const closed = await system.query(close, { id: meetingId }, as(manager.token));
    expect(closed.errors).toBeUndefined();
    protocolId = closed.data?.closeMeeting.protocol.id;
    expect(closed.data?.closeMeeting.protocol.status).toBe('DRAFT');

    const read = await system.query(`query($id: ID!) { protocol(id: $id) { ${protocolFields} } }`, { id: protocolId }, as(manager.token));
    expect(read.errors).toBeUndefined();
    // By hand: 7 premises, 6 voted (quorum: 6 > 7/2).
    // Q1 ORDINARY: for 1, 3, 5 = 3; against 2, 6 = 2; abstain 4 = 1; 3 of 6 cast is not more than half: rejected.
    // Q2 FUND_SPENDING: for 1, 2, 3, 4, 5 = 5; against 6 = 1; 5 ≥ 2/3 × 7 (4.67): approved.
    // Q3 CAPITAL_REPAIR: for 1, 2, 4, 6 = 4; against 3, 5 = 2; 4 < 4.67: rejected.
    expect(read.data?.protocol).toEqual({
      id: protocolId,
      status: 'DRAFT',
      meetingTitle: 'Annual meeting',
      premisesTotal: 7,
      premisesVoted: 6,
      ballotsInPerson: 1,
      ballotsWrittenPoll: 1,
      ballotsElectronic: 4,
      questions: [
        {
          questionId: questionIds[0],
          position: 1,
          kind: 'ORDINARY',
          fundSpending: null,
          votesFor: 3,
          votesAgainst: 2,
          votesAbstained: 1,
          quorumReached: true,
          approved: false,
        },
        {
          questionId: questionIds[1],
          position: 2,
          kind: 'FUND_SPENDING',
          fundSpending: '500000.00',
          votesFor: 5,
          votesAgainst: 1,
          votesAbstained: 0,
          quorumReached: true,
          approved: true,
        },
        {
          questionId: questionIds[2],
          position: 3,
          kind: 'CAPITAL_REPAIR',
          fundSpending: null,
          votesFor: 4,
          votesAgainst: 2,
          votesAbstained: 0,
          quorumReached: true,
          approved: false,
        },
      ],
    });

    const late = await system.query(
      cast,
      { input: { meetingId, premiseId: premises[4], answers: answersOf(['FOR', 'FOR', 'FOR']) } },
      as(owners.w.token),
    );
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const latePaper = await system.query(
      record,
      { input: { meetingId, premiseId: premises[7], channel: 'WRITTEN_POLL', answers: answersOf(['FOR', 'FOR', 'FOR']) } },
      as(manager.token),
    );
    expect(latePaper.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const again = await system.query(close, { id: meetingId }, as(manager.token));
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // A draft is the manager's: the public does not read it.
    const publicDraft = await system.query(`query($id: ID!) { protocol(id: $id) { status } }`, { id: protocolId });
    expect(publicDraft.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps the fund by contributions accrued and paid per premises, with a hand-computed balance', async () => {
    const accrue = `mutation($input: AccrueContributionsInput!) { accrueCapitalRepairContributions(input: $input) { recorded fund { accrued } } }`;
    const september = await system.query(
      accrue,
      {
        input: {
          buildingId,
          period: '2026-09-01',
          contributions: premises.slice(1).map((premiseId) => ({ premiseId, amount: '5000.00' })),
        },
      },
      as(manager.token),
    );
    expect(september.errors).toBeUndefined();
    expect(september.data?.accrueCapitalRepairContributions).toEqual({ recorded: 7, fund: { accrued: '35000.00' } });
    const october = await system.query(
      accrue,
      {
        input: {
          buildingId,
          period: '2026-10-01',
          contributions: [
            { premiseId: premises[1], amount: '5000' },
            { premiseId: premises[2], amount: '7500.5' },
          ],
        },
      },
      as(manager.token),
    );
    expect(october.errors).toBeUndefined();
    const twice = await system.query(
      accrue,
      {
        input: {
          buildingId,
          period: '2026-10-01',
          contributions: [
            { premiseId: premises[3], amount: '1.00' },
            { premiseId: premises[1], amount: '1.00' },
          ],
        },
      },
      as(manager.token),
    );
    expect(twice.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const badAmount = await system.query(
      accrue,
      { input: { buildingId, period: '2026-11-01', contributions: [{ premiseId: premises[3], amount: '1.005' }] } },
      as(manager.token),
    );
    expect(badAmount.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.contributions[0].amount' });
    const paid = await system.query(
      `mutation($input: RecordCapitalRepairPaymentsInput!) { recordCapitalRepairPayments(input: $input) { recorded fund { paid balance } } }`,
      {
        input: {
          buildingId,
          payments: [
            { premiseId: premises[1], amount: '10000.00', paidOn: today },
            { premiseId: premises[2], amount: '2500.25', paidOn: today },
            { premiseId: premises[5], amount: '5000.00', paidOn: today },
          ],
        },
      },
      as(manager.token),
    );
    expect(paid.errors).toBeUndefined();
    // By hand: accrued 7 × 5,000.00 + 5,000.00 + 7,500.50 = 47,500.50; paid 17,500.25; nothing spent.
    expect(paid.data?.recordCapitalRepairPayments).toEqual({ recorded: 3, fund: { paid: '17500.25', balance: '17500.25' } });
    const read = await system.query(fund, { id: buildingId }, as(manager.token));
    expect(read.errors).toBeUndefined();
    const readFund = read.data?.building.capitalRepairFund;
    expect(readFund).toMatchObject({
      accrued: '47500.50',
      paid: '17500.25',
      spent: '0.00',
      balance: '17500.25',
      myPremises: [],
      spendings: [],
    });
    const p2 = readFund.premises.find((row: { premiseId: string }) => row.premiseId === premises[2]);
    expect(p2).toEqual({ premiseId: premises[2], accrued: '12500.50', paid: '2500.25', debt: '10000.25' });
    // X sees the fund and their own premises only.
    const mine = await system.query(
      `query($id: ID!) { building(id: $id) { capitalRepairFund { balance myPremises { premiseId debt } } } }`,
      { id: buildingId },
      as(owners.x.token),
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.building.capitalRepairFund.myPremises).toEqual(
      expect.arrayContaining([
        { premiseId: premises[1], debt: '0.00' },
        { premiseId: premises[2], debt: '10000.25' },
      ]),
    );
    expect(mine.data?.building.capitalRepairFund.myPremises).toHaveLength(2);
    const others = await system.query(
      `query($id: ID!) { building(id: $id) { capitalRepairFund { premises { premiseId } } } }`,
      { id: buildingId },
      as(owners.x.token),
    );
    expect(others.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses spending without an approved decision of a published protocol, and writes nothing', async () => {
    const attempt = (decisionId: string | undefined, amount = '1000.00') =>
      system.query(spend, { input: { buildingId, decisionId, amount, spentOn: today, purpose: 'Roof repair' } }, as(manager.token));
    // Rejected question of a capital repair kind; an approved one whose protocol is not published yet.
    const rejected = await attempt(questionIds[2]);
    expect(rejected.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.decisionId' });
    const ordinary = await attempt(questionIds[0]);
    expect(ordinary.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.decisionId' });
    const unpublished = await attempt(questionIds[1]);
    expect(unpublished.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.decisionId' });
    expect(unpublished.errors?.[0]?.message).toMatch(/not signed and published/);
    const [spent] = await system.db.select({ n: count() }).from(capitalRepairSpendings);
    expect(spent?.n).toBe(0);
  });

  it("publishes the protocol under the manager's EDS for anyone to read, then spends under its approved decision until it is annulled", async () => {
    const publish = `mutation($input: PublishProtocolInput!) { publishProtocol(input: $input) { protocol { status publishedAt signature { code signer { bin } } } } }`;
    const draft = await system.query(
      `query($id: ID!) { protocol(id: $id) { canonicalContent contentSha256 } }`,
      { id: protocolId },
      as(manager.token),
    );
    const content = Buffer.from(draft.data?.protocol.canonicalContent, 'base64');
    expect(JSON.parse(content.toString('utf8'))).toMatchObject({ kind: 'MEETING_PROTOCOL', premisesTotal: 7 });
    for (const name of ['Paper Person', 'Poll Person', owners.x.iin]) expect(content.toString('utf8')).not.toContain(name);
    const stranger = await authority.issue({ iin: iin(9100), commonName: 'SOMEONE ELSE', bin: '990140000008' });
    const wrong = await system.query(
      publish,
      { input: { protocolId, signature: await authority.sign(stranger, content) } },
      as(manager.token),
    );
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.signature' });
    const chair = await authority.issue({ iin: iin(9101), commonName: 'OSI CHAIR', bin: osiBin });
    const signature = await authority.sign(chair, content);
    const byOwner = await system.query(publish, { input: { protocolId, signature } }, as(owners.x.token));
    expect(byOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const published = await system.query(publish, { input: { protocolId, signature } }, as(manager.token));
    expect(published.errors).toBeUndefined();
    expect(published.data?.publishProtocol.protocol).toMatchObject({ status: 'PUBLISHED', signature: { signer: { bin: osiBin } } });
    const again = await system.query(publish, { input: { protocolId, signature } }, as(manager.token));
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    // The public reads the results, and verifies the code, without a token.
    const open = await system.query(`query($id: ID!) { building(id: $id) { protocols { ${protocolFields} } } }`, { id: buildingId });
    expect(open.errors).toBeUndefined();
    expect(open.data?.building.protocols).toHaveLength(1);
    expect(open.data?.building.protocols[0]).toMatchObject({ status: 'PUBLISHED', premisesVoted: 6 });
    const code = published.data?.publishProtocol.protocol.signature.code;
    const verified = await system.query(`query($code: String!) { verifyPublication(code: $code) { recordId signatureValid } }`, { code });
    expect(verified.data?.verifyPublication).toEqual({ recordId: protocolId, signatureValid: true });

    // Spending: within the decision and the balance (17,500.25): 15,000.00 leaves 2,500.25.
    const attempt = (amount: string, decisionId = questionIds[1]) =>
      system.query(
        spend,
        { input: { buildingId, decisionId, amount, spentOn: today, purpose: 'Roof repair, first stage' } },
        as(manager.token),
      );
    const spent = await attempt('15000.00');
    expect(spent.errors).toBeUndefined();
    expect(spent.data?.spendCapitalRepairFund).toEqual({ recorded: 1, fund: { balance: '2500.25', spent: '15000.00' } });
    const overdrawn = await attempt('2500.26');
    expect(overdrawn.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount' });
    const beyondDecision = await attempt('485000.01');
    expect(beyondDecision.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount' });

    const annul = `mutation($input: AnnulProtocolInput!) { annulProtocol(input: $input) { protocol { status annulmentBasis } } }`;
    const noBasis = await system.query(annul, { input: { protocolId, basis: '  ' } }, as(manager.token));
    expect(noBasis.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.basis' });
    const annulled = await system.query(annul, { input: { protocolId, basis: 'Court decision of 12 December 2026' } }, as(manager.token));
    expect(annulled.data?.annulProtocol.protocol).toEqual({ status: 'ANNULLED', annulmentBasis: 'Court decision of 12 December 2026' });
    const afterAnnulment = await attempt('100.00');
    expect(afterAnnulment.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.decisionId' });
    const [spendings] = await system.db.select({ n: count() }).from(capitalRepairSpendings);
    expect(spendings?.n).toBe(1);
  });

  it('gives the public no personal data from any new type, also through `_entities`', async () => {
    const open = await system.query(`query($id: ID!) { building(id: $id) { meetings { id } } }`, { id: buildingId });
    expect(open.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Building { meetings { ballots { voterName } myBallots { voterName } } capitalRepairFund { premises { premiseId } } } } }`;
    for (const representation of [
      { __typename: 'Building', id: buildingId },
      { __typename: 'Ballot', id: premises[5] },
      { __typename: 'Meeting', id: meetingId },
      { __typename: 'Protocol', id: protocolId },
    ]) {
      const direct = await postGraphQL(
        system.subgraphUrls.condominium,
        entities,
        { r: [representation] },
        callerHeaders({ kind: 'anonymous' }, system.gatewaySecret),
      );
      expect(direct.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(direct)).not.toContain('Paper Person');
      expect(JSON.stringify(direct)).not.toContain('Poll Person');
    }
  });
});
