import { and, asc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import {
  type ConsumerRequestKind,
  type ConsumerRequestStatus,
  consumerRequests,
  personalAccounts,
  suppliers,
} from '../../schema/utilities.js';

/** A request with what every decision about it needs: its supplier's subject, and its account's number and service. */
export interface RequestRow {
  id: string;
  supplierId: string;
  supplierSubjectId: string;
  accountId: string;
  accountNumber: string;
  service: typeof personalAccounts.$inferSelect.service;
  kind: ConsumerRequestKind;
  text: string;
  status: ConsumerRequestStatus;
  submittedBy: string;
  submittedAt: Date;
  deadline: string;
  answer: string | null;
  answeredAt: Date | null;
  version: number;
}

export interface RequestFilter {
  supplierId?: string | null;
  submittedBy?: string | null;
  status?: ConsumerRequestStatus | null;
}

/** The account a consumer names, with what deciding whether they are its consumer needs. */
export interface NamedAccount {
  id: string;
  buildingId: string;
  premiseNumber: string | null;
  holderIin: string;
}

const columns = {
  id: consumerRequests.id,
  supplierId: consumerRequests.supplierId,
  supplierSubjectId: suppliers.subjectId,
  accountId: consumerRequests.accountId,
  accountNumber: personalAccounts.accountNumber,
  service: personalAccounts.service,
  kind: consumerRequests.kind,
  text: consumerRequests.text,
  status: consumerRequests.status,
  submittedBy: consumerRequests.submittedBy,
  submittedAt: consumerRequests.submittedAt,
  deadline: consumerRequests.deadline,
  answer: consumerRequests.answer,
  answeredAt: consumerRequests.answeredAt,
  version: consumerRequests.version,
};

/** Consumer requests (p.29). Reads are unscoped: the loaders and rules apply the caller's scope. */
export class ConsumerRequestRepository {
  constructor(private readonly executor: Executor) {}

  private select() {
    return this.executor
      .select(columns)
      .from(consumerRequests)
      .innerJoin(suppliers, eq(suppliers.id, consumerRequests.supplierId))
      .innerJoin(personalAccounts, eq(personalAccounts.id, consumerRequests.accountId));
  }

  byIds(ids: readonly string[]): Promise<RequestRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.select().where(inArray(consumerRequests.id, [...ids]));
  }

  /** `limit` requests after the id `after`, in id order. */
  page(options: { limit: number; after: string | null; filter: RequestFilter }): Promise<RequestRow[]> {
    const { filter } = options;
    const conditions: SQL[] = [];
    if (options.after) conditions.push(gt(consumerRequests.id, options.after));
    if (filter.supplierId) conditions.push(eq(consumerRequests.supplierId, filter.supplierId));
    if (filter.submittedBy) conditions.push(eq(consumerRequests.submittedBy, filter.submittedBy));
    if (filter.status) conditions.push(eq(consumerRequests.status, filter.status));
    return this.select()
      .where(and(...conditions))
      .orderBy(asc(consumerRequests.id))
      .limit(options.limit);
  }

  /** The supplier's account with this number; null when there is none. */
  async accountOf(supplierId: string, accountNumber: string): Promise<NamedAccount | null> {
    const [row] = await this.executor
      .select({
        id: personalAccounts.id,
        buildingId: personalAccounts.buildingId,
        premiseNumber: personalAccounts.premiseNumber,
        holderIin: personalAccounts.holderIin,
      })
      .from(personalAccounts)
      .where(and(eq(personalAccounts.supplierId, supplierId), eq(personalAccounts.accountNumber, accountNumber)));
    return row ?? null;
  }

  async insert(request: {
    supplierId: string;
    accountId: string;
    kind: ConsumerRequestKind;
    text: string;
    submittedBy: string;
    submittedAt: Date;
    deadline: string;
  }): Promise<string> {
    const [row] = await this.executor.insert(consumerRequests).values(request).returning({ id: consumerRequests.id });
    if (!row) throw new Error('The request was not recorded.');
    return row.id;
  }

  /** Locks the request's row until commit and returns its status and version. */
  async lock(id: string): Promise<{ status: ConsumerRequestStatus; version: number } | null> {
    const [row] = await this.executor
      .select({ status: consumerRequests.status, version: consumerRequests.version })
      .from(consumerRequests)
      .where(eq(consumerRequests.id, id))
      .for('update');
    return row ?? null;
  }

  async answer(id: string, change: { status: ConsumerRequestStatus; answer: string | null; by: string; at: Date }): Promise<void> {
    const final = change.status === 'ANSWERED' || change.status === 'REJECTED';
    await this.executor
      .update(consumerRequests)
      .set({
        status: change.status,
        answer: change.answer,
        ...(final ? { answeredAt: change.at, answeredBy: change.by } : {}),
        updatedAt: change.at,
        version: sql`${consumerRequests.version} + 1`,
      })
      .where(eq(consumerRequests.id, id));
  }
}
