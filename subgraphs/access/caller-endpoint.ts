import { GraphQLError } from 'graphql';
import { CALLER_HEADER, CALLER_LIFETIME_MS, type CallerSigner, REQUEST_SIGNATURE_HEADER } from '../../lib/auth/signed-caller.js';
import type { Database } from '../../lib/db.js';
import { ErrorCode } from '../../lib/errors.js';
import type { HttpRoute } from '../../lib/http-server.js';
import { type SubgraphName, subgraphNames } from '../../lib/subgraph-names.js';
import { authenticate } from './caller-resolution.js';

/** Where the access service answers routers: `POST <access service>/caller`. */
export const CALLER_PATH = '/caller';

/** The 200 answer of `POST /caller` (docs/authentication.md, "The caller endpoint"). */
export interface CallerResolution {
  /** The header to set on every subgraph request: `x-housing-caller`. */
  header: typeof CALLER_HEADER;
  /** Its value for each subgraph, by the subgraph's name in the supergraph; each names only that subgraph as its audience. */
  subgraphs: Record<SubgraphName, string>;
  /**
   * For each subgraph, the key that signs the bodies sent under its header: every request
   * to that subgraph also carries `signatureHeader` = `signRequest(key, exact body bytes)`.
   */
  requestKeys: Record<SubgraphName, string>;
  /** `x-housing-request-signature`. */
  signatureHeader: typeof REQUEST_SIGNATURE_HEADER;
  /** When the values stop being accepted (ISO 8601); resolve again for the next client request. */
  expiresAt: string;
}

const noStore = { 'cache-control': 'no-store' };

/**
 * Caller resolution for any federation router: the client's `Authorization` header in,
 * the signed caller header for each subgraph out. No secret and no database are needed
 * by the router, and nothing is cached here: every call reads the token and its grants
 * afresh, so a revocation is refused on the very next client request.
 */
export function callerRoute(db: Database, sign: CallerSigner): HttpRoute {
  return {
    method: 'POST',
    async handle(request) {
      let caller: Awaited<ReturnType<typeof authenticate>>;
      try {
        caller = await authenticate(request.headers, db);
      } catch (error) {
        if (!(error instanceof GraphQLError) || error.extensions.code !== ErrorCode.Unauthenticated) throw error;
        return {
          status: 401,
          headers: { ...noStore, 'www-authenticate': 'Bearer' },
          body: { errors: [{ message: error.message, extensions: { code: ErrorCode.Unauthenticated } }] },
        };
      }
      const now = Date.now();
      const signed = subgraphNames.map((name) => [name, sign(caller, { audience: [name], now })] as const);
      const body: CallerResolution = {
        header: CALLER_HEADER,
        subgraphs: Object.fromEntries(signed.map(([name, value]) => [name, value.header])) as Record<SubgraphName, string>,
        signatureHeader: REQUEST_SIGNATURE_HEADER,
        requestKeys: Object.fromEntries(signed.map(([name, value]) => [name, value.requestKey])) as Record<SubgraphName, string>,
        expiresAt: new Date(now + CALLER_LIFETIME_MS).toISOString(),
      };
      return { status: 200, headers: noStore, body };
    },
  };
}
