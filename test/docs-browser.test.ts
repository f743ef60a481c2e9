// The built site in a real browser: Debian's Chromium (never a downloaded one) through playwright-core,
// pages opened from file://. Added and removed lines keep their colours and their syntax colours, the
// language switch and previous/next work, the diff view switches, nothing is fetched from outside, and
// the console stays clean. What was once seen wrong in a browser is asserted on computed styles and sizes:
// side-by-side code that scrolls instead of wrapping mid-word, no side by side on a phone, a table that
// reads at 390 px, underscores visible under link underlines, the steps navigation, the dark theme.
// Screenshots go to the system's temp folder (or $DOCS_SCREENSHOTS) for a human to look at.
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
export const SCREENSHOTS = process.env.DOCS_SCREENSHOTS || join(tmpdir(), 'tp6-docs-screenshots');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
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
  viewport = DESKTOP,
  colorScheme: 'light' | 'dark' = 'light',
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport, colorScheme });
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
interface Style {
  backgroundColor: string;
  color: string;
  whiteSpace: string;
  overflowX: string;
  position: string;
  fontSize: string;
  fontWeight: string;
  textUnderlineOffset: string;
  textDecorationLine: string;
  content: string;
}
declare function getComputedStyle(element: unknown, pseudo?: string): Style;
interface Box {
  getBoundingClientRect(): { top: number; bottom: number; left: number; right: number; height: number };
  scrollWidth: number;
  clientWidth: number;
}

/** [r, g, b] of a computed CSS colour. */
function rgb(css: string): number[] {
  return (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
}

describe.skipIf(!RUN)('the site in Chromium', () => {
  it('index: steps, links to the pages, language switch', async () => {
    const { page, problems } = await open('index.html');
    expect(await page.locator('ol.steps li').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('.page-links a[href="mapping.html"]').count()).toBe(1);
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
    const { page, problems } = await open('fr/03-premiere-version.html', PHONE);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'phone.png') });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });
  it('side by side at 1280 px: each code column scrolls sideways, never wraps, rows stay level', async () => {
    const { page, problems } = await open('05-pseudos.html');
    await page.click('.view-switch button[data-view="split"]');
    const view = page.locator('.diff-view.split').first();
    await view.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'split-1280.png') });
    const panes = await view.evaluate((el) => {
      const sides = [...(el as unknown as { children: Box[] }).children] as unknown as (Box & {
        querySelectorAll(s: string): Box[];
      })[];
      return sides.map((pane) => ({
        overflowX: getComputedStyle(pane).overflowX,
        scrolls: pane.scrollWidth > pane.clientWidth,
        width: pane.getBoundingClientRect().right - pane.getBoundingClientRect().left,
        whiteSpace: [...pane.querySelectorAll('td.src')].map((td) => getComputedStyle(td).whiteSpace),
        rows: [...pane.querySelectorAll('tr')].map((tr) => tr.getBoundingClientRect()),
      }));
    });
    expect(panes).toHaveLength(2);
    const [left, right] = panes as [(typeof panes)[number], (typeof panes)[number]];
    for (const pane of panes) {
      expect(pane.overflowX).toBe('auto');
      expect(new Set(pane.whiteSpace)).toEqual(new Set(['pre']));
      // Every row is one line high: nothing wrapped.
      const heights = pane.rows.map((r) => Math.round(r.height));
      expect(Math.max(...heights) - Math.min(...heights)).toBeLessThanOrEqual(1);
    }
    // Two columns of equal width, the long lines of step 05 scroll inside them.
    expect(Math.abs(left.width - right.width)).toBeLessThanOrEqual(2);
    expect(left.scrolls || right.scrolls).toBe(true);
    expect(left.rows.length).toBe(right.rows.length);
    const offsets = left.rows.map((row, i) => Math.abs(row.top - right.rows[i]!.top));
    expect(Math.max(...offsets)).toBeLessThanOrEqual(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("the lab's Python beside the TypeScript: def level with function, each pane scrolling", async () => {
    const { page, problems } = await open('05-pseudos.html');
    const section = page.locator('[id="py-chat_server_ii_5.ts"]');
    const rowTop = (pane: number, text: string) =>
      section
        .locator('.pane')
        .nth(pane)
        .locator('tr', { hasText: text })
        .first()
        .evaluate((tr) => (tr as unknown as Box).getBoundingClientRect().top);
    expect(await rowTop(0, 'async def handle_client_msg')).toBe(
      await rowTop(1, 'async function handleClientMsg'),
    );
    expect(await rowTop(0, 'CLIENTS = {}')).toBe(await rowTop(1, 'const CLIENTS = new Map'));
    const overflow = await section
      .locator('.pane')
      .evaluateAll((panes) => panes.map((p) => getComputedStyle(p).overflowX));
    expect(overflow).toEqual(['auto', 'auto']);
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'python-1280.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('on a phone the side-by-side view is not offered: the unified diff shows', async () => {
    const { page, problems } = await open('05-pseudos.html', PHONE);
    expect(await page.locator('.view-switch').isVisible()).toBe(false);
    // Even when side by side was chosen on a wider screen (remembered by the browser).
    await page.evaluate(`document.documentElement.setAttribute('data-diff-view', 'split')`);
    expect(await page.locator('.diff-view.unified').first().isVisible()).toBe(true);
    expect(await page.locator('.diff-view.split').first().isVisible()).toBe(false);
    await page.locator('.diff-view.unified').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-390.png') });
    // The lab's Python comes above the TypeScript, without the blank rows that align them side by side.
    const [py, ts] = await page
      .locator('.pyts')
      .first()
      .locator('.pane')
      .evaluateAll((panes) => panes.map((p) => (p as unknown as Box).getBoundingClientRect()));
    expect(ts!.top).toBeGreaterThanOrEqual(py!.bottom);
    expect(ts!.right).toBeLessThanOrEqual(PHONE.width);
    expect(await page.locator('.pyts tr.pad').first().isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the Python ↔ Node.js table reads at 390 px: one block per row, every cell on screen, labelled', async () => {
    const { page, problems } = await open('mapping.html', PHONE);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    const cells = await page
      .locator('.doc table tbody tr')
      .first()
      .locator('td')
      .evaluateAll((tds) =>
        tds.map((td) => ({
          box: (td as unknown as Box).getBoundingClientRect(),
          label: getComputedStyle(td, '::before').content,
        })),
      );
    expect(cells).toHaveLength(3);
    for (const cell of cells) {
      expect(cell.box.left).toBeGreaterThanOrEqual(0);
      expect(cell.box.right).toBeLessThanOrEqual(PHONE.width);
    }
    // Stacked: the Node.js cell is under the Python one, and says which column it is.
    expect(cells[1]!.box.top).toBeGreaterThanOrEqual(cells[0]!.box.bottom - 1);
    expect(cells[1]!.label).toContain('Node.js');
    await page.screenshot({ path: join(SCREENSHOTS, 'mapping-390.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('link underlines pass below the underscores of file names', async () => {
    const { page, problems } = await open('05-pseudos.html');
    const link = page.locator('.diff .from a').first();
    expect(await link.textContent()).toContain('_');
    const style = await link.evaluate((a) => {
      const s = getComputedStyle(a);
      return { offset: s.textUnderlineOffset, size: s.fontSize, line: s.textDecorationLine };
    });
    // An underline either absent or at least 0.25 em below the baseline, under the underscore.
    if (style.line.includes('underline'))
      expect(Number.parseFloat(style.offset)).toBeGreaterThanOrEqual(0.25 * Number.parseFloat(style.size));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the steps navigation: every step, the current one marked, in view all down the page', async () => {
    const { page, problems } = await open('04-chat-fonctionnel.html');
    const nav = page.locator('nav.steps-nav');
    expect(await nav.isVisible()).toBe(true);
    expect(await nav.locator('ol a').count()).toBe(await page.locator('.steps-nav ol li').count());
    expect(await nav.locator('ol a').count()).toBeGreaterThanOrEqual(6);
    const current = nav.locator('a[aria-current="page"]');
    expect(await current.count()).toBe(1);
    expect(await current.getAttribute('href')).toBe('04-chat-fonctionnel.html');
    const [marked, other] = await Promise.all(
      [current, nav.locator('ol a:not([aria-current])').first()].map((a) =>
        a.evaluate((el) => `${getComputedStyle(el).fontWeight} ${getComputedStyle(el).backgroundColor}`),
      ),
    );
    expect(marked).not.toBe(other);
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    const box = await current.evaluate((el) => (el as unknown as Box).getBoundingClientRect());
    expect(box.top).toBeGreaterThanOrEqual(0);
    expect(box.bottom).toBeLessThanOrEqual(DESKTOP.height);
    await page.screenshot({ path: join(SCREENSHOTS, 'nav-1280.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('follows the system: dark colours when it prefers dark, light otherwise', async () => {
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const colours = async (scheme: 'light' | 'dark') => {
      const { page, problems } = await open('05-pseudos.html', DESKTOP, scheme);
      const body = await page.evaluate(() => {
        const s = getComputedStyle((globalThis as unknown as { document: { body: unknown } }).document.body);
        return [s.backgroundColor, s.color];
      });
      // A token whose two themes differ (class c-<light>-<dark>), e.g. a keyword.
      const token = await page.locator('.diff-view.unified td.src span[class^="c-"]').evaluateAll((spans) => {
        const span = spans.find((el) => {
          const [, l, d] = (el as unknown as { className: string }).className.split('-');
          return l !== d;
        });
        return span && getComputedStyle(span).color;
      });
      const added = await page
        .locator('.diff-view.unified tr.add td.src')
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
      if (scheme === 'dark') await page.screenshot({ path: join(SCREENSHOTS, 'dark-1280.png') });
      expect(problems).toEqual([]);
      await page.close();
      return { bg: rgb(body[0]!), fg: rgb(body[1]!), token, added };
    };
    const [light, dark] = await Promise.all([colours('light'), colours('dark')]);
    expect(luminance(light.bg)).toBeGreaterThan(200);
    expect(luminance(light.fg)).toBeLessThan(80);
    expect(luminance(dark.bg)).toBeLessThan(50);
    expect(luminance(dark.fg)).toBeGreaterThan(180);
    expect(dark.token).not.toBe(light.token);
    expect(dark.added).not.toBe(light.added);
  });
});
