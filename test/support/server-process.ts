/**
 * The real server as a child process (`node --import tsx src/main.ts`), for crash-safety and
 * shutdown tests. One process, not `npx tsx` (which runs node as a grandchild), so a signal sent
 * to the pid reaches the server itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  apiKey: string;
  output: string[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startServer(env: { dataDir: string; databaseUrl?: string; extra?: Record<string, string> }): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      PATH: process.env.PATH,
      ALLOT_DATA_DIR: env.dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      // Development: the demo key is written to the data directory, where the test reads it.
      NODE_ENV: 'development',
      ALLOT_RATE_LIMIT: 'false',
      ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  // 'close', not 'exit': it comes after the output pipes are drained, so no log line is lost.
  const exited = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /"port":(\d+)/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then(() => reject(new Error(`server exited before listening:\n${output.join('')}`)));
  });
  const apiKey = readFileSync(path.join(env.dataDir, 'demo-api-key'), 'utf8').trim();
  return { child, baseUrl: `http://127.0.0.1:${port}`, apiKey, output, exited };
}

/** A new empty database on TEST_DATABASE_URL's server, and a function that drops it. */
export async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `allot_crash_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
