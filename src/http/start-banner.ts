/**
 * What a person reads when `npm start` is up: a block between two rules on standard error, apart from the JSON
 * log lines on standard output (which go to log stores and must never carry a key).
 */

export interface BannerOptions {
  /** http://host:port of the server. */
  origin: string;
  graphiql: boolean;
  /** The demo key, only on the start that created it (it is shown once). */
  createdKey?: string;
  /** Where the demo key is stored (development), shown on every start. */
  keyFile?: string;
  /** The admin socket, when operator commands can run while the server does. */
  adminSocket?: string;
}

export function startBanner(options: BannerOptions): string {
  const lines: string[] = [`Allot is running: ${options.origin}/`];
  if (options.graphiql) lines.push(`GraphiQL:         ${options.origin}/graphql`);
  if (options.createdKey) {
    lines.push('', 'Created the demo organization. Its API key (shown once):', '', `  ${options.createdKey}`, '');
    if (options.keyFile) lines.push(`It is also stored in ${options.keyFile}, and GraphiQL sends it.`);
  } else if (options.keyFile) {
    lines.push('', `The demo organization's API key is in ${options.keyFile}`);
  }
  if (options.keyFile) {
    lines.push(
      '',
      'Try it:',
      `  KEY=$(cat ${options.keyFile})`,
      `  curl -s ${options.origin}/graphql -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\`,
      `    -d '{"query":"{ accounts { nodes { name balance currency } } budgets { nodes { name spent status } } }"}'`,
    );
  }
  if (options.adminSocket) lines.push('', 'Operator commands work while the server runs: npm run --silent allot -- org list');
  // Rules above and below only: no side borders, so every line can be copied and pasted as is.
  const rule = '─'.repeat(Math.min(100, Math.max(...lines.map((line) => line.length))));
  return ['', rule, ...lines, rule, ''].join('\n');
}
