import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../../lib/db.js';
import { enqueueNotification, type Notification } from '../../lib/outbox.js';

/** An incident as the graph shows it. */
export interface IncidentRow {
  id: string;
  component: string;
  startedAt: Date;
  endedAt: Date | null;
  problem: string | null;
  failureNotices: number;
  recoveryNotices: number;
}

/** The owner of LIVE digital objects, by contact address (one message per address). */
export interface OwnerContact {
  email: string;
  digitalObjects: string[];
}

/** What the notices say; `ended` set for a recovery (and for an incident written only once it was over). */
export interface IncidentNotice {
  id: string;
  component: string;
  startedAt: Date;
  endedAt: Date | null;
}

type Row = Record<string, unknown>;

function toIncident(row: Row): IncidentRow {
  return {
    id: String(row.id),
    component: String(row.component),
    startedAt: new Date(String(row.started_at)),
    endedAt: row.ended_at == null ? null : new Date(String(row.ended_at)),
    problem: row.problem == null ? null : String(row.problem),
    failureNotices: Number(row.failure_notices),
    recoveryNotices: Number(row.recovery_notices),
  };
}

const describe: Record<string, string> = {
  DATABASE: 'the database',
  BUILDINGS: 'the building register service',
  CONDOMINIUM: 'the building management service',
  UTILITIES: 'the utilities service (suppliers, personal accounts, tariffs)',
  ACCESS: 'the access service (tokens, grants): every authenticated call',
  INTEGRATION: 'the integration service (change feed, webhooks)',
};

/**
 * The notices of p.34 for one incident, one per owner's address. A failure notice while it
 * lasts, a recovery notice when it ends; an incident recorded only once it was over (the
 * database itself was down, so nothing could be written while it lasted) gets one notice
 * saying both. The dedupe key names incident, event and address: written once, whichever
 * replica's monitor tries.
 */
export function incidentNotices(incident: IncidentNotice, event: 'failure' | 'recovery', owners: OwnerContact[]): Notification[] {
  const what = describe[incident.component] ?? incident.component.toLowerCase();
  const since = incident.startedAt.toISOString();
  return owners.map(({ email, digitalObjects }) => {
    const objects = `Your digital objects connected to the CS: ${digitalObjects.join(', ')}.`;
    if (event === 'failure' && incident.endedAt === null)
      return {
        kind: 'cs.failure',
        recipientEmail: email,
        subject: `Housing CS: ${what} is failing`,
        body: `The centralized housing and utilities system (CS) is failing since ${since}: ${what} does not answer. Calls that need it are refused (HTTP 503, retry later); nothing it refuses is recorded. You will get another message when it is back. ${objects} Incident ${incident.id}.`,
        dedupeKey: `incident:${incident.id}:failure:${email}`,
      };
    const until = (incident.endedAt ?? new Date()).toISOString();
    const body =
      event === 'failure'
        ? `The centralized housing and utilities system (CS) failed from ${since} to ${until}: ${what} did not answer, and this notice could not be written before it was back. Calls refused in that time were not recorded: send them again. ${objects} Incident ${incident.id}.`
        : `The centralized housing and utilities system (CS) is back since ${until}: ${what} failed from ${since}. Calls refused in that time were not recorded: send them again. ${objects} Incident ${incident.id}.`;
    return {
      kind: event === 'failure' ? 'cs.failure' : 'cs.recovery',
      recipientEmail: email,
      subject: event === 'failure' ? `Housing CS: ${what} failed and is back` : `Housing CS: ${what} is back`,
      body,
      dedupeKey: `incident:${incident.id}:${event}:${email}`,
    };
  });
}

/** The SQL of incidents (`integration.incidents`) and of their notices. */
export class IncidentRepository {
  constructor(private readonly db: Database) {}

  /** Components with an incident open now. */
  async openComponents(): Promise<string[]> {
    const rows = await this.db.execute<{ component: string }>(sql`select component from integration.incidents where ended_at is null`);
    return rows.map((row) => row.component);
  }

  /** Incidents, newest first; only open (or only closed) ones when asked. */
  async list(open: boolean | null, limit: number): Promise<IncidentRow[]> {
    const rows = await this.db.execute<Row>(sql`
      select * from integration.incidents
       where ${open === null ? sql`true` : open ? sql`ended_at is null` : sql`ended_at is not null`}
       order by started_at desc, id desc limit ${limit}`);
    return rows.map(toIncident);
  }

  /**
   * Opens an incident of `component` (closed at once when `endedAt` is given: it is written
   * after the fact) and queues its notice to every owner, in one transaction. Null when
   * the component already has an open incident (another replica's monitor recorded it).
   */
  async open(component: string, startedAt: Date, problem: string, endedAt: Date | null = null): Promise<IncidentRow | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.execute<Row>(sql`
        insert into integration.incidents (component, started_at, ended_at, problem)
        values (${component}, ${startedAt.toISOString()}::timestamptz, ${endedAt?.toISOString() ?? null}::timestamptz, ${problem})
        on conflict (component) where ended_at is null do nothing
        returning *`);
      if (!row) return null;
      const incident = toIncident(row);
      const notices = await enqueueNotification(tx, incidentNotices(incident, 'failure', await ownersOfLiveObjects(tx)));
      return { ...incident, failureNotices: await this.count(tx, incident.id, 'failure_notices', notices) };
    });
  }

  /** Closes the open incident of `component` and queues the recovery notice; null when none was open. */
  async close(component: string, endedAt: Date): Promise<IncidentRow | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.execute<Row>(sql`
        update integration.incidents set ended_at = greatest(started_at, ${endedAt.toISOString()}::timestamptz)
         where component = ${component} and ended_at is null
        returning *`);
      if (!row) return null;
      const incident = toIncident(row);
      const notices = await enqueueNotification(tx, incidentNotices(incident, 'recovery', await ownersOfLiveObjects(tx)));
      return { ...incident, recoveryNotices: await this.count(tx, incident.id, 'recovery_notices', notices) };
    });
  }

  private async count(tx: Executor, id: string, column: 'failure_notices' | 'recovery_notices', notices: number): Promise<number> {
    await tx.execute(
      column === 'failure_notices'
        ? sql`update integration.incidents set failure_notices = ${notices} where id = ${id}::uuid`
        : sql`update integration.incidents set recovery_notices = ${notices} where id = ${id}::uuid`,
    );
    return notices;
  }
}

/** Owners of LIVE digital objects by contact address, through the access subgraph's published view. */
export async function ownersOfLiveObjects(executor: Executor): Promise<OwnerContact[]> {
  const rows = await executor.execute<{ email: string; digital_objects: string[] }>(sql`
    select lower(trim(contact_email)) as email, array_agg(digital_object_name order by digital_object_name) as digital_objects
      from access.published_digital_object_contacts
     where status = 'LIVE' and contact_email is not null and trim(contact_email) <> ''
     group by lower(trim(contact_email))
     order by 1`);
  return rows.map((row) => ({ email: row.email, digitalObjects: row.digital_objects }));
}
