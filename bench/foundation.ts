/**
 * `npx tsx bench/foundation.ts`: what a newcomer's `npm start` costs on the embedded database.
 *
 * 1. Opening the database in-process (PGlite + migrations): fresh directory, then existing.
 * 2. The real server (`tsx src/main.ts`, a child process) from spawn to "serving": first start on a
 *    fresh directory (migrations + demo seed), then a restart on the same directory.
 * 3. A small authenticated query over HTTP on localhost: a bounded loop of REQUESTS requests with
 *    CONCURRENCY in flight, after a warm-up; p50/p95/p99 latency and requests per second.
 * 4. The server's resident memory (RSS) after the load.
 *
 * Environment: BENCH_REQUESTS (default 2000), BENCH_CONCURRENCY (default 8).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/open.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARM_UP = 200;
const QUERY = JSON.stringify({
  query: '{ viewer { name } accounts(first: 5) { totalCount edges { node { name currency balance } } } }',
});

const rows: Array<[string, string]> = [];
const record = (what: string, value: string) => {
  rows.push([what, value]);
  console.error(`  ${what}: ${value}`);
};
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

function tempDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `allot-bench-${label}-`));
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function timeOpen(dataDir: string): Promise<number> {
  const started = performance.now();
  const database = await openDatabase({ dataDir, role: 'the benchmark' });
  const elapsed = performance.now() - started;
  await database.close();
  return elapsed;
}

interface Server {
  child: ChildProcess;
  pid: number;
  output: string;
  startMs: number;
  base: string;
}

/** Starts `tsx src/main.ts` and resolves once it prints that it is serving. */
async function startServer(dataDir: string): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, ALLOT_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' };
  delete env.DATABASE_URL;
  const started = performance.now();
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('serving GraphQL')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before serving:\n${output}`)));
  });
  const startMs = performance.now() - started;
  // tsx runs the server in a child of its own; the data directory's lock names the real process.
  const pid = JSON.parse(readFileSync(path.join(dataDir, 'allot.lock'), 'utf8')).pid as number;
  return { child, pid, output, startMs, base: `http://127.0.0.1:${port}` };
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.on('exit', resolve));
  process.kill(server.pid, 'SIGTERM');
  await exited;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function load(base: string, apiKey: string, total: number): Promise<{ latencies: number[]; seconds: number; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const started = performance.now();
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: QUERY,
      });
      const body = (await response.json()) as { data?: { viewer?: unknown } };
      latencies.push(performance.now() - started);
      if (response.status !== 200 || !body.data?.viewer) failures++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000, failures };
}

async function main(): Promise<void> {
  console.error(`Allot foundation benchmark: node ${process.version}, ${cpus().length} cores`);
  const dirs: string[] = [];
  try {
    const inProcess = tempDir('open');
    dirs.push(inProcess);
    record('open PGlite + migrate, fresh dir (in-process)', ms(await timeOpen(inProcess)));
    record('open PGlite, existing dir (in-process)', ms(await timeOpen(inProcess)));

    const served = tempDir('server');
    dirs.push(served);
    const first = await startServer(served);
    const apiKey = /Its API key \(shown once\):\s+(allot_\S+)/.exec(first.output)?.[1];
    if (!apiKey) throw new Error(`no demo key in the server output:\n${first.output}`);
    record('server start, fresh dir (spawn → serving, incl. demo seed)', ms(first.startMs));
    await stopServer(first);

    const server = await startServer(served);
    record('server start, existing dir (spawn → serving)', ms(server.startMs));
    try {
      record('server RSS before load', `${rssMiB(server.pid).toFixed(0)} MiB`);
      await load(server.base, apiKey, WARM_UP);
      const { latencies, seconds, failures } = await load(server.base, apiKey, REQUESTS);
      if (failures > 0) throw new Error(`${failures} of ${REQUESTS} requests failed`);
      latencies.sort((a, b) => a - b);
      record(`HTTP query, ${REQUESTS} requests × concurrency ${CONCURRENCY}: p50`, ms(percentile(latencies, 50)));
      record('  p95', ms(percentile(latencies, 95)));
      record('  p99', ms(percentile(latencies, 99)));
      record('  throughput', `${(REQUESTS / seconds).toFixed(0)} req/s`);
      record('server RSS after load', `${rssMiB(server.pid).toFixed(0)} MiB`);
    } finally {
      await stopServer(server);
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }

  const width = Math.max(...rows.map(([what]) => what.length));
  console.log(`\n| ${'measure'.padEnd(width)} | value |`);
  console.log(`|${'-'.repeat(width + 2)}|-------|`);
  for (const [what, value] of rows) console.log(`| ${what.padEnd(width)} | ${value} |`);
  // The WASM database leaves timers behind; a one-shot script exits explicitly.
  process.exit(0);
}

await main();
