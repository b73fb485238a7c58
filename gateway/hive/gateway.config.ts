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

/** The access service's answer: the header's name and its value for each subgraph (valid 30 s). */
interface CallerResolution {
  header: string;
  subgraphs: Record<string, string>;
  expiresAt: string;
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
