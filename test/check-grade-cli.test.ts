// Grading a class from the command line: a program that does not start, one that hangs and a missing file
// each get their status, never a crash of the whole run; a student's text stays harmless in the table and
// the CSV; Ctrl+C in the middle leaves nothing running; client and Part I hand-ins, --plan; one-line errors.
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../scripts/cli.ts';
import { parseArgs, parseClassArgs } from '../scripts/check.ts';
import { errorLine, expandFolders, fileWord, grade, targetsFromSteps } from '../scripts/check/grade.ts';
import { csvCell, renderClassTable, summariseRun } from '../scripts/check/grade-report.ts';
import { startTs, tsxCommand } from '../scripts/proc.ts';
import { ROOT } from '../scripts/steps.ts';
import { FIXTURES } from './check-helpers.ts';
import { expectOneLineError, processesWith, tempDir } from './helpers.ts';
import { openTerminal, shellWord } from './tmux.ts';

const CHECK = join(ROOT, 'scripts', 'check.ts');
const SAMPLE = join(ROOT, 'test', 'fixtures', 'rendus');

/** A class folder: each student's files, by name. */
function makeClass(students: Record<string, Record<string, string>>): string {
  const dir = tempDir('tp6-class-');
  for (const [name, files] of Object.entries(students)) {
    mkdirSync(join(dir, name));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, name, file), text);
  }
  return dir;
}

const SILENT_SERVER = [
  'import os, socket, time',
  's = socket.create_server((os.environ["HOST"], int(os.environ["PORT"])))',
  'conns = []',
  'while True: conns.append(s.accept())',
].join('\n');

describe.concurrent('statuses of their own, never a crash of the whole run', () => {
  it('does not start, timed out, not handed in; program text harmless in the table and CSV', async () => {
    const marker = `TP6_TEST_MARK_${randomUUID()}`;
    const correct = readFileSync(join(SAMPLE, 'dupont', 'chat_server_ii_5.py'), 'utf8');
    const flood = 'import sys\nsys.stdout.write("x\\n" * 750_000)\nsys.stderr.write("e\\n" * 750_000)';
    const dir = makeClass({
      '=1+1': {
        'chat_server_ii_5.py': 'import sys\nsys.stderr.write("\\x1b[2J\\u202eboom\\n")\nsys.exit(1)\n',
      },
      hangs: { 'chat_server_ii_5.py': SILENT_SERVER },
      nobody: {},
      // 1.5 MB on each stream: its checker's report is longer than what a Proc keeps of a stdout
      loud: { 'chat_server_ii_5.py': `${flood}\n${correct}` },
      ok: { 'chat_server_ii_5.py': correct },
    });
    const csv = join(dir, 'out.csv');
    const proc = startTs(
      CHECK,
      [
        '5',
        '--each',
        '*',
        '--wait',
        '20',
        '--timeout',
        '10',
        '--csv',
        csv,
        '--',
        'python3',
        'chat_server_ii_5.py',
      ],
      { cwd: dir, env: { [marker]: '1', INIT_CWD: dir, NO_COLOR: '1' } },
    );
    const exit = await proc.waitExit(40_000);
    expect(exit.code, proc.output).toBe(1);
    const lines = proc.stdout.trimEnd().split('\n');
    expect(lines.slice(2)).toEqual([
      'name    checks  lab  failed (~ near miss)',
      '=1+1    —       —    does not start: \\x1b[2J\\u202eboom',
      'hangs   —       —    timed out (10 s)',
      'loud    7/7     6/6',
      'nobody  —       —    not handed in (chat_server_ii_5.py)',
      'ok      7/7     6/6',
      '5 folders: 2 pass every lab check (2 of them every check); ' +
        '1 does not start, 1 timed out, 1 not handed in',
    ]);
    expect(proc.stdout).not.toMatch(/[\x1b\u202e]/);
    const rows = readFileSync(csv, 'utf8').split('\r\n');
    expect(rows[1]).toMatch(/^"'=1\+1","does not start: \\x1b\[2J\\u202eboom",/);
    expect(proc.stderr).toBe(`CSV written to ${csv}\n`); // no progress line: stderr is not a terminal
    if (process.platform === 'linux') expect(processesWith(marker)).toEqual([]);
  });

  it('on a terminal: a progress line while it runs, then the table in its place', async () => {
    const dir = makeClass({
      fast: { 'server.py': readFileSync(join(SAMPLE, 'dupont', 'chat_server_ii_5.py'), 'utf8') },
      slow: { 'server.py': 'import time\ntime.sleep(60)\n' },
    });
    const [node, args] = tsxCommand(CHECK, [
      '5',
      '--each',
      '*',
      '--timeout',
      '6',
      '--',
      'python3',
      'server.py',
    ]);
    // the shell stays after the grader so that its screen can be read
    const grader = [node, ...args].map(shellWord).join(' ');
    const command = `INIT_CWD=${shellWord(dir)} ${grader}; echo "exit $?"; sleep 60`;
    const terminal = openTerminal(command, { cwd: dir });
    await terminal.waitFor((lines) => lines.at(-1) === '1/2 checked', 20_000); // slow one waits its limit
    const screen = await terminal.waitFor('exit 1', 30_000);
    expect(screen).not.toContain('checked');
    expect(terminal.lines().slice(-4)).toEqual([
      'fast  7/7     6/6',
      'slow  —       —    timed out (6 s)',
      '2 folders: 1 pass every lab check (1 of them every check); 1 timed out',
      'exit 1',
    ]);
    terminal.kill();
  });

  it('Ctrl+C in the middle of a run stops every checker and every program, exit 130', async () => {
    const marker = `TP6_TEST_MARK_${randomUUID()}`;
    // a program that ignores SIGTERM outlives its checker: the grader kills it on its way out
    const sleeper = 'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(60)\n';
    const dir = makeClass(
      Object.fromEntries(['a', 'b', 'c'].map((name) => [name, { 'server.py': sleeper }])),
    );
    const proc = startTs(CHECK, ['5', '--each', '*', '--jobs', '2', '--', 'python3', 'server.py'], {
      cwd: dir,
      env: { [marker]: '1', INIT_CWD: dir },
    });
    const programs = (): number =>
      processesWith(marker).filter((pid) => {
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          return cmdline.includes('server.py') && !cmdline.includes('check.ts'); // the program, not a checker
        } catch {
          return false;
        }
      }).length;
    for (let i = 0; programs() < 2; i++) {
      expect(i, 'the programs never started').toBeLessThan(300);
      await new Promise((resolve) => setTimeout(resolve, 50)); // polling /proc: there is no event to wait on
    }
    proc.signal('SIGINT'); // the grader's group only: its checkers are in groups of their own
    const exit = await proc.waitExit(15_000);
    expect(exit.code, proc.output).toBe(130);
    expect(proc.output).not.toMatch(/^\s+at /m);
    expect(processesWith(marker)).toEqual([]);
  });

  it('a client and a Part I script, from a plan; folders named by their path in the pattern', async () => {
    const dir = makeClass({});
    for (const name of ['alice', 'bob']) mkdirSync(join(dir, name, 'tp6'), { recursive: true });
    copyFileSync(join(FIXTURES, 'chat_client_ii_6.py'), join(dir, 'alice', 'tp6', 'chat_client_ii_6.py'));
    copyFileSync(join(FIXTURES, 'sleep_and_print.py'), join(dir, 'alice', 'tp6', 'sleep_and_print.py'));
    const client = readFileSync(join(FIXTURES, 'chat_client_ii_6.py'), 'utf8');
    writeFileSync(
      join(dir, 'bob', 'tp6', 'chat_client_ii_6.py'),
      client.replace(/^BYE = .*$/m, 'BYE = None'),
    );
    copyFileSync(join(FIXTURES, 'sleep_zero_based.py'), join(dir, 'bob', 'tp6', 'sleep_and_print.py'));
    const plan = join(dir, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        '1': ['python3', 'sleep_and_print.py'],
        '6 client': ['python3', 'chat_client_ii_6.py'],
      }),
    );
    const parsed = parseClassArgs(
      ['--each', '*/tp6', '--plan', 'plan.json', '--delay', '0.02', '--wait', '1'],
      dir,
    )!;
    const report = await grade(parsed.grade);
    expect(report.targets.map((t) => [t.label, t.role])).toEqual([
      ['1', 'script'],
      ['6 client', 'client'],
    ]);
    const rows = report.folders.map((f) => [f.name, ...f.runs.map((r) => summariseRun(r)?.failed.join(' '))]);
    expect(rows).toEqual([
      ['alice/tp6', '', ''],
      ['bob/tp6', 'counts order-sync', 'exit-message'],
    ]);
    expect(renderClassTable(report)).toContain(
      'bob/tp6    2/4     1/3  6/7     5/6  1: counts order-sync · 6 client: exit-message',
    );
  });
});

describe('a mistake in the command', () => {
  it("is each row's error, in one line, and the run goes on", async () => {
    const dir = makeClass({ a: { 'x.py': '' }, b: { 'x.py': '' } });
    const parsed = parseClassArgs(['5', '--each', '*', '--', 'python4-nowhere', 'x.py'], dir)!;
    const report = await grade(parsed.grade);
    expect(report.folders.map((f) => [f.name, f.runs[0]!.status, f.runs[0]!.detail])).toEqual(
      ['a', 'b'].map((name) => [name, 'error', 'cannot run "python4-nowhere": command not found']),
    );
  });
});

describe('the pieces', () => {
  it('expands a pattern to folders, sorted, named from its fixed part', () => {
    expect(expandFolders('test/fixtures/rendus/[b-d]*', ROOT).map((f) => f.name)).toEqual([
      'bernard',
      'dupont',
      'durand',
    ]);
    expect(expandFolders('rendus/le*', join(ROOT, 'test', 'fixtures'))).toEqual(
      ['lefebvre', 'leroy'].map((name) => ({ name, path: join(SAMPLE, name) })),
    );
    expect(expandFolders('test/fixtures/rendus/petit', ROOT)).toEqual([
      { name: 'petit', path: join(SAMPLE, 'petit') },
    ]);
    expect(() => expandFolders('nowhere/*', ROOT)).toThrow(/^--each nowhere\/\*: no folder matches$/);
  });

  it('{stem}: every program of each step, named after its file', () => {
    const targets = targetsFromSteps('1,3', ['python3', '{stem}.py'], {});
    expect(targets.map((t) => `${t.label}: ${t.command.join(' ')}`)).toEqual([
      '01 async: python3 sleep_and_print_async.py',
      '01 sync: python3 sleep_and_print.py',
      '03 server ii_2: python3 chat_server_ii_2.py',
      '03 server ii_3: python3 chat_server_ii_3.py',
      '03 client ii_2: python3 chat_client_ii_2.py',
      '03 client ii_3: python3 chat_client_ii_3.py',
    ]);
    expect(targetsFromSteps('6', ['python3', '{stem}.py'], { role: 'client' }).map((t) => t.label)).toEqual([
      '06',
    ]);
    expect(
      targetsFromSteps('5', ['python3', 'x.py'], { labOnly: true })[0]!.checks.every((id) =>
        id.startsWith('server.'),
      ),
    ).toBe(true);
  });

  it.each([
    [['python3', 'chat_server_ii_6.py'], 'chat_server_ii_6.py'],
    [['python3', '-u', 'src/server.py', '--port', '1'], 'src/server.py'],
    [['./run.sh'], './run.sh'],
    [['python3', '-c', 'import time; time.sleep(1)'], undefined],
    [['node', '--import', 'tsx', 'chat.ts'], 'chat.ts'],
  ])('the file of %j: %s', (command, file) => {
    expect(fileWord(command)).toBe(file);
  });

  it('the error line: a Python exception, else the first line', () => {
    const syntax = '  File "x.py", line 3\n    def f()\n           ^\nSyntaxError: expected \':\'\n';
    expect(errorLine(syntax)).toBe("SyntaxError: expected ':'");
    expect(errorLine('Traceback (most recent call last):\n  File "x.py"\nOSError: [Errno 98] in use\n')).toBe(
      'OSError: [Errno 98] in use',
    );
    expect(errorLine('node: bad option: --x\nmore\n')).toBe('node: bad option: --x');
    expect(errorLine('')).toBeUndefined();
  });

  it('CSV cells: quoted, and no formula a spreadsheet would run', () => {
    expect(['=1+1', '+33', '-2', '@SUM(A1)', '\tx', 'a "b"', 7].map(csvCell)).toEqual([
      `"'=1+1"`,
      `"'+33"`,
      `"'-2"`,
      `"'@SUM(A1)"`,
      `"'\tx"`,
      '"a ""b"""',
      '"7"',
    ]);
  });
});

describe('bad input: one clear line', () => {
  it.each([
    [['5', '--each', 'x', '--cwd', 'd', '--', 'p'], /^--cwd does not go with --each/],
    [['--plan', 'p.json'], /^--plan grades a class: give --each GLOB too$/],
    [
      ['5', '--each', '*', '--port', '8888', '--jobs', '2', '--', 'p'],
      /^--port 8888 runs one folder at a time/,
    ],
    [['5', '--each', '*', '--jobs', '0', '--', 'p'], /^--jobs needs an integer ≥ 1, not "0"$/],
    [['5', '--each', '*', '--plan', 'p.json', '--', 'p'], /^--plan gives the steps and their commands/],
    [['5,', '--each', '*', '--', 'p'], /^steps are separated by commas/],
    [['1', '--each', '*', '--role', 'client', '--', 'p'], /^step 01-sleep has no client to check/],
    [['5', '--each', '*', '--plan', 'nothing.json'], /^--plan gives the steps/],
    [['--each', '*', '--plan', 'missing.json'], /^--plan .*missing\.json: ENOENT/],
    [['5', '--csv', 'x.csv', '--', 'p'], /^--csv grades a class: give --each GLOB too$/],
  ])('%j', (args, message) => {
    const run = (): unknown => (args.includes('--csv') ? parseArgs(args) : parseClassArgs(args, SAMPLE));
    expect(run).toThrow(UsageError);
    expect(run).toThrow(message);
  });

  it('a pattern that matches nothing: one line, exit 2', async () => {
    const proc = startTs(CHECK, ['6', '--each', 'nowhere/*', '--', 'python3', 'x.py'], {
      cwd: ROOT,
      env: { INIT_CWD: ROOT },
    });
    await expectOneLineError(proc, 2, /^error: --each nowhere\/\*: no folder matches$/);
    expect(readdirSync(SAMPLE)).toHaveLength(6);
  });
});
