// Hive Gateway serving the committed supergraph in place of our gateway. This file is
// all it needs: no code of this project, no database, no secret. For each client request
// it asks the access service who is calling (`POST /caller` with the client's
// Authorization header) and puts the signed header it gets on every subgraph request.
//
//   BUILDINGS_URL=… CONDOMINIUM_URL=… UTILITIES_URL=… ACCESS_URL=… \
//     npx hive-gateway supergraph schema/supergraph.graphql -c gateway/hive/gateway.config.ts
//
// Without the *_URL variables the supergraph's own routing URLs apply (`npm start`'s
// addresses, http://127.0.0.1:4001/ …). Add `--hive-router-runtime` for the Rust query
// planner. test/hive-gateway.test.ts runs it against our gateway.
import { defineConfig, type GatewayPlugin } from '@graphql-hive/gateway';

const subgraphs = ['buildings', 'condominium', 'utilities', 'access', 'integration'];
const accessUrl = process.env.ACCESS_URL ?? 'http://127.0.0.1:4004/';
const callerUrl = process.env.ACCESS_CALLER_URL ?? new URL('caller', accessUrl).href;

/**
 * The access service's answer: the header's name and its value for each subgraph (valid
 * 30 s), and for each subgraph the key that signs the bodies sent under that value.
 */
interface CallerResolution {
  header: string;
  subgraphs: Record<string, string>;
  signatureHeader: string;
  requestKeys: Record<string, string>;
  expiresAt: string;
}

const base64url = (bytes: ArrayBuffer) => Buffer.from(bytes).toString('base64url');
const utf8 = (text: string) => new TextEncoder().encode(text);

/** `<nonce>.<HMAC-SHA256(key, nonce + "." + base64url(SHA-256(body)))>`, all base64url (Web Crypto, no import). */
async function signRequest(key: string, body: string): Promise<string> {
  const nonce = crypto.randomUUID();
  const digest = base64url(await crypto.subtle.digest('SHA-256', utf8(body)));
  const hmac = await crypto.subtle.importKey('raw', utf8(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return `${nonce}.${base64url(await crypto.subtle.sign('HMAC', hmac, utf8(`${nonce}.${digest}`)))}`;
}

const resolutions = new WeakMap<Request, CallerResolution>();

/** Resolves the caller once per client request; a refused token gets the endpoint's 401 as it is. */
const resolveCaller: GatewayPlugin = {
  async onRequestParse({ request, endResponse, fetchAPI }) {
    const authorization = request.headers.get('authorization');
    const response = await fetchAPI.fetch(callerUrl, { method: 'POST', headers: authorization === null ? {} : { authorization } });
    if (response.status === 200) {
      resolutions.set(request, (await response.json()) as CallerResolution);
      return;
    }
    endResponse(
      new fetchAPI.Response(await response.text(), {
        status: response.status,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      }),
    );
  },
  // Signs each subgraph request's exact body with the key of the caller header it carries.
  async onFetch({ context, executionRequest, options, setOptions }) {
    const resolution = resolutions.get((context as { request: Request }).request);
    if (!resolution || typeof options.body !== 'string') return;
    const propagated = executionRequest?.extensions?.headers as Record<string, string> | undefined;
    const value = (options.headers as Record<string, string> | undefined)?.[resolution.header] ?? propagated?.[resolution.header];
    const subgraph = Object.keys(resolution.subgraphs).find((name) => resolution.subgraphs[name] === value);
    if (subgraph === undefined) return;
    const signature = await signRequest(resolution.requestKeys[subgraph] as string, options.body);
    setOptions({ ...options, headers: { ...options.headers, [resolution.signatureHeader]: signature } });
  },
};

export const gatewayConfig = defineConfig({
  plugins: () => [resolveCaller],
  propagateHeaders: {
    fromClientToSubgraphs({ request, subgraphName }) {
      const resolution = resolutions.get(request);
      return resolution ? { [resolution.header]: resolution.subgraphs[subgraphName] } : {};
    },
  },
  // Routing URLs from the environment, as our gateway takes them (docker-compose's *_URL).
  transportEntries: Object.fromEntries(
    subgraphs.flatMap((name) => {
      const location = process.env[`${name.toUpperCase()}_URL`];
      return location ? [[name, { location }]] : [];
    }),
  ),
});
