import { sql } from 'drizzle-orm';
import type { Caller } from '../../lib/auth/caller.js';
import { actorOf } from '../../lib/auth/scope.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput } from '../../lib/errors.js';
import { jobSpec, TaskName } from '../../lib/jobs.js';
import { katoCodeProblem } from '../../lib/kato.js';
import { type ExportKind, ExportRepository, type ExportRow } from './export-repository.js';
import { feedScopeOf } from './feed-scope.js';

/** Exports: asked for in a write, run by the job queue (`export-runner.ts`), read by whoever asked. */
export class ExportManager {
  constructor(
    private readonly executor: Executor,
    private readonly caller: Caller,
  ) {}

  /** Records the export with the caller's scope and queues its job, in the caller's transaction. */
  async request(kind: ExportKind, katoCode: string | null): Promise<ExportRow> {
    const problem = katoCodeProblem('katoCode', katoCode);
    if (problem) throw badUserInput(problem);
    const scope = feedScopeOf(this.caller);
    const row = await new ExportRepository(this.executor).create({
      kind,
      katoCode,
      requestedBy: actorOf(this.caller),
      everything: scope.everything,
      scopeGrants: scope.everything ? [] : scope.grants,
    });
    await this.executor.execute(sql`select ${jobSpec(TaskName.Export, { exportId: row.id }, { maxAttempts: 5 })}`);
    return row;
  }
}

/** Whether `caller` may read `row`: the one who asked for it, or an administrator. */
export function mayRead(caller: Caller, row: ExportRow): boolean {
  if (caller.kind === 'person' && caller.isAdministrator) return true;
  return caller.kind !== 'anonymous' && row.requestedBy === actorOf(caller);
}
