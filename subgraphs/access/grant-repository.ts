import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import type { PageRequest } from '../../lib/pagination.js';
import { uuidArray } from '../../lib/uuid.js';
import { agreements, type endGround, grantHistory, type grantState, grants } from '../../schema/access.js';

export type GrantRow = typeof grants.$inferSelect;
export type AgreementRow = typeof agreements.$inferSelect;
export type GrantState = (typeof grantState.enumValues)[number];
export type EndGround = (typeof endGround.enumValues)[number];

const at = (instant: Date) => sql`${instant.toISOString()}::timestamptz`;

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

/** A descendant whose `ancestor_suspended` flipped. */
export interface FlippedDescendant {
  id: string;
  personId: string | null;
  digitalObjectId: string | null;
  subjectId: string;
  /** True when it lost effect (an ancestor is suspended now), false when it regained it. */
  blocked: boolean;
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
 * SQL of grants, their agreements and their history (p.19, p.20). The lifecycle's rules are
 * the grant lifecycle manager's; every method here runs in the caller's transaction.
 *
 * Concurrency: a change locks the grant it starts from (`forUpdate`), and creating a
 * delegation locks the whole ancestor chain (`lockChain`, FOR SHARE, root first, the order
 * in which `endSubtree` locks a subtree), so a delegation never slips under a grant being
 * ended or suspended, and never deadlocks with it.
 */
export class GrantRepository {
  constructor(private readonly db: Executor) {}

  async find(id: string): Promise<GrantRow | undefined> {
    const [row] = await this.db.select().from(grants).where(eq(grants.id, id));
    return row;
  }

  /** The grant, locked until the transaction ends. */
  async forUpdate(id: string): Promise<GrantRow | undefined> {
    const [row] = await this.db.select().from(grants).where(eq(grants.id, id)).for('update');
    return row;
  }

  async agreement(id: string): Promise<AgreementRow | undefined> {
    const [row] = await this.db.select().from(agreements).where(eq(agreements.id, id));
    return row;
  }

  async agreements(ids: readonly string[]): Promise<AgreementRow[]> {
    return ids.length
      ? this.db
          .select()
          .from(agreements)
          .where(inArray(agreements.id, [...ids]))
      : [];
  }

  async insertAgreement(values: typeof agreements.$inferInsert): Promise<AgreementRow> {
    const [row] = await this.db.insert(agreements).values(values).returning();
    if (!row) throw new Error('The agreement was not recorded.');
    return row;
  }

  /** Ancestors of `grantId` and the grant itself, locked FOR SHARE, nearest first. */
  async lockChain(grantId: string): Promise<GrantRow[]> {
    const locked = await this.db.execute<{ id: string }>(sql`
      with recursive chain(id, parent, depth) as (
        select id, parent_grant_id, 0 from access.grants where id = ${grantId}::uuid
        union all
        select g.id, g.parent_grant_id, c.depth + 1 from access.grants g join chain c on g.id = c.parent)
      select g.id from access.grants g join chain c on c.id = g.id
       order by c.depth desc
         for share of g`);
    if (locked.length === 0) return [];
    const rows = await this.db
      .select()
      .from(grants)
      .where(
        inArray(
          grants.id,
          locked.map((r) => r.id),
        ),
      );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const chain: GrantRow[] = [];
    for (let current = byId.get(grantId); current; current = current.parentGrantId ? byId.get(current.parentGrantId) : undefined)
      chain.push(current);
    return chain;
  }

  /** A new grant and the history row of its creation. */
  async insertGrant(values: typeof grants.$inferInsert & { createdBy: string }, comment: string | null, instant: Date): Promise<GrantRow> {
    const [row] = await this.db
      .insert(grants)
      .values({ ...values, createdAt: instant, stateChangedAt: instant })
      .returning();
    if (!row) throw new Error('The grant was not recorded.');
    await this.db
      .insert(grantHistory)
      .values({ grantId: row.id, fromState: null, toState: row.state, comment, actor: values.createdBy, at: instant });
    return row;
  }

  /** Moves a locked grant to `to` and appends the history row. */
  async transition(
    row: GrantRow,
    to: GrantState,
    ground: EndGround | null,
    comment: string | null,
    actor: string,
    instant: Date,
  ): Promise<Transition> {
    const [updated] = await this.db.update(grants).set({ state: to, stateChangedAt: instant }).where(eq(grants.id, row.id)).returning();
    const [history] = await this.db
      .insert(grantHistory)
      .values({ grantId: row.id, fromState: row.state, toState: to, ground, comment, actor, at: instant })
      .returning({ id: grantHistory.id });
    if (!updated || !history) throw new Error('The grant transition was not recorded.');
    return { grant: updated, historyId: history.id, fromState: row.state };
  }

  /** Recomputes `ancestor_suspended` top-down under `grantId` in one statement; returns the rows that flipped. */
  async refreshDescendants(grantId: string): Promise<FlippedDescendant[]> {
    const rows = await this.db.execute<{
      id: string;
      person_id: string | null;
      digital_object_id: string | null;
      subject_id: string;
      blocked: boolean;
    }>(sql`
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
    return rows.map((r) => ({
      id: r.id,
      personId: r.person_id,
      digitalObjectId: r.digital_object_id,
      subjectId: r.subject_id,
      blocked: r.blocked,
    }));
  }

  /** The living subtree under `grantId` (itself included), as the CTE `tree(id, depth)`. */
  private subtree(grantId: string, instant: Date): SQL {
    return sql`with recursive tree(id, depth) as (
        select id, 0 from access.grants where id = ${grantId}::uuid
        union all
        select c.id, t.depth + 1 from access.grants c join tree t on c.parent_grant_id = t.id
         where c.state <> 'ENDED' and (c.valid_until is null or c.valid_until > ${at(instant)}))`;
  }

  /**
   * Ends `grantId` on `ground` and, in the same statement, every living grant delegated from
   * it at any depth with ground CASCADE; one history row each. Top down, then by id.
   */
  async endSubtree(
    grantId: string,
    change: { ground: EndGround; legalBasis: string | null; comment: string | null; cascadeComment: string },
    actor: string,
    instant: Date,
  ): Promise<EndedGrant[]> {
    const rows = await this.db.execute<{
      id: string;
      from_state: GrantState;
      end_ground: EndGround;
      person_id: string | null;
      digital_object_id: string | null;
      subject_id: string;
      history_id: string;
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
               legal_basis = case when g.id = ${grantId}::uuid then ${change.legalBasis}::text else null end,
               state_changed_at = ${at(instant)}
          from locked l
         where g.id = l.id
        returning g.id, l.state as from_state, g.end_ground, g.legal_basis, g.person_id, g.digital_object_id, g.subject_id),
      history as (
        insert into access.grant_history (grant_id, from_state, to_state, ground, legal_basis, comment, actor, at)
        select e.id, e.from_state, 'ENDED', e.end_ground, e.legal_basis,
               case when e.id = ${grantId}::uuid then ${change.comment}::text else ${change.cascadeComment}::text end,
               ${actor}, ${at(instant)}
          from ended e
        returning id, grant_id)
      select e.id, e.from_state::text as from_state, e.end_ground::text as end_ground, e.person_id, e.digital_object_id, e.subject_id,
             h.id::text as history_id
        from ended e join history h on h.grant_id = e.id join tree t on t.id = e.id
       order by t.depth, e.id`);
    return rows.map((r) => ({
      id: r.id,
      fromState: r.from_state,
      ground: r.end_ground,
      personId: r.person_id,
      digitalObjectId: r.digital_object_id,
      subjectId: r.subject_id,
      historyId: Number(r.history_id),
    }));
  }

  /** Of `digitalObjectIds`, disables those left without a living grant; returns their ids. */
  async disableOrphanedDigitalObjects(digitalObjectIds: readonly string[], instant: Date): Promise<string[]> {
    if (digitalObjectIds.length === 0) return [];
    const rows = await this.db.execute<{ id: string }>(sql`
      update access.digital_objects d set status = 'DISABLED', disabled_at = ${at(instant)}
       where d.id = any(${uuidArray(digitalObjectIds)}::uuid[]) and d.status <> 'DISABLED'
         and not exists (
           select 1 from access.grants g
            where g.digital_object_id = d.id and g.state <> 'ENDED'
              and (g.valid_until is null or g.valid_until > ${at(instant)}))
      returning d.id`);
    return rows.map((row) => row.id);
  }

  /** The living subtree under `grantId` as rows, in no particular order: what `endSubtree` would end. Nothing is locked. */
  async subtreeRows(grantId: string, instant: Date): Promise<GrantRow[]> {
    return this.db
      .select()
      .from(grants)
      .where(sql`${grants.id} in (${this.subtree(grantId, instant)} select id from tree)`);
  }

  /** Digital objects that ending `grantId` would leave without a living grant, by id. */
  async orphanedBySubtree(grantId: string, instant: Date): Promise<string[]> {
    const rows = await this.db.execute<{ id: string }>(sql`
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
    return rows.map((row) => row.id);
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

  /** A keyset page of grants matching `filter`, newest first, one row beyond `page.first`. */
  async page(filter: GrantFilter, page: PageRequest, instant: Date): Promise<GrantRow[]> {
    const conditions: SQL[] = [];
    if (filter.subjectId) conditions.push(eq(grants.subjectId, filter.subjectId));
    if (filter.personId) conditions.push(eq(grants.personId, filter.personId));
    if (filter.digitalObjectId) conditions.push(eq(grants.digitalObjectId, filter.digitalObjectId));
    if (filter.function) conditions.push(sql`${filter.function}::text = any(${grants.functions})`);
    const expired = sql`(${grants.validUntil} is not null and ${grants.validUntil} <= ${at(instant)})`;
    if (filter.state === 'ENDED') conditions.push(sql`(${grants.state} = 'ENDED' or ${expired})`);
    else if (filter.state) conditions.push(sql`${grants.state} = ${filter.state} and not ${expired}`);
    if (page.after)
      conditions.push(sql`(${grants.createdAt}, ${grants.id}) < (${page.after.at ?? null}::timestamptz, ${page.after.id}::uuid)`);
    return this.db
      .select()
      .from(grants)
      .where(and(...conditions))
      .orderBy(desc(grants.createdAt), desc(grants.id))
      .limit(page.first + 1);
  }
}
