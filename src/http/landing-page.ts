/**
 * The page at `/`: what this server is and where to go next. Plain HTML with inline styles and no
 * script, image or font from anywhere, so it renders the same on a closed network.
 */

export interface LandingPageOptions {
  /** GraphiQL is served on /graphql (development). */
  graphiql: boolean;
  /** /metrics is served (and whether it wants a token). */
  metrics?: { token?: string };
  /** Development: the file holding the demo organization's API key. */
  demoKeyFile?: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** @param origin where the browser reached this server (http://host:port), for the curl line */
export function renderLandingPage(options: LandingPageOptions, origin: string): string {
  const links: Array<[string, string]> = [
    ['/graphql', options.graphiql ? 'GraphiQL: explore the schema and run the example tabs' : 'the GraphQL endpoint (POST, Authorization: Bearer <api key>)'],
    ['/health', 'liveness: the process answers'],
    ['/ready', 'readiness: the database answers'],
  ];
  if (options.metrics) links.push(['/metrics', options.metrics.token ? 'Prometheus metrics (needs the metrics token)' : 'Prometheus metrics']);
  const items = links.map(([href, text]) => `<li><a href="${href}"><code>${href}</code></a> — ${escapeHtml(text)}</li>`).join('\n      ');
  const demo = options.demoKeyFile
    ? `<h2>The demo organization</h2>
    <p>In development the first start creates a demo organization and stores its API key in
      <code>${escapeHtml(options.demoKeyFile)}</code>; GraphiQL already sends it. From a shell:</p>
    <pre>KEY=$(cat ${escapeHtml(options.demoKeyFile)})
curl -s ${escapeHtml(origin)}/graphql -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\
  -d '{"query":"{ accounts { nodes { name balance currency } } }"}'</pre>
    <p>More keys and organizations: <code>npm run --silent allot -- org create "Acme"</code>, also while the server runs.</p>`
    : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Allot</title>
    <link rel="icon" href="data:," />
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
      code, pre { font-family: ui-monospace, monospace; background: #f3f4f6; border-radius: 4px; }
      code { padding: 0 .25rem; } pre { padding: .75rem; overflow-x: auto; }
      a { color: #0b5cad; }
    </style>
  </head>
  <body>
    <h1>Allot</h1>
    <p>An open-source GraphQL gateway over a budgeting domain: a CRM ledger (accounts with balances,
      a category tree, expenses and incomes that are posted and unposted, transfers) and a
      spend-management platform's budgets (groups, allocations, spend, alerts, auto-freeze), behind
      one typed, exact, multi-tenant schema.</p>
    <h2>Endpoints</h2>
    <ul>
      ${items}
    </ul>
    ${demo}
  </body>
</html>
`;
}
