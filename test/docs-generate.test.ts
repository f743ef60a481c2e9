// The docs generator: known diffs, every page in both languages, links and anchors that resolve, no
// external asset, and `--check` catching a stale file (in temporary copies: the repository is not touched).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { LANGS, ROOT, loadSteps } from '../scripts/steps.ts';
import { buildAll, staleFiles, writeFiles } from '../scripts/docs/build.ts';
import { docsMain } from '../scripts/docs/cli.ts';
import { diffTexts } from '../scripts/textdiff.ts';
import { pairSteps } from '../scripts/steps.ts';
import { diffMarkdown } from '../scripts/docs/readme.ts';
import { diffHtml } from '../scripts/docs/diffhtml.ts';
import { getHighlighter, highlightLines } from '../scripts/docs/highlight.ts';
import { findStep } from '../scripts/steps.ts';
import { idsOf, isExternal, linksOf, resolveHref, runScript } from './docs-helpers.ts';

let files: Map<string, string>;
const site = () =>
  new Map([...files].filter(([p]) => p.startsWith('docs/')).map(([p, t]) => [p.slice(5), t]));

beforeAll(async () => {
  files = await buildAll();
});

describe('diffs', () => {
  const OLD = 'const a = 1;\nconst b = 2;\nconst c = 3;\nconsole.log(a, b, c);\n';
  const NEW = 'const a = 1;\nconst b = 20;\nconst c = 3;\nconst d = 4;\nconsole.log(a, b, c, d);\n';

  it('a known pair gives the expected + and - lines, with context', () => {
    const d = diffTexts('old.ts', OLD, 'new.ts', NEW);
    expect(d.added).toBe(3);
    expect(d.removed).toBe(2);
    expect(diffMarkdown(d)).toBe(
      [
        '```diff',
        '@@ -1,4 +1,5 @@',
        ' const a = 1;',
        '-const b = 2;',
        '+const b = 20;',
        ' const c = 3;',
        '-console.log(a, b, c);',
        '+const d = 4;',
        '+console.log(a, b, c, d);',
        '```',
      ].join('\n'),
    );
  });

  it('renders added and removed lines highlighted, in both views', async () => {
    const hl = await getHighlighter();
    const d = diffTexts('old.ts', OLD, 'new.ts', NEW);
    const html = diffHtml(
      d,
      { oldLines: highlightLines(hl, OLD, 'typescript'), newLines: highlightLines(hl, NEW, 'typescript') },
      'old.ts → new.ts',
    );
    const unified = html.slice(0, html.indexOf('diff-view split'));
    expect(unified.match(/<tr class="add">/g)).toHaveLength(3);
    expect(unified.match(/<tr class="del">/g)).toHaveLength(2);
    const addRow = unified.split('\n').find((l) => l.startsWith('<tr class="add">') && l.includes('20'))!;
    expect(addRow).toMatch(/<span class="c-[0-9A-F]{6}-[0-9A-F]{6}">const<\/span>/);
    expect(html).toContain('diff-view split');
    expect(html.match(/class="src add"/g)).toHaveLength(3);
    expect(html.match(/class="src del"/g)).toHaveLength(2);
  });

  it('pairs files by lineage, across steps', () => {
    const p45 = pairSteps(findStep('4'), findStep('5'));
    expect(p45.pairs).toEqual([
      { oldName: 'chat_server_ii_4.ts', newName: 'chat_server_ii_5.ts' },
      { oldName: 'chat_client_ii_3.ts', newName: 'chat_client_ii_5.ts' },
    ]);
    const p34 = pairSteps(findStep('03'), findStep('04-chat-fonctionnel'));
    expect(p34.pairs).toEqual([{ oldName: 'chat_server_ii_3.ts', newName: 'chat_server_ii_4.ts' }]);
    expect(p34.unchanged).toEqual(['chat_client_ii_3.ts']);
    expect(p34.onlyInOld).toEqual([]);
    expect(pairSteps(findStep('3'), findStep('5')).pairs[0]).toEqual({
      oldName: 'chat_server_ii_3.ts',
      newName: 'chat_server_ii_5.ts',
    });
  });

  it('each README diff block matches the two files it names', () => {
    let blocks = 0;
    for (const step of loadSteps()) {
      const readme = files.get(`steps/${step.id}/README.md`)!;
      for (const m of readme.matchAll(
        /#### `([^`]+)` → `([^`]+)`\n\n[^\n]*\n\n```diff\n([\s\S]*?)\n```\n/g,
      )) {
        const [, from, to, body] = m;
        blocks++;
        const oldText = readFileSync(
          join(ROOT, 'steps', loadSteps().find((s) => s.files.includes(from!))!.id, from!),
          'utf8',
        );
        const newText = readFileSync(join(ROOT, 'steps', step.id, to!), 'utf8');
        for (const line of body!.split('\n')) {
          if (line.startsWith('+')) expect(newText.split('\n')).toContain(line.slice(1));
          if (line.startsWith('-')) expect(oldText.split('\n')).toContain(line.slice(1));
        }
      }
    }
    expect(blocks).toBeGreaterThanOrEqual(10); // every step from 01 on has at least one diff
  });
});

describe('pages', () => {
  it('every step has its README and its site page, in both languages, each linking the other language', () => {
    for (const step of loadSteps()) {
      const en = files.get(`steps/${step.id}/README.md`);
      const fr = files.get(`steps/${step.id}/README.fr.md`);
      expect(en).toContain('[Français](README.fr.md)');
      expect(fr).toContain('[English](README.md)');
      expect(en).toContain(step.title.en);
      expect(fr).toContain(step.title.fr);
      expect(en).toContain(`npm run step ${step.number}`);
      for (const file of step.files.filter((f) => f.endsWith('.ts'))) expect(en).toContain(file);
      if (step.roles) expect(en).toContain(`npm run step ${step.number} server`);
      const pageEn = files.get(`docs/${step.id}.html`)!;
      const pageFr = files.get(`docs/fr/${step.id}.html`)!;
      expect(pageEn).toContain('<html lang="en">');
      expect(pageFr).toContain('<html lang="fr">');
      expect(pageEn).toContain(`class="lang-switch" href="fr/${step.id}.html"`);
      expect(pageFr).toContain(`class="lang-switch" href="../${step.id}.html"`);
    }
    for (const lang of LANGS)
      expect(files.has(lang === 'en' ? 'docs/index.html' : `docs/${lang}/index.html`)).toBe(true);
  });

  it("every step with an exercise has a 'Do it yourself' section with its brief and commands, in both languages", () => {
    const withExercise = loadSteps().filter((step) => step.exercise);
    expect(withExercise.length).toBeGreaterThanOrEqual(6);
    for (const step of withExercise) {
      for (const [lang, readme, page, heading] of [
        ['en', `steps/${step.id}/README.md`, `docs/${step.id}.html`, 'Do it yourself'],
        ['fr', `steps/${step.id}/README.fr.md`, `docs/fr/${step.id}.html`, 'À vous de jouer'],
      ] as const) {
        const markdown = files.get(readme)!;
        expect(markdown).toContain(`## ${heading}\n\n${step.exercise!.brief[lang]}`);
        expect(markdown).toContain(`npm run verify ${step.number}`);
        expect(files.get(page)).toContain(`npm run hint ${step.number}`);
      }
    }
  });

  it('every internal link and anchor of the site resolves', () => {
    const pages = site();
    const ids = new Map([...pages].filter(([p]) => p.endsWith('.html')).map(([p, html]) => [p, idsOf(html)]));
    const broken: string[] = [];
    let checked = 0;
    for (const [page, html] of pages) {
      if (!page.endsWith('.html')) continue;
      for (const link of linksOf(html)) {
        if (isExternal(link.value)) continue;
        const { path, hash } = resolveHref(page, link.value);
        checked++;
        if (!pages.has(path)) broken.push(`${page}: ${link.value} (no ${path})`);
        else if (hash && !ids.get(path)?.has(hash))
          broken.push(`${page}: ${link.value} (no #${hash} in ${path})`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('every relative link of the READMEs points to a file of the repository or a generated one', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const [path, text] of files) {
      if (!path.endsWith('.md')) continue;
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        if (target === '' || isExternal(target)) continue;
        const full = posix.normalize(posix.join(posix.dirname(path), target));
        checked++;
        if (!files.has(full) && !existsSync(join(ROOT, full))) broken.push(`${path}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('no page loads anything from outside the site', () => {
    for (const [page, text] of site()) {
      if (page.endsWith('.html')) {
        for (const link of linksOf(text)) {
          if (link.tag !== 'a')
            expect(isExternal(link.value), `${page}: <${link.tag} ${link.attr}="${link.value}">`).toBe(false);
        }
        expect(text).not.toMatch(/<(img|iframe|video|audio|source|object|embed)\b/);
        expect(text).not.toMatch(/style="[^"]*url\(/);
      } else {
        expect(text, page).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
        expect(text, page).not.toMatch(/@import/);
        expect(text, page).not.toMatch(/fetch\(|XMLHttpRequest/);
      }
    }
  });

  it('each row of the Python ↔ Node.js table links to its line of the lab’s Python, on a step page', () => {
    expect.hasAssertions();
    const pages = site();
    for (const lang of LANGS) {
      const mapping = pages.get(lang === 'en' ? 'mapping.html' : `${lang}/mapping.html`)!;
      const rows = mapping.split('<tr>').slice(2);
      expect(rows.length).toBeGreaterThan(20);
      for (const row of rows) {
        const link = /<a href="(\d\d-[^"#]+\.html)#([^"]+)">/.exec(row);
        expect(link?.[2], row).toMatch(/^py-[a-z_0-9]+\.py-\d+$/);
        expect(idsOf(pages.get(`${lang === 'en' ? '' : `${lang}/`}${link![1]}`)!)).toContain(link![2]);
      }
    }
  });

  it('holds no absolute path (and is deterministic: see the copy below, built by another process)', () => {
    for (const [path, text] of files) expect(text.includes(ROOT), path).toBe(false);
  });
});

describe('freshness', () => {
  it('staleFiles names what changed, what is missing, and what is left over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-fresh-'));
    try {
      writeFiles(files, dir);
      expect(staleFiles(files, dir)).toEqual([]);
      writeFileSync(join(dir, 'steps/05-pseudos/README.fr.md'), 'edited by hand\n');
      rmSync(join(dir, 'docs/fr/index.html'));
      writeFileSync(join(dir, 'docs/old-page.html'), '<p>old</p>');
      expect(staleFiles(files, dir)).toEqual([
        'docs/fr/index.html',
        'docs/old-page.html',
        'steps/05-pseudos/README.fr.md',
      ]);
      writeFiles(files, dir);
      expect(staleFiles(files, dir)).toEqual([]);
      expect(existsSync(join(dir, 'docs/old-page.html'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`npm run docs -- --check` exits 1 and names the stale files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-check-'));
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => {
      errors.push(line);
    });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      writeFiles(files, dir);
      expect(await docsMain(['--check', '--out', dir], files)).toBe(0);
      writeFileSync(join(dir, 'docs/fr/02-web.html'), 'stale');
      expect(await docsMain(['--check', '--out', dir], files)).toBe(1);
      expect(errors.join('\n')).toContain('docs/fr/02-web.html');
      expect(errors).toHaveLength(2);
      // The root README's steps table is generated too: a hand edit inside its markers is stale.
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      writeFileSync(join(dir, 'README.md'), readme.replace('| 5 | ', '| five | '));
      // `npm run docs --check`, without `--`: npm keeps the flag and passes npm_config_check=true.
      const [run, wrong] = await Promise.all([
        runScript(join(ROOT, 'scripts/docs.ts'), ['--out', dir], { env: { npm_config_check: 'true' } }),
        runScript(join(ROOT, 'scripts/docs.ts'), ['--chek']),
      ]);
      expect([wrong.code, wrong.stderr]).toEqual([
        2,
        'error: unknown option "--chek"; usage: npm run docs [-- --check] [--out <dir>]\n',
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'docs: 2 stale files, run `npm run docs`:\n  README.md\n  docs/fr/02-web.html\n',
      );
      expect(readFileSync(join(dir, 'docs/fr/02-web.html'), 'utf8')).toBe('stale');
    } finally {
      spy.mockRestore();
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`npm run docs` copes with a step whose files and lesson are not written yet', async () => {
    // A copy of the repository's sources with one file and one lesson removed, node_modules shared.
    const dir = mkdtempSync(join(tmpdir(), 'docs-copy-'));
    try {
      for (const name of ['scripts', 'steps', 'docs-src', 'reference', 'package.json', 'README.md'])
        cpSync(join(ROOT, name), join(dir, name), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      rmSync(join(dir, 'steps/06-deconnexion/chat_client_ii_6.ts'));
      rmSync(join(dir, 'steps/06-deconnexion/lesson.fr.md'), { force: true });
      // The optional teachers' page, in English only: the French page falls back to it.
      writeFileSync(
        join(dir, 'docs-src/teachers.en.md'),
        '# For teachers\n\nSee [step 5](../steps/05-pseudos/README.md#how-to-run).\n',
      );
      rmSync(join(dir, 'docs-src/teachers.fr.md'), { force: true });
      const out = join(dir, 'out');
      const generated = await runScript(join(dir, 'scripts/docs.ts'), ['--out', out], { cwd: dir });
      expect(generated.stderr).toBe('');
      expect(generated.code).toBe(0);
      const readme = readFileSync(join(out, 'steps/06-deconnexion/README.fr.md'), 'utf8');
      expect(readme).toContain("Ce fichier n'est pas encore écrit.");
      expect(readme).toContain("Le cours de cette étape n'est pas encore écrit.");
      expect(readFileSync(join(out, 'docs/index.html'), 'utf8')).toContain('not yet available');
      for (const teachers of ['docs/teachers.html', 'docs/fr/teachers.html']) {
        expect(readFileSync(join(out, teachers), 'utf8')).toContain(
          '<a href="05-pseudos.html#how-to-run">step 5</a>',
        );
      }
      expect(readFileSync(join(out, 'docs/fr/index.html'), 'utf8')).toContain(
        '<a href="teachers.html">Pour les enseignants',
      );
      // Only what depends on the removed files differs from the full build made by this process.
      const expected = [
        'docs/06-deconnexion.html',
        'docs/fr/06-deconnexion.html',
        'docs/fr/index.html',
        'docs/index.html',
        'docs/fr/teachers.html',
        'docs/teachers.html',
        'steps/06-deconnexion/README.fr.md',
        'steps/06-deconnexion/README.md',
        // and the pages of the steps whose files are diffed against the removed one (the bonuses)
        ...loadSteps()
          .filter((s) => s.number > 6 && Object.values(s.lineage).flat().includes('chat_client_ii_6.ts'))
          .flatMap((s) => [
            `docs/${s.id}.html`,
            `docs/fr/${s.id}.html`,
            `steps/${s.id}/README.fr.md`,
            `steps/${s.id}/README.md`,
          ]),
      ];
      // and the pages of the steps diffed against the removed file (the bonuses of part III)
      for (const { id, lineage } of loadSteps()) {
        if (id !== '06-deconnexion' && Object.values(lineage).flat().includes('chat_client_ii_6.ts'))
          expected.push(
            `docs/${id}.html`,
            `docs/fr/${id}.html`,
            `steps/${id}/README.md`,
            `steps/${id}/README.fr.md`,
          );
      }
      const stale = staleFiles(files, out);
      expect(stale.filter((f) => !expected.includes(f))).toEqual([]);
      expect(stale).toEqual(expect.arrayContaining(expected.filter((f) => !f.includes('teachers'))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
