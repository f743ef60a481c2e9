// The lab's Python beside our TypeScript, generated blocks and pages.json: alignment in-process, then one
// build of a copy of the repository with stand-in Python files (never committed to reference/), a step of
// Part III and a new page, to show that each is picked up without a change of code.
import { describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../scripts/steps.ts';
import { alignPython } from '../scripts/docs/python.ts';
import { expandMarkers, fillBlocks, splitAtMarkers } from '../scripts/docs/blocks.ts';
import { tempDir } from './helpers.ts';
import { runScript } from './docs-helpers.ts';

/** The aligned text of both sides, row by row (`·` for a blank kept to hold the other side level). */
function sideBySide(py: string, ts: string): [string, string][] {
  const p = py.split('\n');
  const t = ts.split('\n');
  return alignPython(py, ts).map((r) => [
    r.py === undefined ? '·' : p[r.py]!,
    r.ts === undefined ? '·' : t[r.ts]!,
  ]);
}

describe('Python beside TypeScript', () => {
  it('faces each def with the function of the same name, comments and constants included', () => {
    const py = [
      'import asyncio',
      'CLIENTS = {}',
      '',
      'async def get_content(url):',
      '    return url',
      '',
      'async def handle_client_msg(reader, writer):',
      '    pass',
    ].join('\n');
    const ts = [
      "import net from 'node:net';",
      '',
      'const CLIENTS = new Map<string, Client>();',
      '',
      '// One readable line.',
      'async function getContent(url: string): Promise<string> {',
      '  return url;',
      '}',
      '',
      'function helper(): void {}',
      '',
      '/** Reads every message. */',
      'const handleClientMsg = async (socket: net.Socket): Promise<void> => {',
      '};',
    ].join('\n');
    const rows = sideBySide(py, ts);
    const row = (text: string) => rows.findIndex(([p, t]) => p.includes(text) || t.includes(text));
    expect(rows[row('CLIENTS = {}')]).toEqual(['CLIENTS = {}', 'const CLIENTS = new Map<string, Client>();']);
    // The def is level with the function; the TypeScript's comment above it faces a blank.
    expect(rows[row('def get_content')]).toEqual([
      'async def get_content(url):',
      'async function getContent(url: string): Promise<string> {',
    ]);
    expect(rows[row('// One readable line.')]).toEqual(['·', '// One readable line.']);
    expect(rows[row('def handle_client_msg')]).toEqual([
      'async def handle_client_msg(reader, writer):',
      'const handleClientMsg = async (socket: net.Socket): Promise<void> => {',
    ]);
    // Every line of both files, each once, in order.
    expect(rows.map((r) => r[0]).filter((l) => l !== '·')).toEqual(py.split('\n'));
    expect(rows.map((r) => r[1]).filter((l) => l !== '·')).toEqual(ts.split('\n'));
  });

  it("faces Python's main() with the TypeScript's top-level program", () => {
    const py = 'def get_content(url):\n    pass\n\n\nasync def main():\n    await get_content(1)\n';
    const ts = [
      'function getContent(url: string): void {}',
      '',
      'function fail(message: string): never {',
      '  throw new Error(message);',
      '}',
      '',
      '// The program.',
      'const url = process.argv[2];',
      'getContent(url);',
    ].join('\n');
    const rows = sideBySide(py, ts);
    expect(rows.find(([p]) => p.startsWith('async def main'))).toEqual([
      'async def main():',
      'const url = process.argv[2];',
    ]);
  });

  it('falls back to top-aligned rows when no function matches', () => {
    expect(sideBySide('a = 1\nprint(a)', 'const a = 1;\nconsole.log(a);\nexport {};')).toEqual([
      ['a = 1', 'const a = 1;'],
      ['print(a)', 'console.log(a);'],
      ['·', 'export {};'],
    ]);
  });
});

describe('generated blocks', () => {
  const ctx = { lang: 'en' as const, baseDir: '' };

  it('fills the README between its markers, and only there', () => {
    const readme = 'intro\n<!-- generated:steps -->\nold table\n<!-- /generated:steps -->\nend\n';
    const filled = fillBlocks(readme, ctx, 'README.md');
    expect(filled.startsWith('intro\n<!-- generated:steps -->\n\n### Part I\n')).toBe(true);
    expect(filled.endsWith('\n<!-- /generated:steps -->\nend\n')).toBe(true);
    expect(filled).not.toContain('old table');
    expect(filled).toContain(
      '| 5 | [`steps/05-pseudos`](steps/05-pseudos/README.md) | II.5 Gérer des pseudos |',
    );
    expect(fillBlocks(filled, ctx, 'README.md')).toBe(filled);
    expect(() => fillBlocks('<!-- generated:steps -->\n', ctx, 'README.md')).toThrow(
      'README.md: "<!-- generated:steps -->" has no closing "<!-- /generated:steps -->"',
    );
  });

  it('expands a marker line of a page, links relative to the page, and names an unknown block', () => {
    const page = expandMarkers(
      '# Title\n\n<!-- generated:steps -->\n',
      { lang: 'fr', baseDir: 'docs-src' },
      'x',
    );
    expect(page).toContain('### Partie II');
    expect(page).toContain('[`steps/06-deconnexion`](../steps/06-deconnexion/README.fr.md)');
    expect(() => splitAtMarkers('<!-- generated:nope -->', 'docs-src/x.md')).toThrow(
      'docs-src/x.md: unknown generated block "nope"; known: checks, steps',
    );
  });
});

const STAND_IN_SERVER = `import asyncio

CLIENTS = {}


async def handle_client_msg(reader, writer):
    data = await reader.read(1024)
    writer.write(data)
    await writer.drain()


async def main():
    server = await asyncio.start_server(handle_client_msg, "127.0.0.1", 8888)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
`;

describe('a copy of the repository with the lab’s Python, a Part III step and a new page', () => {
  it('shows them all after `npm run docs`, with no change of code', async () => {
    const dir = tempDir('docs-python-');
    for (const name of ['scripts', 'steps', 'docs-src', 'package.json', 'README.md'])
      cpSync(join(ROOT, name), join(dir, name), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // Stand-ins for two of the lab's files (the real ones live in reference/python/).
    mkdirSync(join(dir, 'reference/python'), { recursive: true });
    writeFileSync(join(dir, 'reference/python/chat_server_ii_2.py'), STAND_IN_SERVER);
    writeFileSync(join(dir, 'reference/python/chat_server_ii_5.py'), STAND_IN_SERVER);
    // A bonus step: its section's numeral puts it in Part III.
    mkdirSync(join(dir, 'steps/07-bonus'));
    cpSync(
      join(ROOT, 'steps/06-deconnexion/chat_server_ii_6.ts'),
      join(dir, 'steps/07-bonus/chat_server_iii_1.ts'),
    );
    writeFileSync(
      join(dir, 'steps/07-bonus/step.json'),
      JSON.stringify({
        title: { en: 'Home-made encoding', fr: 'Encodage maison' },
        section: 'III.1 Encodage maison',
        files: ['chat_server_iii_1.ts'],
        lineage: { 'chat_server_iii_1.ts': ['chat_server_ii_6.ts'] },
        demo: { kind: 'chat', note: { en: 'a demo', fr: 'une démo' }, scenario: [] },
      }),
    );
    // A new page: an entry of pages.json and its Markdown (English only: French falls back to it).
    const pagesFile = join(dir, 'docs-src/pages.json');
    const pages = JSON.parse(readFileSync(pagesFile, 'utf8')) as { pages: object[] };
    pages.pages.push({ id: 'faq', title: 'steps', source: { en: 'faq.en.md' }, linkedFrom: ['index'] });
    writeFileSync(pagesFile, JSON.stringify(pages));
    writeFileSync(join(dir, 'docs-src/faq.en.md'), '# FAQ\n\nEvery step:\n\n<!-- generated:steps -->\n');

    const out = join(dir, 'out');
    const run = await runScript(join(dir, 'scripts/docs.ts'), ['--out', out], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const read = (path: string) => readFileSync(join(out, path), 'utf8');

    // The README's table and the index group the steps by part, Part III included.
    expect(read('README.md')).toContain(
      '### Part III — bonuses\n\n| # | folder | lab section | files |\n|---|---|---|---|\n| 7 | [`steps/07-bonus`](steps/07-bonus/README.md) | III.1 Encodage maison | `chat_server_iii_1.ts` |',
    );
    expect(read('docs/fr/index.html')).toMatch(
      /<h3 class="part">Partie III — bonus<\/h3>\n<ol class="steps">\n<li><a href="07-bonus.html">/,
    );
    expect(read('docs/07-bonus.html')).toContain('<a href="07-bonus.html" aria-current="page">');

    // The Python beside the TypeScript, handle_client_msg level with handleClientMsg.
    const page = read('docs/05-pseudos.html');
    const section = page.slice(page.indexOf('<section class="python" id="py-chat_server_ii_5.ts">'));
    expect(section.length).toBeLessThan(page.length);
    const [pyPane, tsPane] = section
      .split('<div class="pane"')
      .slice(1, 3)
      .map((pane) => pane.slice(0, pane.indexOf('</table>'))) as [string, string];
    const rowOf = (pane: string, text: string) =>
      pane.split('<tr').findIndex((row) => row.replace(/<[^>]+>/g, '').includes(text));
    expect(rowOf(pyPane, 'async def handle_client_msg')).toBeGreaterThan(0);
    const tsRow = tsPane.split('<tr')[rowOf(pyPane, 'async def handle_client_msg')]!.replace(/<[^>]+>/g, '');
    expect(tsRow.includes('handleClientMsg') || /^\d*(\/\/|\/\*\*)/.test(tsRow)).toBe(true);
    expect(pyPane.split('<tr').length).toBe(tsPane.split('<tr').length);
    expect(page).not.toContain('id="py-chat_client_ii_5.ts"');

    // The step README carries it collapsed; a file without Python has none.
    const readme = read('steps/05-pseudos/README.md');
    expect(readme).toContain(
      "<details>\n<summary>The lab's Python: <code>chat_server_ii_5.py</code></summary>\n\n[reference/python/chat_server_ii_5.py](../../reference/python/chat_server_ii_5.py)\n\n```python\nimport asyncio\n",
    );
    expect(readme.match(/<details>/g)).toHaveLength(1);

    // The mapping table links to the line of the Python, or to the file while its Python is missing.
    const line = STAND_IN_SERVER.split('\n').findIndex((l) => l.includes('start_server')) + 1;
    const mapping = read('docs/mapping.html');
    expect(mapping).toContain(`<a href="03-premiere-version.html#py-chat_server_ii_2.py-${line}">03</a>`);
    expect(read('docs/03-premiere-version.html')).toContain(`<tr id="py-chat_server_ii_2.py-${line}">`);
    expect(mapping).toContain('<a href="01-sleep.html#file-sleep_and_print.ts">01</a>');

    // The new page, in both languages, linked from the index, with its generated block.
    expect(read('docs/fr/faq.html')).toContain('<h1 id="faq">FAQ</h1>');
    expect(read('docs/faq.html')).toContain('<a href="07-bonus.html">');
    expect(read('docs/index.html')).toContain('<a href="faq.html">Steps →</a>');
  });
});
