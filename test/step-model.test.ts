// A step is its folder: in a copy of the repository, a new step that clones step 06 under new file names, with
// its own step.json and lessons, is run, documented, diffed and checked by the tools with no code change.
import {
  cpSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVING } from '../scripts/chat-wire.ts';
import { startLaunched, startTs } from '../scripts/proc.ts';
import { ROOT, findStep, loadSteps } from '../scripts/steps.ts';
import { tempDir } from './helpers.ts';

let copy: string;
let id: string;
let number: number;
const script = (name: string): string => join(copy, 'scripts', name);

beforeAll(() => {
  copy = tempDir('tp6-step-model-');
  for (const name of ['scripts', 'steps', 'docs-src', 'package.json', 'README.md']) {
    cpSync(join(ROOT, name), join(copy, name), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');

  // the next free number, a folder of its own, step 06's files under new names
  const source = findStep('06-deconnexion');
  number = loadSteps().at(-1)!.number + 1;
  id = `${String(number).padStart(2, '0')}-copie`;
  const dir = join(copy, 'steps', id);
  mkdirSync(dir);
  const server = 'chat_server_copie.ts';
  const client = 'chat_client_copie.ts';
  cpSync(join(source.dir, 'chat_server_ii_6.ts'), join(dir, server));
  cpSync(join(source.dir, 'chat_client_ii_6.ts'), join(dir, client));
  writeFileSync(join(dir, client), readFileSync(join(dir, client), 'utf8') + '// la copie\n');
  const rename = (file: string): string => file.replace('_ii_6', '_copie');
  const meta = JSON.parse(readFileSync(join(source.dir, 'step.json'), 'utf8'));
  meta.title = { en: 'A copy of step 06', fr: "Une copie de l'étape 06" };
  meta.section = 'III.9 Copie';
  meta.files = [server, client];
  meta.lineage = { [server]: ['chat_server_ii_6.ts'], [client]: ['chat_client_ii_6.ts'] };
  meta.roles = { server, client };
  meta.checks = meta.checks.map((target: { file: string }) => ({ ...target, file: rename(target.file) }));
  writeFileSync(join(dir, 'step.json'), JSON.stringify(meta, null, 2));
  writeFileSync(join(dir, 'lesson.en.md'), '## What this step adds\n\nNothing: it is a copy.\n');
  writeFileSync(join(dir, 'lesson.fr.md'), "## Ce que cette étape ajoute\n\nRien : c'est une copie.\n");
});

describe.concurrent('a new step, one folder and nothing else', { timeout: 90_000 }, () => {
  it('the runner lists it, plays its demo and runs its roles', async () => {
    const list = startLaunched(script('step.ts'), [], { cwd: copy });
    expect((await list.waitExit()).code).toBe(0);
    expect(list.stdout).toMatch(
      new RegExp(`^\\s+${number}\\s+${id}\\s+A copy of step 06 — III\\.9 Copie$`, 'm'),
    );

    const demo = startLaunched(script('step.ts'), [String(number)], { cwd: copy });
    expect((await demo.waitExit(60_000)).code, demo.output).toBe(0);
    expect(demo.stdout).toMatch(/^alice +\| Annonce : bob a quitté la chatroom$/m);

    const server = startLaunched(script('step.ts'), [String(number), 'server'], {
      cwd: copy,
      env: { PORT: '0' },
    });
    await server.waitFor(SERVING);
    await server.stop();
  });

  it('`npm run diff` pairs its files with step 06 by lineage', async () => {
    const diff = startTs(script('diff.ts'), ['6', String(number), '--stat'], { cwd: copy });
    expect((await diff.waitExit()).code, diff.output).toBe(0);
    expect(diff.stdout).toContain(' chat_client_ii_6.ts → chat_client_copie.ts |    1 +');
    expect(diff.stdout).toMatch(/^ chat_server_ii_6\.ts → chat_server_copie\.ts \| +0 $/m);
    expect(diff.stdout).toContain(' 2 files changed, 1 insertion(+), 0 deletions(-)');
  });

  it('the docs have its pages in both languages, linked from the step before it and from the index', async () => {
    const out = join(copy, 'out');
    const docs = startTs(script('docs.ts'), ['--out', out], { cwd: copy });
    expect((await docs.waitExit(60_000)).code, docs.output).toBe(0);
    const readme = readFileSync(join(out, 'steps', id, 'README.md'), 'utf8');
    expect(readme).toContain('Nothing: it is a copy.');
    expect(readme).toContain('#### `chat_client_ii_6.ts` → `chat_client_copie.ts`');
    expect(readFileSync(join(out, 'steps', id, 'README.fr.md'), 'utf8')).toContain("Rien : c'est une copie.");
    const page = readFileSync(join(out, 'docs', `${id}.html`), 'utf8');
    const last = loadSteps().at(-1)!.id; // the step before the copy: 06, or the last bonus
    expect(page).toContain(`rel="prev" href="${last}.html"`);
    expect(readFileSync(join(out, 'docs', `${last}.html`), 'utf8')).toContain(`rel="next" href="${id}.html"`);
    expect(readFileSync(join(out, 'docs', 'fr', 'index.html'), 'utf8')).toContain(`href="${id}.html"`);
  });

  it('the checker runs the checks its step.json declares', async () => {
    const target = join('steps', id, 'chat_server_copie.ts');
    const check = startTs(
      script('check.ts'),
      [String(number), '--port', '0', '--cwd', copy, '--', process.execPath, '--import', 'tsx', target],
      {
        cwd: copy,
        env: { NO_COLOR: '1' },
      },
    );
    expect((await check.waitExit(60_000)).code, check.output).toBe(0);
    expect(check.stdout).toContain(`Checking step ${id} · server`);
    expect(check.stdout).toMatch(/^11 passed, 0 failed$/m);
  });
});

describe('a step without checks', () => {
  it("is refused by the checker in one line, never given another step's checks", async () => {
    const meta = JSON.parse(readFileSync(join(copy, 'steps', id, 'step.json'), 'utf8'));
    const bare = `${String(number + 1).padStart(2, '0')}-sans-verif`;
    cpSync(join(copy, 'steps', id), join(copy, 'steps', bare), { recursive: true });
    writeFileSync(join(copy, 'steps', bare, 'step.json'), JSON.stringify({ ...meta, checks: undefined }));
    const check = startTs(script('check.ts'), [String(number + 1), '--', 'python3', 'x.py'], { cwd: copy });
    expect((await check.waitExit()).code).toBe(2);
    expect(check.stderr.trim()).toBe(`error: no checks are declared for step ${bare}`);
    renameSync(join(copy, 'steps', bare), join(copy, `${bare}.removed`));
    expect(readdirSync(join(copy, 'steps'))).not.toContain(bare);
  });
});
