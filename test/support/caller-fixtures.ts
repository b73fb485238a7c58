import type { Caller } from '../../lib/auth/caller.js';
import type { Database } from '../../lib/db.js';
import { callerForToken } from '../../subgraphs/access/caller-resolution.js';
import type { SubjectKindValue } from '../../subgraphs/access/directory-repository.js';
import { TokenRepository } from '../../subgraphs/access/token-repository.js';
import { AccessFixture, makeBin, makeIin } from './access-fixtures.js';

// Actors for the authentication and enforcement tests, built through the access
// subgraph's real mutations: subjects, agreements, grants, and tokens as the gateway sees them.

export { makeBin, makeIin };

export interface Actor {
  token: string;
  subjectId: string;
  grantId: string;
  /** The person or digital object the token was issued to. */
  owner: { personId: string } | { digitalObjectId: string };
  /** What the gateway resolves the token to right now. */
  caller(): Promise<Caller>;
}

export class AuthFixture {
  private constructor(
    readonly db: Database,
    readonly access: AccessFixture,
    readonly adminToken: string,
  ) {}

  static async create(db: Database): Promise<AuthFixture> {
    const access = await AccessFixture.create(db);
    const { token } = await new TokenRepository(db).issueSessionToken(access.adminPersonId);
    return new AuthFixture(db, access, token);
  }

  /** A person acting for a new subject of `kind` with `functions`, holding a session token. */
  async person(kind: SubjectKindValue, functions: string[], options: { subjectId?: string; territoryKato?: string } = {}): Promise<Actor> {
    const subjectId =
      options.subjectId ?? (await this.access.subject(kind, options.territoryKato ? { territoryKato: options.territoryKato } : {})).id;
    const person = await this.access.person();
    const agreement = await this.access.agreement(subjectId, functions);
    const grant = await this.access.grant({ personId: person.id, agreementId: agreement.id, functions });
    const { token } = await new TokenRepository(this.db).issueSessionToken(person.id);
    return this.actor(token, subjectId, grant.id, { personId: person.id });
  }

  /**
   * A digital object of a new subject of `kind`, integrated through an approved application
   * and marked tested (LIVE), holding an API token; `testing: true` leaves it in TESTING,
   * on the testing stand (p.17), where nothing it writes is kept.
   */
  async machine(kind: SubjectKindValue, functions: string[], options: { subjectId?: string; testing?: boolean } = {}): Promise<Actor> {
    const subjectId = options.subjectId ?? (await this.access.subject(kind)).id;
    const { application } = await this.access.service.submitApplication(
      { subjectId, digitalObjectName: 'Billing system', functions, contactEmail: 'it@example.kz' },
      this.access.acting(),
    );
    const { digitalObject, grant } = await this.access.service.approveApplication(application.id, {}, this.access.acting());
    if (!options.testing) await this.access.service.markDigitalObjectTested(digitalObject.id, this.access.acting());
    const { token } = await new TokenRepository(this.db).issueApiToken(digitalObject.id, { label: 'integration' });
    return this.actor(token, subjectId, grant.id, { digitalObjectId: digitalObject.id });
  }

  /** Ends a grant the way an administrator revokes it (p.20.2). */
  async revoke(grantId: string): Promise<void> {
    await this.access.service.endGrant({ grantId, ground: 'REVOKED', comment: 'test' }, this.access.acting());
  }

  private actor(token: string, subjectId: string, grantId: string, owner: Actor['owner']): Actor {
    return { token, subjectId, grantId, owner, caller: () => callerForToken(this.db, token) };
  }
}
