/**
 * PostGraphile v5 over Allot's database, for `npm run bench:compare`.
 *
 * The Amber preset over schema "public" (Allot's Prisma tables), served by grafserv on Node's
 * HTTP server, GraphiQL and watch mode off. (b)'s `spent` is a computed column, the function
 * public."Budget_spent" the benchmark creates with Allot's spend rule (bench/compare/sql.ts).
 * Ordering and conditions on unindexed columns are turned on (see the preset).
 * It has no API-key check: its figures are what PostGraphile costs without one.
 *
 * Environment: DATABASE_URL, PORT, HOST (default 127.0.0.1).
 */
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const port = Number(process.env.PORT ?? 4352);
const host = process.env.HOST ?? '127.0.0.1';

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  // PostGraphile offers ordering and conditions only on indexed columns by default; Allot's
  // default orders (Entry by "createdAt" DESC, id DESC; Account by "createdAt", id) and the
  // conditions the reads need (Entry.kind, Account."closedAt") are not all index-led, so
  // without this it cannot ask the same questions. PostgreSQL then plans them as it does for Allot.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ['public'], poolConfig: { max: 10 } })],
  grafserv: { port, host, graphiql: false, watch: false, graphqlPath: '/graphql' },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (error) => {
  console.error(error);
  process.exit(1);
});
await serv.addTo(server);
server.listen(port, host, () => console.log(`PostGraphile on ${host}:${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    void pgl.release().finally(() => process.exit(0));
  });
}
