import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { StaticAsset } from '../lib/http-server.js';

const require = createRequire(import.meta.url);

/** A file inside an installed package, found through its package.json (UMD files are not in `exports`). */
function asset(packageName: string, file: string, contentType: string): StaticAsset {
  const root = dirname(require.resolve(`${packageName}/package.json`));
  return { contentType, body: readFileSync(join(root, file)) };
}

/**
 * GraphiQL served from our own node_modules: the IDE must work on networks with no
 * internet (government networks, these machines), so nothing comes from a CDN.
 */
export function ideAssets(): Record<string, StaticAsset> {
  return {
    '/ide/react.js': asset('react', 'umd/react.production.min.js', 'text/javascript; charset=utf-8'),
    '/ide/react-dom.js': asset('react-dom', 'umd/react-dom.production.min.js', 'text/javascript; charset=utf-8'),
    '/ide/graphiql.js': asset('graphiql', 'graphiql.min.js', 'text/javascript; charset=utf-8'),
    '/ide/graphiql.css': asset('graphiql', 'graphiql.min.css', 'text/css; charset=utf-8'),
  };
}

/**
 * The operation GraphiQL opens with. It reads the open part (p.21), so it runs as it is:
 * the IDE opens with no headers, and its first schema load and this query need no token.
 * Its leading comment tells a newcomer how to act as a user instead.
 */
export const ideDefaultQuery = `# Housing and utilities graph. Press ▶ to run this query.
#
# Without a token you are the anonymous public and read
# the open part: buildings without personal data,
# suppliers, published tariffs.
#
# To act as a user, put a token in the Headers pane:
#   {"Authorization": "Bearer kzh_…"}
# Demo tokens for each kind of user are printed by
# \`npm start\` and kept in .data/demo-tokens.json.
query AlmatyBuildings {
  buildings(first: 5, filter: { katoCode: "750000000" }) {
    edges {
      node {
        id cadastralNumber yearBuilt condition
        region { nameRu nameKk }
      }
    }
  }
}
`;

/** A value as a JavaScript literal inside <script>: `<` escaped, so no string can close the element. */
function scriptLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export const ideHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Housing and utilities graph — GraphiQL</title>
<link rel="stylesheet" href="/ide/graphiql.css">
<style>body{margin:0;height:100vh}#ide{height:100vh}</style>
</head>
<body>
<div id="ide">Loading GraphiQL…</div>
<script src="/ide/react.js"></script>
<script src="/ide/react-dom.js"></script>
<script src="/ide/graphiql.js"></script>
<script>
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('ide'));
  // The headers pane starts empty, so the schema loads and the default query runs
  // anonymously (a placeholder token would only earn a 401). GraphiQL does not store
  // headers typed into it.
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: 'headers',
    defaultQuery: ${scriptLiteral(ideDefaultQuery)}
  }));
</script>
</body>
</html>`;
