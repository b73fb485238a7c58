import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { REQUEST_SIGNATURE_HEADER, signRequest } from '../lib/auth/signed-caller.js';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/**
 * Carries a subgraph request's key from `willSendRequest` to the fetcher inside the
 * gateway's process; the fetcher removes it before anything is sent.
 */
export const REQUEST_KEY_HEADER = 'x-housing-request-key';

/**
 * Wraps the data source's fetcher so every subgraph request is signed over the exact
 * bytes sent (`init.body`, serialized by RemoteGraphQLDataSource just before): the key
 * comes from `REQUEST_KEY_HEADER`, which the data source set from the caller resolution.
 */
export function signingFetcher(send: Fetcher): Fetcher {
  return (url, init = {}) => {
    const headers = { ...init.headers };
    const key = headers[REQUEST_KEY_HEADER];
    if (key === undefined) return send(url, init);
    delete headers[REQUEST_KEY_HEADER];
    headers[REQUEST_SIGNATURE_HEADER] = signRequest(key, init.body ?? '');
    return send(url, { ...init, headers });
  };
}
