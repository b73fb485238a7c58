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
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: true,
    defaultHeaders: '{\\n  "Authorization": "Bearer <your token>"\\n}',
    defaultQuery: '# Buildings of Almaty city (open part: no token needed)\\nquery {\\n  buildings(first: 5, filter: { katoCode: "750000000" }) {\\n    edges { node { cadastralNumber yearBuilt condition region { nameRu nameKk } } }\\n  }\\n}\\n'
  }));
</script>
</body>
</html>`;
