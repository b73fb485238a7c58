/**
 * Who is calling, as the gateway established it from the caller's token. Subgraphs
 * receive it signed (see `signed-caller.ts`) and never read identity from anything else.
 */

/** One access right the caller holds right now (already filtered: active, within its period). */
export interface EffectiveGrant {
  grantId: string;
  /** The subject the caller acts for. */
  subjectId: string;
  subjectKind: string;
  /** KATO code of the subject's territory (local executive bodies); everything under it is in scope. */
  territoryKato: string | null;
  /** Function codes from the functions directory this grant allows. */
  functions: string[];
}

/**
 * How a person proved who they are for this session (docs/authentication.md): EDS, by
 * signing in with their EDS certificate (`signInWithSignature`); ISSUED, a session handed
 * out otherwise (by the Administrator's `issueSessionToken`, the seed).
 */
export type SessionAuthentication = 'EDS' | 'ISSUED';

/** A digital object's stage of integration (p.17): TESTING after approval, LIVE once tested, DISABLED when its last grant ended. */
export type DigitalObjectStatus = 'TESTING' | 'LIVE' | 'DISABLED';

export type Caller =
  | { kind: 'anonymous' }
  | {
      kind: 'person';
      personId: string;
      tokenId: string;
      /** Staff of the Administrator (p.11): reviews applications, grants and revokes. */
      isAdministrator: boolean;
      grants: EffectiveGrant[];
      /**
       * How the session was established, from the token (the access service sets it on
       * every caller it resolves). A caller built in-process without it (seeding, unit
       * tests) counts as not signed in with EDS.
       */
      authentication?: SessionAuthentication;
    }
  | {
      kind: 'machine';
      /** The digital object (external system) the token was issued to. */
      digitalObjectId: string;
      /**
       * Its status when the request arrived (p.17): a TESTING object's mutations run in full
       * and are rolled back (the testing stand, `lib/write.ts`); a LIVE object's are recorded.
       */
      digitalObjectStatus: DigitalObjectStatus;
      tokenId: string;
      isAdministrator: false;
      grants: EffectiveGrant[];
    };

export const anonymousCaller: Caller = { kind: 'anonymous' };

export function grantsOf(caller: Caller): EffectiveGrant[] {
  return caller.kind === 'anonymous' ? [] : caller.grants;
}
