import { accessFunctions } from '../../lib/auth/functions.js';
import { actorOf } from '../../lib/auth/scope.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, forbidden, notFound } from '../../lib/errors.js';
import { type Acting, isAdministratorCaller, type Placed } from './context.js';
import { DirectoryRepository } from './directory-repository.js';
import {
  type AgreementRow,
  type EndedGrant,
  type EndGround,
  type FlippedDescendant,
  GrantRepository,
  type GrantRow,
  type GrantState,
  type Transition,
} from './grant-repository.js';
import { type GrantEvent, NotificationManager } from './notification-manager.js';

/** Grounds an administrator may end a grant with; the others arise by themselves (expiry, cascade) or belong to the grantee (renunciation). */
export const administrativeEndGrounds = [
  'REVOKED',
  'GROUNDS_ENDED',
  'FALSE_DATA',
  'OTHER_LEGAL_GROUND',
] as const satisfies readonly EndGround[];

/** Whether the stored period has run out: the grant has then ended with AGREEMENT_EXPIRED, though its row still says otherwise. */
export function isExpired(grant: Pick<GrantRow, 'validUntil'>, instant: Date): boolean {
  return grant.validUntil !== null && grant.validUntil.getTime() <= instant.getTime();
}

/** The state a reader should see: expiry is decided from the period, at read time. */
export function effectiveState(
  grant: Pick<GrantRow, 'state' | 'endGround' | 'validUntil'>,
  instant: Date,
): { state: GrantState; endGround: EndGround | null } {
  if (grant.state === 'ENDED') return { state: 'ENDED', endGround: grant.endGround };
  if (isExpired(grant, instant)) return { state: 'ENDED', endGround: 'AGREEMENT_EXPIRED' };
  return { state: grant.state, endGround: null };
}

/** The same predicate as `loadEffectiveGrants`, for one row already in memory. */
export function isInEffect(grant: GrantRow, instant: Date): boolean {
  return (
    grant.state === 'ACTIVE' && !grant.ancestorSuspended && grant.validFrom.getTime() <= instant.getTime() && !isExpired(grant, instant)
  );
}

/** Functions chosen from the directory, at least one, without repeats. */
export function checkFunctions(functions: readonly string[], field: string): string[] {
  if (functions.length === 0) throw badUserInput({ field, message: 'Choose at least one function.' });
  const unknown = functions.filter((fn) => !(accessFunctions as readonly string[]).includes(fn));
  if (unknown.length) throw badUserInput({ field, message: `Unknown functions: ${unknown.join(', ')}.` });
  return [...new Set(functions)];
}

export interface AgreementInput {
  subjectId: string;
  reference?: string | null;
  functions: string[];
  validFrom?: Date | null;
  validUntil?: Date | null;
}

export interface GrantInput {
  personId?: string | null;
  digitalObjectId?: string | null;
  /** Required for a root grant; a delegation inherits its parent's. */
  agreementId?: string | null;
  parentGrantId?: string | null;
  functions: string[];
  validFrom?: Date | null;
  validUntil?: Date | null;
  comment?: string | null;
}

export interface EndGrantInput {
  grantId: string;
  ground: EndGround;
  legalBasis?: string | null;
  comment?: string | null;
}

export interface EndResult {
  /** The grant itself first, then its delegations ended by CASCADE. */
  ended: EndedGrant[];
  /** Digital objects left without a living grant, now DISABLED. */
  disabledDigitalObjectIds: string[];
}

export interface SuspensionResult {
  grant: GrantRow;
  /** Delegations below it whose effect flipped. */
  affectedGrantIds: string[];
}

export interface RevocationPreview {
  grantId: string;
  /** Null when the grant can be ended; otherwise why not (then nothing is listed). */
  blockedReason: string | null;
  /** Top down, as `endGrant` reports them. */
  grants: GrantRow[];
  digitalObjectIds: string[];
}

export interface GrantAssessment {
  grant: GrantRow;
  /** The grant, then its parent, up to the root grant. */
  chain: GrantRow[];
  allows: boolean;
  reason: string;
}

export interface AccessExplanation {
  allowed: boolean;
  reason: string;
  /** The grant that allows, when allowed. */
  grant: GrantRow | null;
  chain: GrantRow[];
  agreementId: string | null;
  assessments: GrantAssessment[];
}

function endEvents(ended: readonly EndedGrant[], detail: (ground: EndGround) => string): GrantEvent[] {
  return ended.map((g) => ({
    grantId: g.id,
    personId: g.personId,
    subjectId: g.subjectId,
    kind: 'grant.ended',
    detail: detail(g.ground),
    eventKey: `history:${g.historyId}`,
  }));
}

function suspensionEvents(transition: Transition, affected: readonly FlippedDescendant[], suspended: boolean): GrantEvent[] {
  const { grant, historyId } = transition;
  const own: GrantEvent = {
    grantId: grant.id,
    personId: grant.personId,
    subjectId: grant.subjectId,
    kind: suspended ? 'grant.suspended' : 'grant.reinstated',
    detail: suspended ? 'FALSE_DATA' : 'FALSE_DATA review completed',
    eventKey: `history:${historyId}`,
  };
  const delegations = affected.map(
    (d): GrantEvent => ({
      grantId: d.id,
      personId: d.personId,
      subjectId: d.subjectId,
      kind: d.blocked ? 'grant.suspended' : 'grant.reinstated',
      detail: d.blocked
        ? `The delegating grant ${grant.id} is suspended (FALSE_DATA).`
        : `The delegating grant ${grant.id} was reinstated.`,
      eventKey: `ancestor-history:${historyId}`,
    }),
  );
  return [own, ...delegations];
}

function chainOf(grant: GrantRow, byId: Map<string, GrantRow>): GrantRow[] {
  const chain: GrantRow[] = [];
  const seen = new Set<string>();
  for (
    let current: GrantRow | undefined = grant;
    current && !seen.has(current.id);
    current = current.parentGrantId ? byId.get(current.parentGrantId) : undefined
  ) {
    seen.add(current.id);
    chain.push(current);
  }
  return chain;
}

function assess(grant: GrantRow, chain: GrantRow[], fn: string, agreement: AgreementRow | undefined, instant: Date): string {
  if (grant.state === 'ENDED') return `The grant ended on ${grant.stateChangedAt.toISOString()} (${grant.endGround}).`;
  if (isExpired(grant, instant)) {
    if (agreement?.validUntil && agreement.validUntil.getTime() <= instant.getTime()) {
      return `The agreement's term ended on ${agreement.validUntil.toISOString()} (AGREEMENT_EXPIRED).`;
    }
    const ancestor = chain.slice(1).find((a) => a.validUntil && a.validUntil.getTime() === grant.validUntil?.getTime());
    return ancestor
      ? `The delegating grant ${ancestor.id} ran out on ${grant.validUntil?.toISOString()} (AGREEMENT_EXPIRED).`
      : `The grant's term ran out on ${grant.validUntil?.toISOString()} (AGREEMENT_EXPIRED).`;
  }
  if (grant.state === 'PENDING') return 'The grant is pending activation.';
  if (grant.state === 'SUSPENDED') return 'The grant is suspended pending review of false data (FALSE_DATA).';
  if (grant.ancestorSuspended) {
    const suspended = chain.slice(1).find((a) => a.state === 'SUSPENDED');
    return `${suspended ? `The delegating grant ${suspended.id}` : 'A delegating grant'} is suspended (FALSE_DATA), so this one has no effect.`;
  }
  if (grant.validFrom.getTime() > instant.getTime()) return `The grant takes effect only on ${grant.validFrom.toISOString()}.`;
  if (!grant.functions.includes(fn)) return `The grant does not include ${fn}; it allows ${grant.functions.join(', ')}.`;
  return `The grant is in effect and includes ${fn}.`;
}

/**
 * Why `personId` may or may not use `fn` for `subjectId`, from the person's grants for that
 * subject and their ancestors. The verdict on each grant is the per-request check itself
 * (`isInEffect`), so the explanation never disagrees with enforcement.
 */
export function explainAccess(
  personId: string,
  fn: string,
  subjectId: string,
  rows: GrantRow[],
  agreementsById: Map<string, AgreementRow>,
  instant: Date,
): AccessExplanation {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const candidates = rows
    .filter((row) => row.personId === personId && row.subjectId === subjectId)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  const assessments = candidates.map((grant): GrantAssessment => {
    const chain = chainOf(grant, byId);
    const allows = isInEffect(grant, instant) && grant.functions.includes(fn);
    return { grant, chain, allows, reason: assess(grant, chain, fn, agreementsById.get(grant.agreementId), instant) };
  });
  const winner = assessments.find((a) => a.allows);
  if (winner) {
    return {
      allowed: true,
      reason: `Allowed by grant ${winner.grant.id}${winner.chain.length > 1 ? `, delegated through ${winner.chain.length - 1} grant(s)` : ''}, under agreement ${winner.grant.agreementId}.`,
      grant: winner.grant,
      chain: winner.chain,
      agreementId: winner.grant.agreementId,
      assessments,
    };
  }
  return {
    allowed: false,
    reason: assessments.length
      ? `No grant of the person for this subject allows ${fn}: ${assessments.map((a) => `${a.grant.id}: ${a.reason}`).join(' ')}`
      : 'The person holds no grant for this subject.',
    grant: null,
    chain: [],
    agreementId: null,
    assessments,
  };
}

/**
 * Agreements and grants with their lifecycle (p.19, p.20): creation and delegation,
 * activation, suspension and reinstatement, the ends by an administrator or by the holder,
 * and the administrators' tools that explain and preview them. Takes the database or the
 * write's transaction; every change writes its history and queues its notifications there.
 */
export class GrantLifecycleManager {
  private readonly grants: GrantRepository;

  constructor(private readonly db: Executor) {
    this.grants = new GrantRepository(db);
  }

  /** An access agreement of a subject with the authorized body (p.19). */
  async createAgreement(input: AgreementInput, by: Acting): Promise<Placed<{ agreement: AgreementRow }>> {
    if (!(await new DirectoryRepository(this.db).subject(input.subjectId))) throw notFound('The subject', 'input.subjectId');
    const agreement = await this.concludeAgreement({ ...input, kind: 'ACCESS', applicationId: null }, actorOf(by.caller), by.at);
    return { payload: { agreement }, objectIds: [agreement.id] };
  }

  /** Records an agreement of a subject known to exist: an access agreement, or the integration agreement of an approval. */
  async concludeAgreement(
    input: AgreementInput & { kind: 'ACCESS' | 'INTEGRATION'; applicationId: string | null },
    actor: string,
    instant: Date,
  ): Promise<AgreementRow> {
    const functions = checkFunctions(input.functions, 'input.functions');
    const validFrom = input.validFrom ?? instant;
    if (input.validUntil && input.validUntil.getTime() <= validFrom.getTime()) {
      throw badUserInput({ field: 'input.validUntil', message: 'The agreement must end after it starts.' });
    }
    return this.grants.insertAgreement({
      subjectId: input.subjectId,
      kind: input.kind,
      reference: input.reference ?? null,
      functions,
      validFrom,
      validUntil: input.validUntil ?? null,
      applicationId: input.applicationId,
      createdBy: actor,
      createdAt: instant,
    });
  }

  /**
   * A grant: administrators grant anything an agreement covers and may delegate from any
   * grant; anyone else only delegates from a grant of their own that is in effect (the one
   * the rule relied on, re-checked and locked by the write path).
   */
  async grantAccess(input: GrantInput, by: Acting): Promise<Placed<{ grant: GrantRow }>> {
    if (!isAdministratorCaller(by.caller)) {
      if (!input.parentGrantId)
        throw forbidden('Only the Administrator grants access; a person may delegate only from a grant of their own.');
      if (by.caller.kind !== 'person' || !by.grantsInForce.includes(input.parentGrantId)) {
        throw forbidden('You may delegate only from a grant of your own that is in effect.');
      }
    }
    const grant = await this.createGrant(input, actorOf(by.caller), by.at);
    return { payload: { grant }, objectIds: [grant.id] };
  }

  /**
   * A new grant in PENDING (or ACTIVE when `initialState` says so: the digital object's grant
   * on approval). Its period is narrowed to the parent's and the agreement's, so the
   * per-request check needs no chain walk.
   */
  async createGrant(input: GrantInput, actor: string, instant: Date, initialState: 'PENDING' | 'ACTIVE' = 'PENDING'): Promise<GrantRow> {
    const functions = checkFunctions(input.functions, 'input.functions');
    if (Boolean(input.personId) === Boolean(input.digitalObjectId)) {
      throw badUserInput({ field: 'input.personId', message: 'Give exactly one grantee: a personId or a digitalObjectId.' });
    }

    let parent: GrantRow | undefined;
    let agreement: AgreementRow | undefined;
    if (input.parentGrantId) {
      [parent] = await this.grants.lockChain(input.parentGrantId);
      if (!parent) throw notFound('The parent grant', 'input.parentGrantId');
      if (!isInEffect({ ...parent, validFrom: new Date(0) }, instant)) {
        throw badUserInput({
          field: 'input.parentGrantId',
          message: 'Only an active grant that is not suspended and has not ended can be delegated.',
        });
      }
      if (input.agreementId && input.agreementId !== parent.agreementId) {
        throw badUserInput({
          field: 'input.agreementId',
          message: "A delegated grant stays under its parent grant's agreement; omit agreementId.",
        });
      }
      agreement = await this.grants.agreement(parent.agreementId);
      const parentFunctions = parent.functions;
      const beyond = functions.filter((fn) => !parentFunctions.includes(fn));
      if (beyond.length)
        throw badUserInput({
          field: 'input.functions',
          message: `A delegation cannot add functions its parent grant lacks: ${beyond.join(', ')}.`,
        });
    } else {
      if (!input.agreementId)
        throw badUserInput({ field: 'input.agreementId', message: 'A grant that is not delegated needs the agreement it is made under.' });
      agreement = await this.grants.agreement(input.agreementId);
      if (!agreement) throw notFound('The agreement', 'input.agreementId');
      const covered = agreement.functions;
      const beyond = functions.filter((fn) => !covered.includes(fn));
      if (beyond.length)
        throw badUserInput({ field: 'input.functions', message: `The agreement does not cover these functions: ${beyond.join(', ')}.` });
    }
    if (!agreement) throw new Error("The grant's agreement is missing.");

    const directory = new DirectoryRepository(this.db);
    if (input.personId) {
      if (!(await directory.person(input.personId))) throw notFound('The person', 'input.personId');
    } else if (input.digitalObjectId) {
      const object = await directory.digitalObject(input.digitalObjectId);
      if (!object) throw notFound('The digital object', 'input.digitalObjectId');
      if (object.subjectId !== agreement.subjectId)
        throw badUserInput({ field: 'input.digitalObjectId', message: 'A digital object can act only for the subject that owns it.' });
      if (object.status === 'DISABLED') throw badUserInput({ field: 'input.digitalObjectId', message: 'The digital object is disabled.' });
    }

    const starts = [input.validFrom ?? instant, agreement.validFrom, parent?.validFrom].filter((d): d is Date => d instanceof Date);
    const ends = [input.validUntil, agreement.validUntil, parent?.validUntil].filter((d): d is Date => d instanceof Date);
    const validFrom = new Date(Math.max(...starts.map((d) => d.getTime())));
    const validUntil = ends.length ? new Date(Math.min(...ends.map((d) => d.getTime()))) : null;
    if (validUntil && validUntil.getTime() <= Math.max(validFrom.getTime(), instant.getTime())) {
      throw badUserInput({
        field: 'input.validUntil',
        message:
          "The grant would end before it starts or is already over: its term, the agreement's and the parent grant's must all extend past today.",
      });
    }
    return this.grants.insertGrant(
      {
        personId: input.personId ?? null,
        digitalObjectId: input.digitalObjectId ?? null,
        subjectId: agreement.subjectId,
        agreementId: agreement.id,
        parentGrantId: parent?.id ?? null,
        functions,
        state: initialState,
        validFrom,
        validUntil,
        createdBy: actor,
      },
      input.comment ?? null,
      instant,
    );
  }

  /** PENDING → ACTIVE: an administrator, or the holder of the grant it was delegated from (the grant the rule relied on). */
  async activateGrant(grantId: string, comment: string | null | undefined, by: Acting): Promise<Placed<{ grant: GrantRow }>> {
    const row = await this.lockForChange(grantId, 'grantId');
    if (!isAdministratorCaller(by.caller) && !(row.parentGrantId && by.grantsInForce.includes(row.parentGrantId))) {
      throw forbidden('Only the Administrator activates a grant that is not a delegation of yours.');
    }
    this.refuseIfOver(row, by.at, 'grantId');
    if (row.state !== 'PENDING') throw conflict(`Only a PENDING grant can be activated; this one is ${row.state}.`, 'grantId');
    const { grant } = await this.grants.transition(row, 'ACTIVE', null, comment ?? null, actorOf(by.caller), by.at);
    return { payload: { grant }, objectIds: [grant.id] };
  }

  /**
   * ACTIVE → SUSPENDED on ground FALSE_DATA (p.20.6): the right has no effect while the
   * Administrator reviews. Every living descendant is marked `ancestor_suspended` in the same
   * transaction: a delegated right is never more than its parent's.
   */
  async suspendGrant(grantId: string, comment: string | null | undefined, by: Acting): Promise<Placed<SuspensionResult>> {
    const row = await this.lockForChange(grantId, 'grantId');
    this.refuseIfOver(row, by.at, 'grantId');
    if (row.state !== 'ACTIVE') throw conflict(`Only an ACTIVE grant can be suspended; this one is ${row.state}.`, 'grantId');
    const transition = await this.grants.transition(row, 'SUSPENDED', 'FALSE_DATA', comment ?? null, actorOf(by.caller), by.at);
    return this.afterSuspensionChange(transition, true);
  }

  /** SUSPENDED → ACTIVE after the review found the data true; descendants regain effect unless another ancestor is suspended. */
  async reinstateGrant(grantId: string, comment: string | null | undefined, by: Acting): Promise<Placed<SuspensionResult>> {
    const row = await this.lockForChange(grantId, 'grantId');
    this.refuseIfOver(row, by.at, 'grantId');
    if (row.state !== 'SUSPENDED') throw conflict(`Only a SUSPENDED grant can be reinstated; this one is ${row.state}.`, 'grantId');
    const transition = await this.grants.transition(row, 'ACTIVE', null, comment ?? null, actorOf(by.caller), by.at);
    return this.afterSuspensionChange(transition, false);
  }

  private async afterSuspensionChange(transition: Transition, suspended: boolean): Promise<Placed<SuspensionResult>> {
    const affected = await this.grants.refreshDescendants(transition.grant.id);
    await new NotificationManager(this.db).grantEvents(suspensionEvents(transition, affected, suspended));
    const affectedGrantIds = affected.map((a) => a.id);
    return { payload: { grant: transition.grant, affectedGrantIds }, objectIds: [transition.grant.id, ...affectedGrantIds] };
  }

  /** Ends by an administrator's decision: REVOKED, GROUNDS_ENDED, FALSE_DATA (after suspension) or OTHER_LEGAL_GROUND (with its legal basis). */
  async endGrant(input: EndGrantInput, by: Acting): Promise<Placed<EndResult>> {
    if (!(administrativeEndGrounds as readonly string[]).includes(input.ground)) {
      const why =
        input.ground === 'AGREEMENT_EXPIRED'
          ? 'Expiry needs no action: a grant ends by itself when its term runs out.'
          : input.ground === 'RENOUNCED'
            ? 'Only the grantee renounces, with renounceGrant.'
            : 'CASCADE follows from ending the delegating grant.';
      throw badUserInput({ field: 'input.ground', message: `${why} Choose REVOKED, GROUNDS_ENDED, FALSE_DATA or OTHER_LEGAL_GROUND.` });
    }
    const legalBasis = input.legalBasis?.trim() || null;
    if (input.ground === 'OTHER_LEGAL_GROUND' && !legalBasis) {
      throw badUserInput({
        field: 'input.legalBasis',
        message: 'Ending on OTHER_LEGAL_GROUND needs the legal basis (the law and article).',
      });
    }
    const row = await this.lockForChange(input.grantId, 'input.grantId');
    this.refuseIfOver(row, by.at, 'input.grantId');
    if (input.ground === 'FALSE_DATA' && row.state !== 'SUSPENDED') {
      throw conflict('A grant ends on FALSE_DATA only after it was suspended for review; suspend it first.', 'input.ground');
    }
    return this.end(row, { ground: input.ground, legalBasis, comment: input.comment ?? null }, by, 'ended');
  }

  /** The holder's own refusal (p.20.3): only a person renounces, and only a grant they hold. */
  async renounceGrant(grantId: string, comment: string | null | undefined, by: Acting): Promise<Placed<EndResult>> {
    const row = await this.lockForChange(grantId, 'grantId');
    if (by.caller.kind !== 'person' || row.personId !== by.caller.personId)
      throw forbidden('Only the person holding a grant can renounce it.');
    this.refuseIfOver(row, by.at, 'grantId');
    return this.end(row, { ground: 'RENOUNCED', legalBasis: null, comment: comment ?? null }, by, 'was renounced');
  }

  /**
   * Ends a locked grant and, in the same statement, every living grant delegated from it at
   * any depth (CASCADE, p.20.4); digital objects left with no living grant are DISABLED; the
   * holders and subjects are notified.
   */
  private async end(
    row: GrantRow,
    change: { ground: EndGround; legalBasis: string | null; comment: string | null },
    by: Acting,
    verb: string,
  ): Promise<Placed<EndResult>> {
    const ended = await this.grants.endSubtree(
      row.id,
      { ...change, cascadeComment: `The delegating grant ${row.id} ended (${change.ground}).` },
      actorOf(by.caller),
      by.at,
    );
    const objectIds = [...new Set(ended.map((g) => g.digitalObjectId).filter((id): id is string => id !== null))];
    const disabledDigitalObjectIds = await this.grants.disableOrphanedDigitalObjects(objectIds, by.at);
    await new NotificationManager(this.db).grantEvents(
      endEvents(ended, (ground) => (ground === 'CASCADE' ? `CASCADE: the delegating grant ${row.id} ${verb}` : ground)),
    );
    return { payload: { ended, disabledDigitalObjectIds }, objectIds: [...ended.map((g) => g.id), ...disabledDigitalObjectIds] };
  }

  private async lockForChange(grantId: string, field: string): Promise<GrantRow> {
    const row = await this.grants.forUpdate(grantId);
    if (!row) throw notFound('The grant', field);
    return row;
  }

  /** Ended is final, expiry included. */
  private refuseIfOver(row: GrantRow, instant: Date, field: string): void {
    if (row.state === 'ENDED') throw conflict(`The grant has ended (${row.endGround}); an ended grant never changes.`, field);
    if (isExpired(row, instant)) {
      throw conflict(
        `The grant's term ran out on ${row.validUntil?.toISOString()} (AGREEMENT_EXPIRED); an ended grant never changes.`,
        field,
      );
    }
  }

  /** Dry run of ending a grant: the same walk, nothing locked or written; null when there is no such grant. */
  async previewEnd(grantId: string, instant: Date): Promise<RevocationPreview | null> {
    const row = await this.grants.find(grantId);
    if (!row) return null;
    if (row.state === 'ENDED')
      return { grantId, blockedReason: `The grant has already ended (${row.endGround}).`, grants: [], digitalObjectIds: [] };
    if (isExpired(row, instant))
      return { grantId, blockedReason: "The grant's term has run out (AGREEMENT_EXPIRED).", grants: [], digitalObjectIds: [] };
    const rows = await this.grants.subtreeRows(grantId, instant);
    // Top down, as the end reports them: by depth below the grant, then id. Each row's parent is in the subtree, the grant's own excepted.
    const byId = new Map(rows.map((r) => [r.id, r]));
    const depths = new Map<string, number>();
    const depth = (grant: GrantRow): number => {
      let known = depths.get(grant.id);
      if (known === undefined) {
        const parent = grant.id === grantId || !grant.parentGrantId ? undefined : byId.get(grant.parentGrantId);
        known = parent ? depth(parent) + 1 : 0;
        depths.set(grant.id, known);
      }
      return known;
    };
    rows.sort((a, b) => depth(a) - depth(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { grantId, blockedReason: null, grants: rows, digitalObjectIds: await this.grants.orphanedBySubtree(grantId, instant) };
  }

  /** `explainAccess` over the person's grants for the subject, read in two statements; with the rows read, for the request's loaders. */
  async explain(
    personId: string,
    fn: string,
    subjectId: string,
    instant: Date,
  ): Promise<{ explanation: AccessExplanation; grants: GrantRow[]; agreements: AgreementRow[] }> {
    const grants = await this.grants.grantsWithAncestors(personId, subjectId);
    const agreements = await this.grants.agreements([...new Set(grants.map((g) => g.agreementId))]);
    const explanation = explainAccess(personId, fn, subjectId, grants, new Map(agreements.map((a) => [a.id, a])), instant);
    return { explanation, grants, agreements };
  }
}
