import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { agreements, digitalObjects, endGround, grantHistory, grants, grantState, persons } from '../../schema/access.js';
import { accessFunctions } from '../../lib/auth/functions.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict } from '../../lib/errors.js';
import { uuidArray } from '../../lib/uuid.js';
import { after, type Position } from './pages.js';

export type GrantRow = typeof grants.$inferSelect;
export type AgreementRow = typeof agreements.$inferSelect;
export type GrantHistoryRow = typeof grantHistory.$inferSelect;
export type GrantState = (typeof grantState.enumValues)[number];
export type EndGround = (typeof endGround.enumValues)[number];

/** Grounds an administrator may end a grant with; the others arise by themselves (expiry, cascade) or belong to the grantee (renunciation). */
export const administrativeEndGrounds = ['REVOKED', 'GROUNDS_ENDED', 'FALSE_DATA', 'OTHER_LEGAL_GROUND'] as const satisfies readonly EndGround[];

const at = (instant: Date) => sql`${instant.toISOString()}::timestamptz`;

/** Whether the stored period has run out: the grant has then ended with AGREEMENT_EXPIRED, though its row still says otherwise. */
export function isExpired(grant: Pick<GrantRow, 'validUntil'>, instant: Date): boolean {
  return grant.validUntil !== null && grant.validUntil.getTime() <= instant.getTime();
}

/** The state a reader should see: expiry is decided from the period, at read time. */
export function effectiveState(grant: Pick<GrantRow, 'state' | 'endGround' | 'validUntil'>, instant: Date): { state: GrantState; endGround: EndGround | null } {
  if (grant.state === 'ENDED') return { state: 'ENDED', endGround: grant.endGround };
  if (isExpired(grant, instant)) return { state: 'ENDED', endGround: 'AGREEMENT_EXPIRED' };
  return { state: grant.state, endGround: null };
}

/** The same predicate as `loadEffectiveGrants`, for one row already in memory. */
export function isInEffect(grant: GrantRow, instant: Date): boolean {
  return grant.state === 'ACTIVE' && !grant.ancestorSuspended && grant.validFrom.getTime() <= instant.getTime() && !isExpired(grant, instant);
}

export function checkFunctions(functions: readonly string[], field: string): string[] {
  if (functions.length === 0) throw badUserInput({ field, message: 'Choose at least one function.' });
  const unknown = functions.filter((fn) => !(accessFunctions as readonly string[]).includes(fn));
  if (unknown.length) throw badUserInput({ field, message: `Unknown functions: ${unknown.join(', ')}.` });
  return [...new Set(functions)];
}

export interface CreateGrantInput {
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

export interface Transition {
  grant: GrantRow;
  historyId: number;
  fromState: GrantState;
}

export interface EndedGrant {
  id: string;
  fromState: GrantState;
  ground: EndGround;
  personId: string | null;
  digitalObjectId: string | null;
  subjectId: string;
  historyId: number;
}

export interface EndResult {
  /** The grant itself first, then its delegations ended by CASCADE. */
  ended: EndedGrant[];
  /** Digital objects left without a living grant, now DISABLED. */
  disabledDigitalObjectIds: string[];
}

/** Descendants whose `ancestor_suspended` flipped. */
export interface SuspensionEffect {
  transition: Transition;
  affected: Array<{ id: string; personId: string | null; digitalObjectId: string | null; subjectId: string; blocked: boolean }>;
}

export interface RevocationPreview {
  /** Null when the grant can be ended; otherwise why not (then nothing is listed). */
  blockedReason: string | null;
  grants: GrantRow[];
  digitalObjectIds: string[];
}

export interface GrantFilter {
  subjectId?: string | null;
  personId?: string | null;
  digitalObjectId?: string | null;
  /** Effective state: an ACTIVE grant past its term counts as ENDED. */
  state?: GrantState | null;
  function?: string | null;
}

/**
 * Grants and agreements with their lifecycle (p.20). Every method expects to run inside
 * the caller's transaction and takes `instant` as "now", so tests can move time.
 *
 * Concurrency: each change locks the grant it starts from (FOR UPDATE), and creating a
 * delegation locks the whole ancestor chain (FOR SHARE), so a delegation can never slip
 * under a grant that is being ended or suspended.
 */
export class GrantRepository {
  constructor(private readonly db: Executor) {}

  async find(id: string): Promise<GrantRow | undefined> {
    const [row] = await this.db.select().from(grants).where(eq(grants.id, id));
    return row;
  }

  async agreement(id: string): Promise<AgreementRow | undefined> {
    const [row] = await this.db.select().from(agreements).where(eq(agreements.id, id));
    return row;
  }

  async createAgreement(
    input: { subjectId: string; kind?: 'ACCESS' | 'INTEGRATION'; reference?: string | null; functions: string[]; validFrom?: Date | null; validUntil?: Date | null; applicationId?: string | null },
    actor: string,
    instant: Date,
  ): Promise<AgreementRow> {
    const functions = checkFunctions(input.functions, 'input.functions');
    const validFrom = input.validFrom ?? instant;
    if (input.validUntil && input.validUntil.getTime() <= validFrom.getTime()) {
      throw badUserInput({ field: 'input.validUntil', message: 'The agreement must end after it starts.' });
    }
    const [row] = await this.db
      .insert(agreements)
      .values({
        subjectId: input.subjectId,
        kind: input.kind ?? 'ACCESS',
        reference: input.reference ?? null,
        functions,
        validFrom,
        validUntil: input.validUntil ?? null,
        applicationId: input.applicationId ?? null,
        createdBy: actor,
        createdAt: instant,
      })
      .returning();
    if (!row) throw new Error('The agreement was not recorded.');
    return row;
  }

  /**
   * Ancestors of `grantId` and the grant itself, locked FOR SHARE, nearest first. Rows are
   * locked root first, the order in which `end` and `suspend` lock a subtree (its top
   * first), so a delegation racing a revocation waits instead of deadlocking.
   */
  private async lockChain(grantId: string): Promise<GrantRow[]> {
    const locked = await this.db.execute<{ id: string }>(sql`
      with recursive chain(id, parent, depth) as (
        select id, parent_grant_id, 0 from access.grants where id = ${grantId}::uuid
        union all
        select g.id, g.parent_grant_id, c.depth + 1 from access.grants g join chain c on g.id = c.parent)
      select g.id from access.grants g join chain c on c.id = g.id
       order by c.depth desc
         for share of g`);
    if (locked.length === 0) return [];
    const rows = await this.db.select().from(grants).where(inArray(grants.id, locked.map((r) => r.id)));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const chain: GrantRow[] = [];
    for (let current = byId.get(grantId); current; current = current.parentGrantId ? byId.get(current.parentGrantId) : undefined) chain.push(current);
    return chain;
  }

  /**
   * A new grant in PENDING (or ACTIVE when `initialState` says so: the digital object's
   * grant on approval). Its period is narrowed to the parent's and the agreement's, so the
   * per-request check needs no chain walk.
   */
  async create(input: CreateGrantInput, actor: string, instant: Date, initialState: 'PENDING' | 'ACTIVE' = 'PENDING'): Promise<GrantRow> {
    const functions = checkFunctions(input.functions, 'input.functions');
    if (Boolean(input.personId) === Boolean(input.digitalObjectId)) {
      throw badUserInput({ field: 'input.personId', message: 'Give exactly one grantee: a personId or a digitalObjectId.' });
    }

    let parent: GrantRow | undefined;
    let agreement: AgreementRow | undefined;
    if (input.parentGrantId) {
      [parent] = await this.lockChain(input.parentGrantId);
      if (!parent) throw badUserInput({ field: 'input.parentGrantId', message: 'No grant has this parentGrantId.' });
      if (!isInEffect({ ...parent, validFrom: new Date(0) }, instant)) {
        throw badUserInput({ field: 'input.parentGrantId', message: 'Only an active grant that is not suspended and has not ended can be delegated.' });
      }
      if (input.agreementId && input.agreementId !== parent.agreementId) {
        throw badUserInput({ field: 'input.agreementId', message: 'A delegated grant stays under its parent grant\'s agreement; omit agreementId.' });
      }
      agreement = await this.agreement(parent.agreementId);
      const beyond = functions.filter((fn) => !parent!.functions.includes(fn));
      if (beyond.length) throw badUserInput({ field: 'input.functions', message: `A delegation cannot add functions its parent grant lacks: ${beyond.join(', ')}.` });
    } else {
      if (!input.agreementId) throw badUserInput({ field: 'input.agreementId', message: 'A grant that is not delegated needs the agreement it is made under.' });
      agreement = await this.agreement(input.agreementId);
      if (!agreement) throw badUserInput({ field: 'input.agreementId', message: 'No agreement has this agreementId.' });
      const beyond = functions.filter((fn) => !agreement!.functions.includes(fn));
      if (beyond.length) throw badUserInput({ field: 'input.functions', message: `The agreement does not cover these functions: ${beyond.join(', ')}.` });
    }
    if (!agreement) throw new Error('The grant\'s agreement is missing.');

    if (input.personId) {
      const [person] = await this.db.select({ id: persons.id }).from(persons).where(eq(persons.id, input.personId));
      if (!person) throw badUserInput({ field: 'input.personId', message: 'No person has this personId.' });
    } else if (input.digitalObjectId) {
      const [object] = await this.db.select().from(digitalObjects).where(eq(digitalObjects.id, input.digitalObjectId));
      if (!object) throw badUserInput({ field: 'input.digitalObjectId', message: 'No digital object has this digitalObjectId.' });
      if (object.subjectId !== agreement.subjectId) throw badUserInput({ field: 'input.digitalObjectId', message: 'A digital object can act only for the subject that owns it.' });
      if (object.status === 'DISABLED') throw badUserInput({ field: 'input.digitalObjectId', message: 'The digital object is disabled.' });
    }

    const starts = [input.validFrom ?? instant, agreement.validFrom, parent?.validFrom].filter((d): d is Date => d instanceof Date);
    const ends = [input.validUntil, agreement.validUntil, parent?.validUntil].filter((d): d is Date => d instanceof Date);
    const validFrom = new Date(Math.max(...starts.map((d) => d.getTime())));
    const validUntil = ends.length ? new Date(Math.min(...ends.map((d) => d.getTime()))) : null;
    if (validUntil && validUntil.getTime() <= Math.max(validFrom.getTime(), instant.getTime())) {
      throw badUserInput({
        field: 'input.validUntil',
        message: 'The grant would end before it starts or is already over: its term, the agreement\'s and the parent grant\'s must all extend past today.',
      });
    }

    const [row] = await this.db
      .insert(grants)
      .values({
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
        createdAt: instant,
        stateChangedAt: instant,
      })
      .returning();
    if (!row) throw new Error('The grant was not recorded.');
    await this.db.insert(grantHistory).values({ grantId: row.id, fromState: null, toState: initialState, comment: input.comment ?? null, actor, at: instant });
    return row;
  }

  private async lockForChange(grantId: string): Promise<GrantRow> {
    const [row] = await this.db.select().from(grants).where(eq(grants.id, grantId)).for('update');
    if (!row) throw badUserInput({ field: 'grantId', message: 'No grant has this grantId.' });
    return row;
  }

  private refuseIfOver(row: GrantRow, instant: Date): void {
    if (row.state === 'ENDED') throw conflict(`The grant has ended (${row.endGround}); an ended grant never changes.`, 'grantId');
    if (isExpired(row, instant)) {
      throw conflict(`The grant's term ran out on ${row.validUntil?.toISOString()} (AGREEMENT_EXPIRED); an ended grant never changes.`, 'grantId');
    }
  }

  private async transition(row: GrantRow, to: GrantState, ground: EndGround | null, comment: string | null | undefined, actor: string, instant: Date): Promise<Transition> {
    const [updated] = await this.db.update(grants).set({ state: to, stateChangedAt: instant }).where(eq(grants.id, row.id)).returning();
    const [history] = await this.db
      .insert(grantHistory)
      .values({ grantId: row.id, fromState: row.state, toState: to, ground, comment: comment ?? null, actor, at: instant })
      .returning({ id: grantHistory.id });
    if (!updated || !history) throw new Error('The grant transition was not recorded.');
    return { grant: updated, historyId: history.id, fromState: row.state };
  }

  /** PENDING → ACTIVE. */
  async activate(grantId: string, comment: string | null | undefined, actor: string, instant: Date): Promise<Transition> {
    const row = await this.lockForChange(grantId);
    this.refuseIfOver(row, instant);
    if (row.state !== 'PENDING') throw conflict(`Only a PENDING grant can be activated; this one is ${row.state}.`, 'grantId');
    return this.transition(row, 'ACTIVE', null, comment, actor, instant);
  }

  /**
   * ACTIVE → SUSPENDED on ground FALSE_DATA (p.20.6): the right has no effect while the
   * Administrator reviews. Every living descendant is marked `ancestor_suspended` in the
   * same transaction: a delegated right can never be more than its parent's.
   */
  async suspend(grantId: string, comment: string | null | undefined, actor: string, instant: Date): Promise<SuspensionEffect> {
    const row = await this.lockForChange(grantId);
    this.refuseIfOver(row, instant);
    if (row.state !== 'ACTIVE') throw conflict(`Only an ACTIVE grant can be suspended; this one is ${row.state}.`, 'grantId');
    const transition = await this.transition(row, 'SUSPENDED', 'FALSE_DATA', comment, actor, instant);
    return { transition, affected: await this.refreshDescendants(grantId) };
  }

  /** SUSPENDED → ACTIVE after the review found the data true; descendants regain effect unless another ancestor is suspended. */
  async reinstate(grantId: string, comment: string | null | undefined, actor: string, instant: Date): Promise<SuspensionEffect> {
    const row = await this.lockForChange(grantId);
    this.refuseIfOver(row, instant);
    if (row.state !== 'SUSPENDED') throw conflict(`Only a SUSPENDED grant can be reinstated; this one is ${row.state}.`, 'grantId');
    const transition = await this.transition(row, 'ACTIVE', null, comment, actor, instant);
    return { transition, affected: await this.refreshDescendants(grantId) };
  }

  /** Recomputes `ancestor_suspended` top-down under `grantId` in one statement; returns the rows that flipped. */
  private async refreshDescendants(grantId: string): Promise<SuspensionEffect['affected']> {
    const rows = await this.db.execute<{ id: string; person_id: string | null; digital_object_id: string | null; subject_id: string; blocked: boolean }>(sql`
      with recursive walk(id, blocked) as (
        select c.id, (p.ancestor_suspended or p.state = 'SUSPENDED')
          from access.grants p join access.grants c on c.parent_grant_id = p.id
         where p.id = ${grantId}::uuid and c.state <> 'ENDED'
        union all
        select c.id, (w.blocked or p.state = 'SUSPENDED')
          from walk w join access.grants p on p.id = w.id join access.grants c on c.parent_grant_id = p.id
         where c.state <> 'ENDED')
      update access.grants g set ancestor_suspended = w.blocked
        from walk w
       where g.id = w.id and g.ancestor_suspended <> w.blocked
      returning g.id, g.person_id, g.digital_object_id, g.subject_id, w.blocked`);
    return rows.map((r) => ({ id: r.id, personId: r.person_id, digitalObjectId: r.digital_object_id, subjectId: r.subject_id, blocked: r.blocked }));
  }

  /** The living subtree under `grantId` (itself included): what ending it would end. */
  private subtree(grantId: string, instant: Date): SQL {
    return sql`with recursive tree(id, depth) as (
        select id, 0 from access.grants where id = ${grantId}::uuid
        union all
        select c.id, t.depth + 1 from access.grants c join tree t on c.parent_grant_id = t.id
         where c.state <> 'ENDED' and (c.valid_until is null or c.valid_until > ${at(instant)}))`;
  }

  /**
   * Ends a grant on `ground` and, in the same statement, every living grant delegated from
   * it at any depth with ground CASCADE (p.20.4); one history row each. Grants already
   * ended, or past their term, are left as they are: ended is final. Digital objects left
   * with no living grant are DISABLED.
   */
  async end(
    grantId: string,
    change: { ground: EndGround; legalBasis?: string | null; comment?: string | null },
    actor: string,
    instant: Date,
  ): Promise<EndResult> {
    const row = await this.lockForChange(grantId);
    this.refuseIfOver(row, instant);
    if (change.ground === 'FALSE_DATA' && row.state !== 'SUSPENDED') {
      throw conflict('A grant ends on FALSE_DATA only after it was suspended for review; suspend it first.', 'input.ground');
    }
    const cascadeComment = `The delegating grant ${grantId} ended (${change.ground}).`;
    const rows = await this.db.execute<{
      id: string; from_state: GrantState; end_ground: EndGround; person_id: string | null; digital_object_id: string | null; subject_id: string; history_id: string; depth: number;
    }>(sql`
      ${this.subtree(grantId, instant)},
      locked as (
        select g.id, g.state from access.grants g
         where g.id in (select id from tree) and g.state <> 'ENDED'
         for update),
      ended as (
        update access.grants g
           set state = 'ENDED',
               end_ground = case when g.id = ${grantId}::uuid then ${change.ground}::access.end_ground else 'CASCADE'::access.end_ground end,
               legal_basis = case when g.id = ${grantId}::uuid then ${change.legalBasis ?? null}::text else null end,
               state_changed_at = ${at(instant)}
          from locked l
         where g.id = l.id
        returning g.id, l.state as from_state, g.end_ground, g.legal_basis, g.person_id, g.digital_object_id, g.subject_id),
      history as (
        insert into access.grant_history (grant_id, from_state, to_state, ground, legal_basis, comment, actor, at)
        select e.id, e.from_state, 'ENDED', e.end_ground, e.legal_basis,
               case when e.id = ${grantId}::uuid then ${change.comment ?? null}::text else ${cascadeComment}::text end,
               ${actor}, ${at(instant)}
          from ended e
        returning id, grant_id)
      select e.id, e.from_state::text as from_state, e.end_ground::text as end_ground, e.person_id, e.digital_object_id, e.subject_id,
             h.id::text as history_id, t.depth
        from ended e join history h on h.grant_id = e.id join tree t on t.id = e.id
       order by t.depth, e.id`);
    const ended: EndedGrant[] = rows.map((r) => ({
      id: r.id,
      fromState: r.from_state,
      ground: r.end_ground,
      personId: r.person_id,
      digitalObjectId: r.digital_object_id,
      subjectId: r.subject_id,
      historyId: Number(r.history_id),
    }));
    const objectIds = [...new Set(ended.map((g) => g.digitalObjectId).filter((id): id is string => id !== null))];
    const disabled = objectIds.length
      ? await this.db.execute<{ id: string }>(sql`
          update access.digital_objects d set status = 'DISABLED', disabled_at = ${at(instant)}
           where d.id = any(${uuidArray(objectIds)}::uuid[]) and d.status <> 'DISABLED'
             and not exists (
               select 1 from access.grants g
                where g.digital_object_id = d.id and g.state <> 'ENDED'
                  and (g.valid_until is null or g.valid_until > ${at(instant)}))
          returning d.id`)
      : [];
    return { ended, disabledDigitalObjectIds: disabled.map((d) => d.id) };
  }

  /** Dry run of `end`: the same walk, nothing locked or written. */
  async previewEnd(grantId: string, instant: Date): Promise<RevocationPreview | null> {
    const [row] = await this.db.select().from(grants).where(eq(grants.id, grantId));
    if (!row) return null;
    if (row.state === 'ENDED') return { blockedReason: `The grant has already ended (${row.endGround}).`, grants: [], digitalObjectIds: [] };
    if (isExpired(row, instant)) return { blockedReason: 'The grant\'s term has run out (AGREEMENT_EXPIRED).', grants: [], digitalObjectIds: [] };
    const rows = await this.db.select().from(grants).where(sql`${grants.id} in (${this.subtree(grantId, instant)} select id from tree)`);
    // Top down, as `end` reports them: by depth below the grant, then id. Each row's parent is in the subtree, the grant's own excepted.
    const byId = new Map(rows.map((r) => [r.id, r]));
    const depths = new Map<string, number>();
    const depth = (row: GrantRow): number => {
      let known = depths.get(row.id);
      if (known === undefined) {
        const parent = row.id === grantId || !row.parentGrantId ? undefined : byId.get(row.parentGrantId);
        known = parent ? depth(parent) + 1 : 0;
        depths.set(row.id, known);
      }
      return known;
    };
    rows.sort((a, b) => depth(a) - depth(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const objects = await this.db.execute<{ id: string }>(sql`
      ${this.subtree(grantId, instant)}
      select distinct g.digital_object_id as id
        from access.grants g join tree t on t.id = g.id
       where g.digital_object_id is not null
         and not exists (
           select 1 from access.grants o
            where o.digital_object_id = g.digital_object_id and o.state <> 'ENDED'
              and (o.valid_until is null or o.valid_until > ${at(instant)})
              and o.id not in (select id from tree))
       order by 1`);
    return { blockedReason: null, grants: rows, digitalObjectIds: objects.map((o) => o.id) };
  }

  /** Grants of a person for a subject and all their ancestors: what `explainAccess` reasons over. */
  async grantsWithAncestors(personId: string, subjectId: string): Promise<GrantRow[]> {
    return this.db
      .select()
      .from(grants)
      .where(
        sql`${grants.id} in (
          with recursive chain(id, parent) as (
            select id, parent_grant_id from access.grants where person_id = ${personId}::uuid and subject_id = ${subjectId}::uuid
            union
            select g.id, g.parent_grant_id from access.grants g join chain c on g.id = c.parent)
          select id from chain)`,
      );
  }

  /** Keyset page of grants matching `filter`, newest first. */
  async list(filter: GrantFilter, page: { first: number; after: Position | null }, instant: Date): Promise<GrantRow[]> {
    const conditions: SQL[] = [];
    if (filter.subjectId) conditions.push(eq(grants.subjectId, filter.subjectId));
    if (filter.personId) conditions.push(eq(grants.personId, filter.personId));
    if (filter.digitalObjectId) conditions.push(eq(grants.digitalObjectId, filter.digitalObjectId));
    if (filter.function) conditions.push(sql`${filter.function}::text = any(${grants.functions})`);
    const expired = sql`(${grants.validUntil} is not null and ${grants.validUntil} <= ${at(instant)})`;
    if (filter.state === 'ENDED') conditions.push(sql`(${grants.state} = 'ENDED' or ${expired})`);
    else if (filter.state) conditions.push(sql`${grants.state} = ${filter.state} and not ${expired}`);
    return this.db
      .select()
      .from(grants)
      .where(and(...conditions, after(grants.createdAt, grants.id, page.after)))
      .orderBy(desc(grants.createdAt), desc(grants.id))
      .limit(page.first + 1);
  }

  async history(grantId: string): Promise<GrantHistoryRow[]> {
    return this.db.select().from(grantHistory).where(eq(grantHistory.grantId, grantId)).orderBy(asc(grantHistory.id));
  }
}
