import type { Caller } from '../../lib/auth/caller.js';
import { type ChangeType, changeTypes } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, type FieldProblem, forbidden, notFound } from '../../lib/errors.js';
import { ChangesRepository } from './changes-repository.js';
import { feedScopeOf, narrowedTo } from './feed-scope.js';
import { type SubscriptionRow, WebhookRepository } from './webhook-repository.js';
import { newSigningSecret } from './webhook-signature.js';
import { targetProblem } from './webhook-target.js';

/** `CreateWebhookSubscriptionInput` as the client sends it. */
export interface CreateSubscriptionInput {
  url: string;
  types: ChangeType[];
  katoPrefix?: string | null;
  notifyEmail: string;
}

/** The most changes one replay queues; the caller continues from `lastPosition`. */
export const MAX_REPLAY = 10_000;

export interface WebhookSettings {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS. */
  allowPrivateTargets: boolean;
}

const emailPattern = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

/**
 * Webhook subscriptions of digital objects (p.32): creating one for the calling digital
 * object, and pausing, resuming, replaying and deleting one's own (administrators any).
 * Authorization of the operation is the rule's, re-checked by the write path; this class
 * decides on the specific subscription. Give it the write's transaction.
 */
export class WebhookManager {
  private readonly subscriptions: WebhookRepository;

  constructor(
    private readonly executor: Executor,
    private readonly caller: Caller,
    private readonly settings: WebhookSettings,
  ) {
    this.subscriptions = new WebhookRepository(executor);
  }

  /**
   * Subscribes the calling digital object. Its scope is what its grants in force reach
   * now (as in the feed), re-checked at every fan-out: a grant that ends narrows it.
   * Changes recorded from now on are delivered.
   */
  async create(input: CreateSubscriptionInput): Promise<{ subscription: SubscriptionRow; signingSecret: string }> {
    if (this.caller.kind !== 'machine') throw forbidden('A webhook subscription is made by the digital object itself, with its API token.');
    const problems: FieldProblem[] = [];
    const url = input.url.trim();
    const target = targetProblem(url, this.settings.allowPrivateTargets);
    if (target) problems.push({ field: 'input.url', message: `input.url ${target}` });
    const types = [...new Set(input.types)];
    if (types.length === 0) problems.push({ field: 'input.types', message: 'input.types must name at least one type of change.' });
    if (types.some((type) => !changeTypes.includes(type)))
      problems.push({ field: 'input.types', message: 'input.types holds an unknown type.' });
    const katoPrefix = input.katoPrefix?.trim() || null;
    if (katoPrefix !== null && !/^\d{1,9}$/.test(katoPrefix)) {
      problems.push({ field: 'input.katoPrefix', message: 'input.katoPrefix must be 1 to 9 digits of a KATO code, e.g. 75.' });
    }
    const notifyEmail = input.notifyEmail.trim();
    if (notifyEmail.length > 254 || !emailPattern.test(notifyEmail)) {
      problems.push({ field: 'input.notifyEmail', message: 'input.notifyEmail must be one e-mail address, e.g. it@billing.kz.' });
    }
    if (problems.length > 0) throw badUserInput(problems);
    const signingSecret = newSigningSecret();
    const subscription = await this.subscriptions.insert({
      digitalObjectId: this.caller.digitalObjectId,
      url,
      types,
      katoPrefix,
      signingSecret,
      notifyEmail,
      scope: feedScopeOf(this.caller).grants,
      startPosition: await new ChangesRepository(this.executor).head(),
      createdBy: `digital-object:${this.caller.digitalObjectId}`,
    });
    return { subscription, signingSecret };
  }

  /** Stops sending; deliveries go on being recorded. */
  async pause(id: string): Promise<SubscriptionRow> {
    const current = await this.owned(id);
    if (current.status === 'PAUSED') return current;
    return this.subscriptions.update(id, { status: 'PAUSED', pausedAt: new Date() });
  }

  /** Sends again, starting with every delivery that waited. */
  async resume(id: string): Promise<SubscriptionRow> {
    await this.owned(id);
    const subscription = await this.subscriptions.update(id, { status: 'ACTIVE', pausedAt: null, consecutiveFailures: 0, lastError: null });
    await this.subscriptions.enqueuePending(id);
    return subscription;
  }

  /**
   * Delivers again the changes after `after` the subscription covers (types, KATO prefix,
   * and the scope of its grants still in force), at most MAX_REPLAY.
   */
  async replay(id: string, after: number): Promise<{ subscription: SubscriptionRow; positions: number[]; hasMore: boolean }> {
    const subscription = await this.owned(id);
    const live = await this.subscriptions.grantsInForce(subscription.scope.map((grant) => grant.grantId));
    const changes = await new ChangesRepository(this.executor).page(
      narrowedTo(subscription.scope, live),
      { types: subscription.types, katoPrefix: subscription.katoPrefix },
      after,
      MAX_REPLAY + 1,
    );
    const positions = changes.slice(0, MAX_REPLAY).map((change) => change.position);
    await this.subscriptions.replay(id, positions);
    if (subscription.status === 'ACTIVE') await this.subscriptions.enqueue(positions.map((position) => ({ subscriptionId: id, position })));
    return { subscription, positions, hasMore: changes.length > MAX_REPLAY };
  }

  async delete(id: string): Promise<void> {
    await this.owned(id);
    await this.subscriptions.delete(id);
  }

  /** The subscription, locked, when the caller may manage it: its own digital object, or an administrator. NOT_FOUND otherwise. */
  private async owned(id: string): Promise<SubscriptionRow> {
    const subscription = await this.subscriptions.lock(id);
    if (!subscription || !mayManage(this.caller, subscription)) throw notFound('The webhook subscription', 'id');
    return subscription;
  }
}

/** Whether `caller` reads and manages `subscription`: the digital object owning it, or an administrator. */
export function mayManage(caller: Caller, subscription: Pick<SubscriptionRow, 'digitalObjectId'>): boolean {
  if (caller.kind === 'person') return caller.isAdministrator;
  return caller.kind === 'machine' && caller.digitalObjectId === subscription.digitalObjectId;
}
