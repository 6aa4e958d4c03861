/**
 * Every ```sh block in docs/ runs as written against the real server (`src/main.ts` in a child
 * process, development mode, demo data), in the order of its page, in one shell per page (a later
 * block uses the helper an earlier one defines), from a folder holding `.allot-data` as
 * `npm start` leaves it. Only ALLOT_URL is set from outside: the server listens on a test port,
 * not 4000. A block preceded by `<!-- doc-test: skip (reason) -->` is not run; one preceded by
 * `<!-- doc-test: stream (…) -->` runs for 3 s and must have opened its stream.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/server-process.js';

const PORT = 4313;
const DOCS = path.resolve(import.meta.dirname, '../../docs');

interface Block {
  index: number;
  code: string;
  mode: 'run' | 'stream' | 'skip';
  reason?: string;
}

function shellBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/(?:<!-- doc-test: (skip|stream) \(([^)]+)\) -->\n)?```sh\n([\s\S]*?)```/g)) {
    blocks.push({ index: blocks.length, mode: (match[1] as Block['mode']) ?? 'run', reason: match[2], code: match[3]! });
  }
  return blocks;
}

const pages = readdirSync(DOCS)
  .filter((file) => file.endsWith('.md'))
  .map((file) => ({ file, blocks: shellBlocks(readFileSync(path.join(DOCS, file), 'utf8')) }))
  .filter((page) => page.blocks.length > 0);

let work: string;
let server: ServerProcess;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'allot-doc-shell-'));
  server = await startServer({ dataDir: path.join(work, '.allot-data'), extra: { PORT: String(PORT) } });
}, 120_000);
afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  rmSync(work, { recursive: true, force: true });
});

/** Runs a page's blocks in one bash; answers each block's output (stdout and stderr). */
function runPage(blocks: Block[]): Promise<{ code: number | null; outputs: string[]; all: string }> {
  const lines = ['set -eo pipefail'];
  for (const block of blocks) {
    const file = path.join(work, `block-${block.index}.sh`);
    writeFileSync(file, block.code);
    lines.push(`echo "@@@block ${block.index}@@@"`);
    if (block.mode === 'skip') continue;
    if (block.mode === 'stream') lines.push(`rc=0; timeout 3 bash -eo pipefail ${JSON.stringify(file)} || rc=$?; [ "$rc" -eq 124 ]`);
    else lines.push(`source ${JSON.stringify(file)}`);
    lines.push('echo');
  }
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', lines.join('\n')], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ALLOT_URL: `http://127.0.0.1:${PORT}/graphql` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let all = '';
    child.stdout.on('data', (chunk) => (all += chunk));
    child.stderr.on('data', (chunk) => (all += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const outputs = all.split(/@@@block \d+@@@\n/).slice(1);
      resolve({ code, outputs, all });
    });
  });
}

describe('shell examples in docs/', () => {
  it('finds the examples (and names every skipped one with its reason)', () => {
    const blocks = pages.flatMap((page) => page.blocks);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const block of blocks) if (block.mode !== 'run') expect(block.reason?.length).toBeGreaterThan(10);
  });

  it.each(pages.map((page) => [page.file, page] as const))('%s: every block runs and gets an answer, no error and no refusal', async (_file, page) => {
    const result = await runPage(page.blocks);
    expect(result.code, result.all).toBe(0);
    for (const block of page.blocks) {
      if (block.mode === 'skip') continue;
      const output = result.outputs[block.index] ?? '';
      // A block that sends a request must print its answer (one that only sets variables need not).
      if (/^\s*(curl|allot) /m.test(block.code)) expect(output.trim(), `block ${block.index}:\n${block.code}`).not.toBe('');
      for (const mutation of block.code.matchAll(/\b(uploadAttachment|createExpense)\(/g)) {
        expect(output, `block ${block.index}`).toContain(`${mutation[1]![0]!.toUpperCase()}${mutation[1]!.slice(1)}Success`);
      }
      expect(output, `block ${block.index}:\n${block.code}`).not.toMatch(/"errors"|"code"\s*:|UNAUTHENTICATED|curl: \(/);
    }
  }, 60_000);
});
