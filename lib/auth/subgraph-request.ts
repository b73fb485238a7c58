import type { IncomingMessage } from 'node:http';
import { unauthenticated } from '../errors.js';
import { requestBodyDigest } from '../http-server.js';
import type { Caller } from './caller.js';
import { CALLER_HEADER, openCaller, REQUEST_SIGNATURE_HEADER, SeenRequests, verifyRequest } from './signed-caller.js';

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How a subgraph establishes the caller of one request, before anything executes: the
 * caller header signed for this subgraph, the request signature over the exact body bytes
 * received under that header's key, and no copy of an already accepted request
 * (docs/authentication.md, "Request signatures"). Anything else is 401 UNAUTHENTICATED.
 */
export function subgraphRequestCaller(secret: string, audience: string): (request: IncomingMessage) => Caller {
  const seen = new SeenRequests();
  return (request) => {
    const opened = openCaller(first(request.headers[CALLER_HEADER]), secret, audience);
    if (!opened) {
      throw unauthenticated(
        `This service accepts requests only through the gateway: the ${CALLER_HEADER} header is missing, expired, meant for another service, or not signed by the access service.`,
      );
    }
    // Routers POST; a GET would carry its operation in the URL, which the signature does not cover.
    const nonce =
      request.method === 'POST'
        ? verifyRequest(first(request.headers[REQUEST_SIGNATURE_HEADER]), secret, opened.jti, requestBodyDigest(request))
        : null;
    if (nonce === null) {
      throw unauthenticated(
        `The request does not match its signature: every request needs the ${REQUEST_SIGNATURE_HEADER} header signed over its exact body with the request key of its ${CALLER_HEADER} header.`,
      );
    }
    if (!seen.claim(`${opened.jti}.${nonce}`, opened.exp)) {
      throw unauthenticated('The request has already been received once: a signed request is accepted only once. Send a new one.');
    }
    return opened.caller;
  };
}
