/**
 * What a supervisor (systemd, a container runtime, a process manager) sees when it runs
 * `npm start` must be the server itself: SIGKILL of the process `npm start` launches has to take
 * the server, and its port, with it. With `tsx src/main.ts` the server ran as tsx's grandchild,
 * which outlived a SIGKILL of tsx and kept the port.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childEnv, isAlive, start, tempDataDir } from '../support/processes.js';

const PORT = 47113;

let data: ReturnType<typeof tempDataDir>;
beforeAll(() => {
  data = tempDataDir('npm-start');
});
afterAll(() => data.remove());

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

it('SIGKILL of what `npm start` launches stops the server and frees its port', async () => {
  const npm = start('npm', ['start', '--silent'], childEnv(data.dir, { PORT: String(PORT), HOST: '127.0.0.1' }));
  const everything = () => [npm.child.pid!, ...descendantsOf(npm.child.pid!)];
  let started: number[] = [];
  try {
    await npm.waitFor(/serving GraphQL at/, 90_000);
    started = everything();
    const launched = childrenOf(npm.child.pid!);
    expect(launched).toHaveLength(1);
    process.kill(launched[0]!, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (!(await portIsFree(PORT)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await portIsFree(PORT)).toBe(true);
    expect(started.slice(1).filter(isAlive)).toEqual([]);
  } finally {
    // Whatever is still running from this test, by its own pid.
    for (const pid of started.length > 0 ? started : everything()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await npm.exited;
  }
}, 120_000);
