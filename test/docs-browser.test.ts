// The built site in a real browser: Debian's Chromium (never a downloaded one) through playwright-core,
// pages opened from file://. Added and removed lines keep their colours and their syntax colours, the
// language switch and previous/next work, the diff view switches, nothing is fetched from outside, and
// the console stays clean. Screenshots go to the system's temp folder for a human to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildAll, writeFiles } from '../scripts/docs/build.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = join(tmpdir(), 'tp6-docs-screenshots');
// On a developer's machine without Debian's chromium the test is skipped; in CI (.ci/run installs it) it must run.
const RUN = existsSync(CHROMIUM) || Boolean(process.env.CI);

let dir: string;
let browser: Browser;

beforeAll(async () => {
  if (!RUN) return;
  dir = mkdtempSync(join(tmpdir(), 'docs-site-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const [files, launched] = await Promise.all([
    buildAll(),
    chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
  ]);
  writeFiles(files, dir);
  browser = launched;
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = (path: string) => pathToFileURL(join(dir, 'docs', path)).href;

/** A page that records console errors, page errors and any request that is not a local file. */
async function open(
  path: string,
  viewport = { width: 1200, height: 900 },
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  await page.goto(url(path));
  return { page, problems };
}

// What the callbacks below use inside the page (the project's type-check has no DOM library).
declare function getComputedStyle(element: unknown): { backgroundColor: string; color: string };

/** [r, g, b] of a computed CSS colour. */
function rgb(css: string): number[] {
  return (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
}

describe.skipIf(!RUN)('the site in Chromium', () => {
  it('index: steps, mapping table, language switch', async () => {
    const { page, problems } = await open('index.html');
    expect(await page.locator('ol.steps li').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('.mapping table tr').count()).toBeGreaterThan(10);
    await page.screenshot({ path: join(SCREENSHOTS, 'index.png'), fullPage: true });
    await page.click('a.lang-switch');
    await page.waitForURL(/\/fr\/index\.html$/);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.click('a.lang-switch');
    await page.waitForURL(/\/docs\/index\.html$/);
    await page.click('ol.steps a[href="05-pseudos.html"]');
    await page.waitForURL(/05-pseudos\.html$/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('step page: coloured, highlighted diff lines; views; copy; previous/next', async () => {
    const { page, problems } = await open('05-pseudos.html');
    // Added lines green, removed lines red, and the code inside still syntax-coloured.
    const added = page.locator('.diff-view.unified tr.add td.src').first();
    const removed = page.locator('.diff-view.unified tr.del td.src').first();
    await added.scrollIntoViewIfNeeded();
    const [ar, ag, ab] = rgb(await added.evaluate((el) => getComputedStyle(el).backgroundColor));
    const [rr, rg, rb] = rgb(await removed.evaluate((el) => getComputedStyle(el).backgroundColor));
    expect(ag).toBeGreaterThan(ar!);
    expect(ag).toBeGreaterThan(ab!);
    expect(rr).toBeGreaterThan(rg!);
    expect(rr).toBeGreaterThan(rb!);
    const tokenColours = await page
      .locator('.diff-view.unified tr.add td.src span')
      .evaluateAll((spans) => new Set(spans.map((s) => getComputedStyle(s).color)).size);
    expect(tokenColours).toBeGreaterThan(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'step-unified.png') });

    // Side by side, remembered on the next page.
    expect(await page.locator('.diff-view.split').first().isVisible()).toBe(false);
    await page.click('.view-switch button[data-view="split"]');
    expect(await page.locator('.diff-view.split').first().isVisible()).toBe(true);
    expect(await page.locator('.diff-view.unified').first().isVisible()).toBe(false);
    await page.locator('.diff-view.split tr .src.add').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'step-split.png') });

    // A command copies in one click.
    const copy = page.locator('button.copy').first();
    await copy.click();
    await expect.poll(() => copy.getAttribute('class')).toContain('done');

    await page.click('nav.prevnext:not(.top-nav) a[rel="next"]');
    await page.waitForURL(/06-deconnexion\.html$/);
    expect(await page.getAttribute('html', 'data-diff-view')).toBe('split');
    await page.click('nav.prevnext:not(.top-nav) a[rel="prev"]');
    await page.waitForURL(/05-pseudos\.html$/);
    await page.click('a.lang-switch');
    await page.waitForURL(/\/fr\/05-pseudos\.html$/);
    expect(await page.locator('h1').textContent()).toContain('Gérer des pseudos');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reads on a phone: nothing wider than the screen but the code', async () => {
    const { page, problems } = await open('fr/03-premiere-version.html', { width: 390, height: 844 });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'phone.png') });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });
});
