import type { Caller } from '../../lib/auth/caller.js';
import {
  CALLER_HEADER,
  callerHeaderId,
  REQUEST_SIGNATURE_HEADER,
  requestKey,
  type SignOptions,
  signCaller,
  signRequest,
} from '../../lib/auth/signed-caller.js';

/**
 * What a router sends a subgraph for `caller`: the caller header signed with `secret`
 * (for every subgraph unless `options.audience` narrows it) and the request signature
 * over the exact body. Pass it as `postGraphQL`'s headers, or call it with the body.
 */
export function callerHeaders(caller: Caller, secret: string, options: SignOptions = {}): (body: string) => Record<string, string> {
  const header = signCaller(caller, secret, options);
  return (body) => signedRequestHeaders(header, secret, body);
}

/** The caller header `header` with a fresh request signature over `body`, as a router holding its request key sends them. */
export function signedRequestHeaders(header: string, secret: string, body: string): Record<string, string> {
  const key = requestKey(secret, callerHeaderId(header) ?? '');
  return { [CALLER_HEADER]: header, [REQUEST_SIGNATURE_HEADER]: signRequest(key, body) };
}
