// Grading the sample class the project ships (test/fixtures/rendus: correct hand-ins, near misses, a missing
// file, a crash) for steps 05 and 06 in one command: every row, the totals, the CSV, the JSON, and the HTML
// page in a real browser (Debian's Chromium through playwright-core, opened from file://).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassReport, GradedFolder } from '../scripts/check/grade.ts';
import { renderClassTable, summariseRun } from '../scripts/check/grade-report.ts';
import { startTs } from '../scripts/proc.ts';
import { ROOT } from '../scripts/steps.ts';
import { processesWith, tempDir } from './helpers.ts';

const CHECK = join(ROOT, 'scripts', 'check.ts');
const CHROMIUM = '/usr/bin/chromium';
const BROWSER = existsSync(CHROMIUM) || Boolean(process.env.CI);
const SCREENSHOTS = join(tmpdir(), 'tp6-docs-screenshots');

// What the callbacks below use inside the page (the project's type-check has no DOM library).
declare function getComputedStyle(element: unknown): { backgroundColor: string };

const marker = `TP6_TEST_MARK_${randomUUID()}`;
const dir = tempDir('tp6-grade-');
const files = { csv: join(dir, 'class.csv'), html: join(dir, 'class.html') };
let run: { code: number | null; stdout: string; stderr: string };
let report: ClassReport & { totals: Record<string, unknown> };

beforeAll(async () => {
  const proc = startTs(
    CHECK,
    [
      '5,6',
      '--each',
      'test/fixtures/rendus/*',
      '--role',
      'server',
      '--wait',
      '1',
      '--jobs',
      '4',
      '--json',
      '--csv',
      files.csv,
      '--html',
      files.html,
      '--',
      'python3',
      '{stem}.py',
    ],
    { cwd: ROOT, env: { [marker]: '1', INIT_CWD: ROOT } },
  );
  const exit = await proc.waitExit(60_000);
  run = { code: exit.code, stdout: proc.stdout, stderr: proc.stderr };
  report = JSON.parse(run.stdout);
}, 70_000);

/** A row as a line: `bernard | 05 4/6 join-self~ join-all~ | 06 …`. */
function row(folder: GradedFolder): string {
  const groups = folder.runs.map((r) => {
    const summary = summariseRun(r);
    if (!summary) return `${r.label.slice(0, 2)} ${r.status}${r.detail ? `: ${r.detail}` : ''}`;
    return [
      `${r.label.slice(0, 2)} ${summary.passed}/${summary.total} ` +
        `lab ${summary.labPassed}/${summary.labTotal}`,
    ]
      .concat(summary.failed)
      .join(' ');
  });
  return [folder.name, ...groups].join(' | ');
}

describe('the sample class, steps 05 and 06, in one command', () => {
  it('grades every folder: one row each, sorted by name, with its own status', () => {
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(report.targets.map((t) => [t.label, t.step, t.command.join(' ')])).toEqual([
      ['05', '05-pseudos', 'python3 chat_server_ii_5.py'],
      ['06', '06-deconnexion', 'python3 chat_server_ii_6.py'],
    ]);
    expect(report.folders.map(row)).toEqual([
      'bernard | 05 5/7 lab 4/6 join-self~ join-all~ | ' +
        '06 7/11 lab 5/7 join-self~ join-all~ still-serving~ others-unaffected~',
      'dupont | 05 7/7 lab 6/6 | 06 11/11 lab 7/7',
      "durand | 05 6/7 lab 5/6 no-echo | 06 does not start: SyntaxError: expected ':'",
      'lefebvre | 05 7/7 lab 6/6 | 06 7/11 lab 5/7 join-self~ join-all~ still-serving~ others-unaffected~',
      'leroy | 05 7/7 lab 6/6 | 06 10/11 lab 7/7 leave-reset',
      'petit | 05 7/7 lab 6/6 | 06 not handed in: chat_server_ii_6.py',
    ]);
  });

  it('ends with the class totals', () => {
    expect(report.totals).toEqual({
      folders: 6,
      passEveryLabCheck: 2,
      passEverything: 1,
      mostFailed: [
        '06 server.join-self',
        '06 server.join-all',
        '06 server.still-serving',
        '06 server.others-unaffected',
      ].map((check) => ({ check, folders: 2 })),
      statuses: { 'does not start': 1, 'not handed in': 1 },
    });
    const lines = renderClassTable(report).trimEnd().split('\n');
    expect(lines.at(-1)).toBe(
      '6 folders: 2 pass every lab check (1 of them every check); ' +
        'most failed: 06 server.join-self, 06 server.join-all, ' +
        '06 server.still-serving, 06 server.others-unaffected (2 folders); 1 does not start, 1 not handed in',
    );
    expect(lines.find((line) => line.startsWith('petit'))).toMatch(
      /^petit +7\/7 +6\/6 +— +— +06: not handed in \(chat_server_ii_6\.py\)$/,
    );
  });

  it("the teachers' pages show this very table for step 06", () => {
    const only06: ClassReport = {
      ...report,
      targets: [report.targets[1]!],
      checks: { '06': report.checks['06']! },
      folders: report.folders.map((folder) => ({ ...folder, runs: [folder.runs[1]!] })),
    };
    const table = renderClassTable(only06);
    for (const lang of ['en', 'fr']) {
      const page = readFileSync(join(ROOT, 'docs-src', `teachers.${lang}.md`), 'utf8');
      expect(page).toContain(
        "npm run check -- 6 --each 'test/fixtures/rendus/*' -- python3 chat_server_ii_6.py",
      );
      expect(page).toContain('```text\n' + table + '```\n');
    }
  });

  it('the JSON holds everything: each checklist whole, the program text byte for byte once parsed', () => {
    const lefebvre = report.folders.find((f) => f.name === 'lefebvre')!;
    const joinSelf = lefebvre.runs[1]!.report!.checks.find((c) => c.id === 'server.join-self')!;
    expect(joinSelf).toMatchObject({
      status: 'near-miss',
      expected: 'Annonce : alice a rejoint la chatroom',
      seen: '\x1b[32mAnnonce : alice a rejoint la chatroom\x1b[0m',
    });
    expect(run.stdout).not.toContain('\x1b'); // escaped in the file itself
    expect(report.checks['06']).toHaveLength(11);
    expect(report.folders.find((f) => f.name === 'durand')!.runs[1]!.report!.program!.stderr).toContain(
      'SyntaxError',
    );
  });

  it('the CSV: one row per folder, one column per check, statuses in words', () => {
    const lines = readFileSync(files.csv, 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(7);
    const cells = lines.map((line) => line.slice(1, -1).split('","'));
    expect(cells[0]!.slice(0, 8)).toEqual([
      'name',
      '05 status',
      '05 passed',
      '05 total',
      '05 lab passed',
      '05 lab total',
      '05 server.listens',
      '05 server.join-self',
    ]);
    expect(cells[0]).toHaveLength(1 + 5 + 7 + 5 + 11);
    expect(cells[0]!.at(-1)).toBe('06 program.stops-everything');
    const byName = new Map(cells.slice(1).map((c) => [c[0], c]));
    expect([...byName.keys()]).toEqual(['bernard', 'dupont', 'durand', 'lefebvre', 'leroy', 'petit']);
    expect(byName.get('bernard')!.slice(1, 8)).toEqual(['checked', '5', '7', '4', '6', 'pass', 'near-miss']);
    expect(byName.get('durand')![13]).toBe("does not start: SyntaxError: expected ':'");
    expect(byName.get('durand')!.slice(14)).toEqual(new Array(15).fill(''));
    expect(byName.get('petit')![13]).toBe('not handed in (chat_server_ii_6.py)');
    expect(byName.get('leroy')!.at(-4)).toBe('fail'); // server.leave-reset
  });

  it('leaves nothing running', () => {
    if (process.platform === 'linux') expect(processesWith(marker)).toEqual([]);
  });
});

describe.skipIf(!BROWSER)('the HTML page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens offline: the table in colours, each row opening to its checklist, harmless text', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => problems.push(`console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(files.html).href);
    const rows = page.locator('details');
    expect(await rows.count()).toBe(6);
    expect(await page.locator('.head .group').allTextContents()).toEqual(['05', '06']); // a group per step
    expect(await page.locator('summary .name').allInnerTexts()).toEqual([
      'bernard',
      'dupont',
      'durand',
      'lefebvre',
      'leroy',
      'petit',
    ]);
    const background = (i: number): Promise<string> =>
      rows
        .nth(i)
        .locator('summary')
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    const [near, pass, status, fail] = await Promise.all([
      background(0),
      background(1),
      background(2),
      background(4),
    ]);
    expect(new Set([near, pass, status, fail]).size).toBe(4); // four colours
    expect(pass).toBe('rgb(230, 244, 234)'); // green: dupont passes everything

    const lefebvre = rows.nth(3);
    expect(await lefebvre.locator('.checklist').isVisible()).toBe(false);
    await lefebvre.locator('summary').click();
    const list = lefebvre.locator('.checklist');
    expect(await list.isVisible()).toBe(true);
    const text = (await list.textContent()) ?? '';
    expect(text).toContain('expected: "Annonce : alice a rejoint la chatroom"');
    expect(text).toContain('seen:     "\\u001b[32mAnnonce : alice a rejoint la chatroom\\u001b[0m"');
    expect(text).toContain('differs by: terminal escape codes');
    expect(await rows.nth(2).locator('summary').textContent()).toContain(
      "does not start: SyntaxError: expected ':'",
    );
    expect(await page.locator('.totals').textContent()).toMatch(/^6 folders: 2 pass every lab check/);

    // printing opens every row
    await page.emulateMedia({ media: 'print' });
    await page.evaluate("dispatchEvent(new Event('beforeprint'))");
    expect(await page.locator('details[open]').count()).toBe(6);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'class-report.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
