// The exercise mode, walked as a student would, in a workspace of its own (TP6_WORK): prepare a step from the
// step before, fail, put the answer in, pass, see it verified; hints one by one; the solution only after a try;
// --watch re-running on a save and stopping cleanly on Ctrl+C.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTs } from '../scripts/proc.ts';
import { ROOT, filePath } from '../scripts/steps.ts';
import { expectOneLineError, processesWith, tempDir } from './helpers.ts';

const SCRIPT = join(ROOT, 'scripts', 'exercise.ts');
const PYTHON = join(ROOT, 'reference', 'python');

function student(work: string, marker = '') {
  const env = { TP6_WORK: work, LANG: 'C.UTF-8', NO_COLOR: '1', ...(marker ? { [marker]: '1' } : {}) };
  return (mode: string, ...args: string[]) => startTs(SCRIPT, [mode, ...args], { cwd: ROOT, env });
}

async function output(run: ReturnType<ReturnType<typeof student>>, code: number): Promise<string> {
  const exit = await run.waitExit(90_000);
  expect(exit.code, run.output).toBe(code);
  return run.stdout;
}

describe.concurrent('exercise mode', { timeout: 120_000 }, () => {
  it('prepares step 05 from step 04, fails, passes once the answer is in, and shows it verified', async () => {
    const work = tempDir('tp6-work-');
    const run = student(work);
    const prepared = await output(run('exercise', '5'), 0);
    expect(prepared).toContain('chat_server_ii_5.ts  ←  the course');
    const server = join(work, '05-pseudos', 'chat_server_ii_5.ts');
    const client = join(work, '05-pseudos', 'chat_client_ii_5.ts');
    expect(readFileSync(server, 'utf8')).toBe(readFileSync(filePath('chat_server_ii_4.ts'), 'utf8'));
    expect(readFileSync(client, 'utf8')).toBe(readFileSync(filePath('chat_client_ii_3.ts'), 'utf8'));
    expect(prepared).toContain('sends exactly "Hello|<PSEUDO>"'); // the brief

    const failing = await output(run('verify', '5'), 1);
    expect(failing).toContain('✗ the newcomer receives "Annonce : <PSEUDO> a rejoint la chatroom"');
    expect(failing).toContain('✗ asks for a pseudo, then sends exactly "Hello|<PSEUDO>" first');

    // a second `exercise 5` keeps the work
    writeFileSync(client, `${readFileSync(client, 'utf8')}// mon travail\n`);
    expect(await output(run('exercise', '5'), 0)).toContain(
      'already holds your work: nothing was overwritten',
    );
    expect(readFileSync(client, 'utf8')).toContain('// mon travail');

    copyFileSync(filePath('chat_server_ii_5.ts'), server);
    copyFileSync(filePath('chat_client_ii_5.ts'), client);
    const passing = await output(run('verify', '5'), 0);
    expect(passing).toContain('✓ Step 05-pseudos verified — next: npm run exercise 6');
    expect(await output(run('exercise'), 0)).toMatch(
      /^ {2}05-pseudos +Pseudonyms +✓ verified \d{4}-\d\d-\d\d \d\d:\d\d$/m,
    );
  });

  it('hints come one at a time, then say none is left; the solution waits for a first try', async () => {
    const work = tempDir('tp6-work-');
    const run = student(work);
    await output(run('exercise', '4', '--lang', 'fr'), 0);
    await expectOneLineError(run('solution', '4'), 2, /^error: try it first: npm run verify 4/);
    expect(await output(run('hint', '4'), 0)).toMatch(/^Hint 1\/3: const CLIENTS = new Map/);
    expect(await output(run('hint', '4', '--lang', 'fr'), 0)).toMatch(
      /^Indice 2\/3 : Diffuser, c'est une boucle/,
    );
    expect(await output(run('hint', '4'), 0)).toMatch(/^Hint 3\/3: /);
    expect(await output(run('hint', '4'), 0)).toMatch(
      /^No hint left for step 04-chat-fonctionnel \(3 shown\)/,
    );
    const forced = await output(run('solution', '4', '--force'), 0);
    expect(forced).toContain(`+++ ${filePath('chat_server_ii_4.ts').slice(ROOT.length + 1)}`);
    expect(forced).toMatch(/^\+.*a dit : /m);
  });

  it('--reset asks before erasing; without a terminal it needs --yes', async () => {
    const work = tempDir('tp6-work-');
    const run = student(work);
    await output(run('exercise', '4'), 0);
    const server = join(work, '04-chat-fonctionnel', 'chat_server_ii_4.ts');
    writeFileSync(server, '// tout cassé\n');
    await expectOneLineError(
      run('exercise', '4', '--reset'),
      2,
      /--reset erases .*04-chat-fonctionnel\/: add --yes/,
    );
    expect(readFileSync(server, 'utf8')).toBe('// tout cassé\n');
    await output(run('exercise', '4', '--reset', '--yes'), 0);
    expect(readFileSync(server, 'utf8')).toBe(readFileSync(filePath('chat_server_ii_3.ts'), 'utf8'));
  });

  it('verify --watch runs again after a save, and Ctrl+C leaves with 130 and nothing running', async () => {
    const work = tempDir('tp6-work-');
    const marker = `TP6_WATCH_${process.pid}_${Date.now()}`;
    const run = student(work, marker);
    await output(run('exercise', '4'), 0);
    const watching = run('verify', '4', '--watch');
    const runs = (): number => watching.stdout.split('(waiting for a change)').length - 1;
    await watching.until(() => runs() === 1, 60_000);
    expect(watching.stdout).toMatch(/^watching .*04-chat-fonctionnel\/ — Ctrl\+C to stop$/m);
    const server = join(work, '04-chat-fonctionnel', 'chat_server_ii_4.ts');
    copyFileSync(filePath('chat_server_ii_4.ts'), server);
    expect(await watching.until(() => runs() === 2, 60_000)).toBe(true);
    expect(watching.stdout).toContain('✓ Step 04-chat-fonctionnel verified');
    watching.signal('SIGINT');
    expect((await watching.waitExit()).code).toBe(130);
    expect(processesWith(marker)).toEqual([]);
  });

  it("the Python track starts from the lab's Python and verifies the same way", async () => {
    const work = tempDir('tp6-work-');
    const run = student(work);
    const prepared = await output(run('exercise', '6', '--python'), 0);
    expect(prepared).toMatch(
      /chat_server_ii_6\.py {2}← {2}the course's reference\/python\/chat_server_ii_5\.py/,
    );
    const dir = join(work, '06-deconnexion');
    expect(readFileSync(join(dir, 'chat_client_ii_6.py'), 'utf8')).toBe(
      readFileSync(join(PYTHON, 'chat_client_ii_5.py'), 'utf8'),
    );
    expect(await output(run('verify', '6'), 1)).toContain('✗ a clean close: the others receive');
    for (const file of ['chat_server_ii_6.py', 'chat_client_ii_6.py'])
      copyFileSync(join(PYTHON, file), join(dir, file));
    expect(await output(run('verify', '6'), 0)).toContain('✓ Step 06-deconnexion verified');
  });

  it('a file that does not compile is shown in a few lines, not as failed checks', async () => {
    const work = tempDir('tp6-work-');
    const run = student(work);
    await output(run('exercise', '4'), 0);
    writeFileSync(join(work, '04-chat-fonctionnel', 'chat_server_ii_4.ts'), 'const x = ;\n');
    const shown = await output(run('verify', '4'), 1);
    expect(shown).toMatch(
      /✗ .*chat_server_ii_4\.ts does not compile:\n {4}.*chat_server_ii_4\.ts:1:11 Expression expected\./,
    );
    expect(shown).not.toContain('listens on the address');

    writeFileSync(join(work, '04-chat-fonctionnel', 'chat_server_ii_4.ts'), "throw new Error('boum');\n");
    const crashed = await output(run('verify', '4'), 1);
    expect(crashed).toMatch(
      /✗ .*chat_server_ii_4\.ts stopped at start \(exited \(code 1\)\):\n(?: {4}.*\n)* {4}Error: boum\n/,
    );
    expect(crashed).not.toMatch(/^\s+at /m);
  });
});
