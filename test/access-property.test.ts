import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEffectiveGrants } from '../subgraphs/access/effective-grants-repository.js';
import { GrantLifecycleManager } from '../subgraphs/access/grant-lifecycle-manager.js';
import type { EndGround } from '../subgraphs/access/grant-repository.js';
import { AccessFixture } from './support/access-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// Delegation forests under random lifecycle events, checked against a model that knows
// nothing of the implementation's shortcuts (stored effective periods, cascades written
// as rows, the ancestor-suspended marker): it decides effect by walking the chain.

let database: TestDatabase;
let fx: AccessFixture;
beforeAll(async () => {
  database = await createTestDatabase();
  fx = await AccessFixture.create(database.db);
});
afterAll(async () => {
  await database?.close();
});

const HOUR = 3_600_000;
const PERSONS = 4;
const FN = 'READINGS_SUBMIT';

interface NodeSpec {
  /** Index of an earlier node, or null for a root. */
  parent: number | null;
  holder: number;
  agreement: number;
  /** Own term in hours after the start, or null (open-ended). */
  ownHours: number | null;
  /** Left PENDING after creation (only honoured for leaves: a delegation needs an active parent). */
  pending: boolean;
}

type Event =
  | { kind: 'suspend' | 'reinstate' | 'activate' | 'renounce'; target: number }
  | { kind: 'end'; target: number; ground: EndGround }
  | { kind: 'advance'; hours: number };

const administrativeGrounds: EndGround[] = ['REVOKED', 'GROUNDS_ENDED', 'FALSE_DATA', 'OTHER_LEGAL_GROUND'];

const forestArb = fc.integer({ min: 1, max: 10 }).chain((size) =>
  fc.tuple(
    fc.tuple(
      ...Array.from({ length: size }, (_, i) =>
        fc.record({
          parent: i === 0 ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: i - 1 }), { freq: 3 }),
          holder: fc.integer({ min: 0, max: PERSONS - 1 }),
          agreement: fc.integer({ min: 0, max: 1 }),
          ownHours: fc.option(fc.integer({ min: 1, max: 60 }), { freq: 2 }),
          pending: fc.boolean(),
        }),
      ),
    ),
    fc.tuple(fc.option(fc.integer({ min: 2, max: 60 })), fc.option(fc.integer({ min: 2, max: 60 }))),
    fc.array(
      fc.oneof(
        fc.record({
          kind: fc.constantFrom('suspend' as const, 'reinstate' as const, 'activate' as const, 'renounce' as const),
          target: fc.integer({ min: 0, max: size - 1 }),
        }),
        fc.record({
          kind: fc.constant('end' as const),
          target: fc.integer({ min: 0, max: size - 1 }),
          ground: fc.constantFrom(...administrativeGrounds),
        }),
        fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 20 }) }),
      ),
      { maxLength: 20 },
    ),
  ),
);

/** The model: states as given by events, and effect decided by walking the chain. */
class Model {
  readonly state: Array<'PENDING' | 'ACTIVE' | 'SUSPENDED' | 'ENDED'>;
  constructor(
    private readonly nodes: NodeSpec[],
    private readonly agreementEnds: Array<number | null>,
    pending: boolean[],
  ) {
    this.state = pending.map((p) => (p ? 'PENDING' : 'ACTIVE'));
  }

  private ownEnd(i: number, t0: number): number {
    const node = this.nodes[i]!;
    const ends = [node.ownHours === null ? Infinity : t0 + node.ownHours * HOUR, this.agreementEnds[node.agreement] ?? Infinity];
    return Math.min(...ends);
  }

  /** Ended: by its own end, by its term, or because any ancestor ended or ran out (cascade). */
  ended(i: number, t: number, t0: number): boolean {
    for (let n: number | null = i; n !== null; n = this.nodes[n]!.parent) {
      if (this.state[n] === 'ENDED' || t >= this.ownEnd(n, t0)) return true;
    }
    return false;
  }

  inEffect(i: number, t: number, t0: number): boolean {
    if (this.ended(i, t, t0) || this.state[i] !== 'ACTIVE') return false;
    for (let n = this.nodes[i]!.parent; n !== null; n = this.nodes[n]!.parent) if (this.state[n] === 'SUSPENDED') return false;
    return true;
  }

  /** Applies an event; false when the lifecycle refuses it. */
  apply(event: Exclude<Event, { kind: 'advance' }>, t: number, t0: number): boolean {
    const i = event.target;
    if (this.ended(i, t, t0)) return false;
    const s = this.state[i];
    switch (event.kind) {
      case 'suspend':
        if (s !== 'ACTIVE') return false;
        this.state[i] = 'SUSPENDED';
        return true;
      case 'reinstate':
        if (s !== 'SUSPENDED') return false;
        this.state[i] = 'ACTIVE';
        return true;
      case 'activate':
        if (s !== 'PENDING') return false;
        this.state[i] = 'ACTIVE';
        return true;
      case 'renounce':
        this.state[i] = 'ENDED';
        return true;
      case 'end':
        if (event.ground === 'FALSE_DATA' && s !== 'SUSPENDED') return false;
        this.state[i] = 'ENDED';
        return true;
    }
  }
}

describe('access decisions against an in-memory model (fast-check)', () => {
  it('loadEffectiveGrants and explainAccess agree with the model for every person after every event', async () => {
    let runs = 0;
    let eventsChecked = 0;
    await fc.assert(
      fc.asyncProperty(forestArb, async ([nodes, agreementHours, events]) => {
        runs += 1;
        const t0 = Date.now() + 1000;
        let t = t0;
        const at = () => fx.acting(new Date(t));
        const subject = await fx.subject('UTILITY_SUPPLIER');
        const agreementEnds = agreementHours.map((h) => (h === null ? null : t0 + h * HOUR));
        const agreements = await Promise.all(
          agreementEnds.map((end) =>
            fx.agreement(subject.id, [FN, 'METERS_MAINTAIN'], {
              validFrom: new Date(t0),
              validUntil: end === null ? null : new Date(end),
              now: new Date(t0),
            }),
          ),
        );
        const persons = await Promise.all(Array.from({ length: PERSONS }, () => fx.person()));
        const hasChildren = new Set(nodes.map((n) => n.parent).filter((p): p is number => p !== null));
        const pending = nodes.map((n, i) => n.pending && !hasChildren.has(i));

        // A delegation stays under its root's agreement: the model must know which one that is.
        const effective: NodeSpec[] = [];
        const ids: string[] = [];
        for (const [i, node] of nodes.entries()) {
          const agreement = node.parent === null ? node.agreement : effective[node.parent]!.agreement;
          effective.push({ ...node, agreement });
          const { grant } = await fx.service.grantAccess(
            {
              personId: persons[node.holder]!.id,
              functions: [FN],
              ...(node.parent === null ? { agreementId: agreements[agreement]!.id } : { parentGrantId: ids[node.parent]! }),
              ...(node.ownHours === null ? {} : { validUntil: new Date(t0 + node.ownHours * HOUR) }),
            },
            at(),
          );
          if (!pending[i]) await fx.service.activateGrant(grant.id, null, at());
          ids.push(grant.id);
        }
        const model = new Model(effective, agreementEnds, pending);

        const compare = async (label: string) => {
          for (const [p, person] of persons.entries()) {
            const actual = (await loadEffectiveGrants(database.db, { personId: person.id }, new Date(t))).map((g) => g.grantId).sort();
            const expected = ids.filter((_, i) => effective[i]!.holder === p && model.inEffect(i, t, t0)).sort();
            expect(actual, `${label}: person ${p}`).toEqual(expected);
          }
          eventsChecked += 1;
        };
        await compare('after creation');

        for (const [step, event] of events.entries()) {
          if (event.kind === 'advance') {
            t += event.hours * HOUR;
          } else {
            const accepted = model.apply(event, t, t0);
            const id = ids[event.target]!;
            const run = () => {
              switch (event.kind) {
                case 'suspend':
                  return fx.service.suspendGrant(id, null, at());
                case 'reinstate':
                  return fx.service.reinstateGrant(id, null, at());
                case 'activate':
                  return fx.service.activateGrant(id, null, at());
                case 'renounce':
                  return fx
                    .as(persons[effective[event.target]!.holder]!.id, new Date(t))
                    .then((holder) => fx.service.renounceGrant(id, null, holder));
                case 'end':
                  return fx.service.endGrant(
                    { grantId: id, ground: event.ground, legalBasis: event.ground === 'OTHER_LEGAL_GROUND' ? 'Law No. 1' : null },
                    at(),
                  );
              }
            };
            const outcome = await run().then(
              () => 'accepted',
              (error: { extensions?: { code?: string } }) => {
                // Refusals are business errors, never crashes.
                expect(['CONFLICT']).toContain(error.extensions?.code);
                return 'refused';
              },
            );
            expect(outcome, `step ${step}: ${JSON.stringify(event)}`).toBe(accepted ? 'accepted' : 'refused');
          }
          await compare(`step ${step}: ${JSON.stringify(event)}`);
        }

        // explainAccess gives the same verdict as enforcement, person by person.
        const lifecycle = new GrantLifecycleManager(database.db);
        for (const [p, person] of persons.entries()) {
          const { explanation } = await lifecycle.explain(person.id, FN, subject.id, new Date(t));
          expect(explanation.allowed).toBe(ids.some((_, i) => effective[i]!.holder === p && model.inEffect(i, t, t0)));
        }
      }),
      {
        numRuns: Number(process.env.ACCESS_PROPERTY_RUNS ?? 60),
        seed: process.env.ACCESS_PROPERTY_SEED ? Number(process.env.ACCESS_PROPERTY_SEED) : undefined,
      },
    );
    expect(runs).toBeGreaterThanOrEqual(Number(process.env.ACCESS_PROPERTY_RUNS ?? 60));
    expect(eventsChecked).toBeGreaterThan(runs);
  }, 240_000);
});
