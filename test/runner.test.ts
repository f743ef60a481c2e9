import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../scripts/cli.ts';
import { startFakeWeb, type FakeWeb } from '../scripts/fakeweb.ts';
import { SERVING } from '../scripts/chat-wire.ts';
import { escapeRegExp, launchCommand, start, startLaunched } from '../scripts/proc.ts';
import { STEP_NODE_FLAGS, stepCommand } from '../scripts/stepfile.ts';
import { ROOT, findFile, findStep, loadSteps } from '../scripts/steps.ts';
import { expectOneLineError, processesWith, tempDir } from './helpers.ts';
import { openTerminal } from './tmux.ts';

const RUNNER = join(ROOT, 'scripts/step.ts');
const runner = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  startLaunched(RUNNER, args, { cwd: ROOT, env });

let web: FakeWeb;
beforeAll(async () => {
  web = await startFakeWeb();
});
afterAll(() => web.close());

describe('step metadata', () => {
  it('knows every step folder, in order, each with its files and a lineage that points to real files', () => {
    const steps = loadSteps();
    const folders = readdirSync(join(ROOT, 'steps')).filter((name) => /^\d\d-/.test(name));
    expect(steps.map((s) => s.id)).toEqual(folders.sort());
    expect(steps.length).toBeGreaterThanOrEqual(6);
    for (const step of steps) {
      expect(step.files.length).toBeGreaterThan(0);
      expect(step.title.en && step.title.fr && step.section).toBeTruthy();
      for (const [file, predecessors] of Object.entries(step.lineage)) {
        expect(step.files).toContain(file);
        for (const predecessor of predecessors)
          expect(steps.some((s) => s.files.includes(predecessor))).toBe(true);
      }
    }
  });

  it.each(['5', '05', '05-pseudos'])('finds step 5 as "%s"', (query) => {
    expect(findStep(query).id).toBe('05-pseudos');
  });

  it.each(['99', '5-pseudos', 'pseudos', ''])('refuses "%s" with the list of steps', (query) => {
    expect(() => findStep(query)).toThrow(UsageError);
    expect(() => findStep(query)).toThrow(/steps are 01-sleep, 02-web, .*06-deconnexion/);
  });

  it("finds a file with or without .ts, and a chat step's server and client", () => {
    expect(findFile(findStep('2'), 'web_sync')).toBe(join(ROOT, 'steps/02-web/web_sync.ts'));
    expect(findFile(findStep('2'), 'web_sync.ts')).toBe(join(ROOT, 'steps/02-web/web_sync.ts'));
    expect(findFile(findStep('4'), 'client')).toBe(
      join(ROOT, 'steps/03-premiere-version/chat_client_ii_3.ts'),
    );
    expect(() => findFile(findStep('1'), 'nope')).toThrow(
      /choose from sleep_and_print\.ts, sleep_and_print_async\.ts/,
    );
    expect(() => findFile(findStep('2'), 'urls.txt')).toThrow(UsageError);
    expect(() => findFile(findStep('4'), 'nope')).toThrow(
      /choose from server, client, chat_server_ii_4\.ts, chat_client_ii_3\.ts$/,
    );
  });

  it('an invalid step.json: the error names the file', () => {
    const dir = tempDir();
    mkdirSync(join(dir, '07-bonus'));
    writeFileSync(join(dir, '07-bonus/step.json'), '{ "title": ');
    expect(() => loadSteps(dir)).toThrow(
      new RegExp(`^${escapeRegExp(join(dir, '07-bonus/step.json'))}: .*JSON`),
    );
  });

  it('marks a step whose files are not written yet as not available', () => {
    const dir = tempDir();
    mkdirSync(join(dir, '07-bonus'));
    writeFileSync(
      join(dir, '07-bonus/step.json'),
      JSON.stringify({
        title: { en: 'Bonus', fr: 'Bonus' },
        section: 'III',
        files: ['bonus.ts'],
        lineage: {},
        demo: { kind: 'chat' },
      }),
    );
    expect(loadSteps(dir)).toMatchObject([{ id: '07-bonus', number: 7, available: false }]);
    writeFileSync(join(dir, '07-bonus/bonus.ts'), '');
    expect(loadSteps(dir)[0]!.available).toBe(true);
  });
});

describe.concurrent('npm run step', () => {
  it('without a step, lists them all with their lab section', async () => {
    const run = runner([]);
    expect((await run.waitExit()).code, run.output).toBe(0);
    const lines = run.stdout.split('\n').filter((line) => /^\s+\d+\s/.test(line));
    expect(lines).toHaveLength(loadSteps().length);
    expect(lines[4]).toMatch(/^\s+5\s+05-pseudos\s+Pseudonyms — II\.5 Gérer des pseudos$/);
  });

  it('an unknown step: one line naming the steps, exit 2', async () => {
    await expectOneLineError(
      runner(['99']),
      2,
      /^error: unknown step "99"; steps are 01-sleep, .*06-deconnexion/,
    );
  });

  it('an unknown file: one line naming the files, exit 2', async () => {
    await expectOneLineError(
      runner(['02-web', 'web_nope']),
      2,
      /^error: step 02-web has no file "web_nope"; choose from web_sync\.ts, web_async\.ts, web_sync_multiple\.ts, web_async_multiple\.ts$/,
    );
  });

  it('a data file of the step is not a program: one line naming the files, exit 2', async () => {
    await expectOneLineError(
      runner(['2', 'urls.txt']),
      2,
      /^error: 02-web\/urls\.txt is not a program to run; choose from web_sync\.ts, web_async\.ts, web_sync_multiple\.ts, web_async_multiple\.ts$/,
    );
  });

  it('an unknown demo option: one line, exit 2', async () => {
    await expectOneLineError(
      runner(['2', '--bogus']),
      2,
      /^error: unknown option "--bogus"; step 2 takes only --online$/,
    );
  });

  it('a file that takes no arguments refuses them in one line, exit 2', async () => {
    await expectOneLineError(
      runner(['5', 'server', 'extra']),
      2,
      /^error: chat_server_ii_5\.ts takes no arguments, not "extra" \(HOST and PORT come from the environment\)$/,
    );
  });

  it('runs one file of a step with its arguments', async () => {
    const tmp = tempDir();
    const run = runner(['2', 'web_async', web.urls[0]!], { TMPDIR: tmp });
    expect((await run.waitExit()).code, run.output).toBe(0);
    expect(run.stdout).toContain(`Contenu écrit avec succès dans le fichier : ${join(tmp, 'web_page')}`);
  });

  it('runs a file where the user typed the command (INIT_CWD): relative arguments work', async () => {
    const tmp = tempDir();
    writeFileSync(join(tmp, 'mes-urls.txt'), `${web.urls[0]}\n${web.urls[1]}\n`);
    // what npm does: the runner in the repository's root, the user's folder in INIT_CWD
    const run = runner(['2', 'web_sync_multiple', 'mes-urls.txt'], { INIT_CWD: tmp, TMPDIR: tmp });
    expect((await run.waitExit()).code, run.output).toBe(0);
    expect(run.stdout.match(/Contenu écrit avec succès/g)).toHaveLength(2);
  });

  it('passes on the exit code of the file it runs', async () => {
    const run = runner(['2', 'web_sync', 'pas-une-url']);
    expect((await run.waitExit()).code).toBe(1);
    expect(run.stderr.trim()).toBe('Erreur : pas-une-url : URL invalide (http:// ou https:// attendu)');
  });

  it('step 1: both counts, then the comparison', async () => {
    const run = runner(['1'], { DELAY: '0.02', TMPDIR: tempDir() });
    expect((await run.waitExit(20_000)).code, run.output).toBe(0);
    expect(run.stdout.match(/^sync\s+\| \d+$/gm)).toHaveLength(20);
    expect(run.stdout.match(/^async\s+\| \d+$/gm)).toHaveLength(20);
    expect(run.stdout).toMatch(/sleep_and_print\.ts\s+\d+\.\d\d s/);
    expect(run.stdout).toMatch(/sleep_and_print_async\.ts\s+\d+\.\d\d s/);
    expect(run.stdout).toMatch(/ratio\s+\d+\.\d×/);
  });

  it('step 2: the four scripts against the fake web, then "Mesure !"', async () => {
    const tmp = tempDir();
    const run = runner(['02-web'], { TMPDIR: tmp });
    expect((await run.waitExit(30_000)).code, run.output).toBe(0);
    expect(run.stdout.match(/Contenu écrit avec succès/g)).toHaveLength(22); // 1 + 1 + 10 + 10
    expect(run.stdout).toContain('Mesure ! (10 URLs');
    for (const file of ['web_sync.ts', 'web_async.ts', 'web_sync_multiple.ts', 'web_async_multiple.ts']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${file}\\s+\\d+\\.\\d\\d s`, 'm'));
    }
    expect(run.stdout).toMatch(/floor, one by one\s+1\.82 s/);
    expect(run.stdout).toMatch(/floor, all at once\s+0\.30 s/);
    // the pages stay, in the folder it names; the URL list it wrote is gone
    const pagesDir = run.stdout.match(/Pages written to (\S+)/)?.[1];
    expect(pagesDir && dirname(pagesDir)).toBe(tmp);
    expect(readdirSync(tmp).filter((name) => name.startsWith('tp6-'))).toEqual([basename(pagesDir!)]); // (tsx keeps its cache there too)
  });

  it('step 2, Ctrl+C: exit 130, stopped before the table, its URL list removed', async () => {
    const tmp = tempDir();
    const run = runner(['02-web'], { TMPDIR: tmp });
    await run.waitFor('▶ web_sync_multiple', { timeoutMs: 30_000 });
    run.signal('SIGINT');
    expect((await run.waitExit()).code, run.output).toBe(130);
    expect(run.stdout).not.toContain('Mesure !'); // stopped there: no table (its output may lag behind, not its end)
    expect(readdirSync(tmp).filter((name) => name.startsWith('tp6-urls-'))).toEqual([]);
  });

  it('works through npm, the way the README says', async () => {
    const run = start('npm', ['run', '--silent', 'step', '1', 'sleep_and_print_async'], {
      cwd: ROOT,
      env: { DELAY: '0' },
    });
    expect((await run.waitExit(20_000)).code, run.output).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(20);
  });

  it("starts a step's server as the course does: its type-stripped copy, plain node, a small young generation", async () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.step).toBe(
      `node ${relative(ROOT, launchCommand(RUNNER)[1][0]!)} scripts/step.ts`,
    );
    const marker = `TP6_RUNNER_${process.pid}_${Date.now()}`;
    const server = runner(['6', 'server'], { PORT: '0', [marker]: '1' });
    await server.waitFor(SERVING);
    const commands = processesWith(marker).map((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean),
    );
    const copy = stepCommand('chat_server_ii_6.ts');
    expect(commands).toContainEqual(copy); // the runner's child: node, its flags, the copy
    expect(copy).toEqual(expect.arrayContaining([...STEP_NODE_FLAGS, expect.stringMatching(/\.mjs$/)]));
    expect(commands.flat().join(' ')).not.toContain('tsx');
    await server.stop();
  });

  it('rebuilds its bundle when a script or a file it imports changes; one line when it cannot', async () => {
    const copy = tempDir();
    for (const name of ['scripts', 'steps', 'package.json'])
      cpSync(join(ROOT, name), join(copy, name), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const help = async (): Promise<string> => {
      const run = startLaunched(join(copy, 'scripts/step.ts'), ['--help'], { cwd: copy });
      expect((await run.waitExit()).code, run.output).toBe(0);
      return run.stdout;
    };
    const edit = (file: string, change: (text: string) => string): void =>
      writeFileSync(join(copy, file), change(readFileSync(join(copy, file), 'utf8')));
    expect(await help()).toMatch(/^usage: npm run step/);
    edit('scripts/step.ts', (text) => text.replace("'usage: npm run step", "'usage (changed): npm run step"));
    expect(await help()).toMatch(/^usage \(changed\): npm run step/);
    edit('scripts/steps.ts', (text) => `${text}\nconsole.log('steps.ts changed');\n`);
    expect(await help()).toMatch(/^steps\.ts changed\nusage \(changed\)/);
    edit('scripts/steps.ts', (text) => `${text}\nconst = ;\n`);
    await expectOneLineError(
      startLaunched(join(copy, 'scripts/step.ts'), ['--help'], { cwd: copy }),
      1,
      /^error: step\.ts cannot be prepared: /,
    );
  });

  it('on a terminal, asks again after an unknown answer; Ctrl+C leaves with 130 and no error', async () => {
    const terminal = openTerminal(
      `${process.execPath} --import tsx ${RUNNER}; echo "runner exited $?"; sleep 60`,
      {
        cwd: ROOT,
      },
    );
    await terminal.waitFor('Which step? (number, Enter to quit)');
    terminal.type('quarante');
    terminal.type('Enter', { literal: false });
    await terminal.waitFor((lines) => lines.filter((line) => line.startsWith('Which step?')).length === 2);
    expect(terminal.screen()).toContain('unknown step "quarante"; steps are 01-sleep');
    terminal.type('C-c', { literal: false });
    const screen = await terminal.waitFor('runner exited 130');
    expect(screen).not.toMatch(/error|Aborted/i);
    terminal.kill();
  });

  it('on a terminal, lets the user pick a step', async () => {
    const terminal = openTerminal(
      `DELAY=0 ${process.execPath} --import tsx ${RUNNER}; echo "runner exited $?"; sleep 60`,
      { cwd: ROOT },
    );
    await terminal.waitFor('Which step? (number, Enter to quit)');
    terminal.type('1');
    terminal.type('Enter', { literal: false });
    const screen = await terminal.waitFor('runner exited 0', 20_000);
    expect(screen).toMatch(/ratio\s+\d+\.\d×/);
    terminal.kill();
  });
});
