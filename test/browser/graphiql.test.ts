/**
 * The first hour in a real browser: Debian's Chromium driven by playwright-core (no browser
 * download) opens `/` and `/graphql` of the real server (`src/main.ts`, development, demo data)
 * with every request that is not for this server aborted and recorded. GraphiQL must render with
 * the demo key prefilled, run its first example tab and show data, and nothing may have tried to
 * leave the machine. Screenshots go to .ci/artifacts/browser/ (ALLOT_ARTIFACTS_DIR overrides).
 *
 * Without /usr/bin/chromium the test is skipped, unless ALLOT_REQUIRE_BROWSER=1 (CI sets it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { exampleTabs } from '../../src/http/graphiql.js';

const CHROMIUM = '/usr/bin/chromium';
const PORT = 4314;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const ARTIFACTS = path.resolve(process.env.ALLOT_ARTIFACTS_DIR ?? path.join(import.meta.dirname, '../../.ci/artifacts'), 'browser');
const available = existsSync(CHROMIUM);
if (!available && process.env.ALLOT_REQUIRE_BROWSER === '1') throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

let work: string;
let server: ServerProcess;
/** One fresh profile (a new empty user-data-dir), as the probe on these machines uses. */
let browser: BrowserContext;
let profile: string;
/** Every request the page made that was not for this server (aborted). */
const leaving: string[] = [];
let afterFailure: (() => Promise<void>) | undefined;

beforeAll(async () => {
  if (!available) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(path.join(tmpdir(), 'allot-browser-'));
  profile = mkdtempSync(path.join(tmpdir(), 'allot-chromium-profile-'));
  server = await startServer({ dataDir: path.join(work, '.allot-data'), extra: { PORT: String(PORT) } });
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  await browser.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    leaving.push(url);
    return route.abort('blockedbyclient');
  });
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await afterFailure?.();
  afterFailure = undefined;
});

afterAll(async () => {
  await browser?.close();
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  for (const dir of [work, profile]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const allowed = (url: string) => url.startsWith(`${ORIGIN}/`) || url.startsWith('data:') || url.startsWith('blob:');

async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  // Requests the router does not see (workers, for one) are recorded here too.
  page.on('request', (request) => {
    const url = request.url();
    if (!allowed(url) && !leaving.includes(url)) leaving.push(url);
  });
  return page;
}

describe.skipIf(!available)('in Chromium, with the network restricted to the server', () => {
  it('/ shows what the server is, its endpoints and where the demo key is', async () => {
    const page = await openPage();
    const response = await page.goto(`${ORIGIN}/`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Allot');
    for (const href of ['/graphql', '/health', '/ready']) expect(await page.locator(`a[href="${href}"]`).count()).toBe(1);
    expect(await page.textContent('body')).toContain(path.join(work, '.allot-data', 'demo-api-key'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'landing-page.png'), fullPage: true });
    await page.close();
    expect(leaving).toEqual([]);
  });

  it('/graphql renders GraphiQL with the demo key, runs the first example tab and shows data', async () => {
    const page = await openPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${ORIGIN}/graphql`, { waitUntil: 'load' });
    // On failure, the page as it was: the screenshot below is overwritten on success.
    const failed = path.join(ARTIFACTS, 'graphiql-failure.png');
    afterFailure = () => page.screenshot({ path: failed }).then(() => undefined, () => undefined);
    await page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
    // The example tabs, named after their operations.
    const tabs = page.locator('.graphiql-tab');
    await expect.poll(() => tabs.count(), { timeout: 15_000 }).toBe(exampleTabs().length);
    expect(await tabs.first().textContent()).toContain('AccountsAndBalances');

    // The headers editor holds the demo key (Monaco draws only what is visible: its start here;
    // the run below, which needs the whole key, shows the rest is right).
    await page.getByText('Headers', { exact: true }).click();
    await expect
      // Monaco spaces are non-breaking.
      .poll(async () => ((await page.locator('.graphiql-editor-tool').textContent()) ?? '').replace(/\s/g, ' '), { timeout: 10_000 })
      .toContain(`"Authorization": "Bearer ${server.apiKey.slice(0, 20)}`);

    // Wait for the schema (introspection with the key), then run the tab.
    await page.locator('.graphiql-execute-button').click();
    const response = async () => ((await page.locator('.graphiql-response').textContent()) ?? '').replace(/\s/g, ' ');
    await expect.poll(response, { timeout: 20_000 }).toContain('"name": "EUR operating"');
    const answer = await response();
    expect(answer).toContain('Расчётный счёт');
    expect(answer).not.toContain('"errors"');
    await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql-accounts-tab.png') });

    // The explorer plugin is there and opens.
    await page.locator('button[aria-label="Show GraphiQL Explorer"]').click();
    await page.locator('.graphiql-explorer-root').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql-explorer.png') });

    expect(errors).toEqual([]);
    await page.close();
    expect(leaving).toEqual([]);
  }, 90_000);
});
