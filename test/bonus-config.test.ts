// 10 · III.4 Config et arguments, over real TCP: where the server listens and the client connects, from the
// options, a config file (given, or next to the program), the environment and the defaults, in that order;
// --help and the one-line errors (exit 2); the checker's config checks, with a mutant per check; the demo.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the mutants replace lines of source code
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVING, startChatServer } from '../scripts/chat-wire.ts';
import { start, stopAll, type Proc } from '../scripts/proc.ts';
import { startStepFile, stepCommand } from '../scripts/stepfile.ts';
import { ROOT, filePath } from '../scripts/steps.ts';
import { checkStep, failuresOf, mutant, playDemo } from './bonus-helpers.ts';
import { dump, python } from './check-helpers.ts';
import { expectOneLineError, tempDir } from './helpers.ts';

// after the file, not after each test: the checker tests run concurrently
afterAll(stopAll);

const SERVER = 'chat_server_iii_4.ts';
const CLIENT = 'chat_client_iii_4.ts';
const ours = (file: string): string[] => stepCommand(file);

/** A config file in a fresh folder. */
function configFile(text: string): string {
  const path = join(tempDir(), 'chat.conf');
  writeFileSync(path, text);
  return path;
}

function run(command: string[], args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return start(command[0]!, [...command.slice(1), ...args], { env });
}

/** Starts the server, stops it, and returns the address it said it listened on. */
async function servingOn(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  command = ours(SERVER),
): Promise<string> {
  const proc = run(command, args, env);
  const [line] = await proc.waitFor(SERVING);
  await proc.stop();
  return line.replace(/^Serving on /, '').replace(/:\d+$/, '');
}

describe.concurrent('10 · where the server listens: options > file > environment > defaults', () => {
  // Each source says a different address (all of 127.0.0.0/8 is this machine), and port 0: the address the
  // server prints tells which source won. A port the winner hides is invalid: it must not even be read.
  const file = (): string => configFile('HOST=127.0.0.3\nPORT=0\n');
  const env = { HOST: '127.0.0.4', PORT: 'not-read' };
  it.each([
    ['the defaults', () => ['-p', '0'], {}, '127.0.0.1'],
    ['the environment over the defaults', () => [], { HOST: '127.0.0.4', PORT: '0' }, '127.0.0.4'],
    ['the file over the environment', () => ['--config', file()], env, '127.0.0.3'],
    ['--address over the file', () => ['--config', file(), '--address', '127.0.0.2'], env, '127.0.0.2'],
    [
      '-a and -p over the file',
      () => ['-a', '127.0.0.2', '-p', '0', '--config', configFile('PORT=x')],
      env,
      '127.0.0.2',
    ],
  ] as const)('%s', async (_, args, environment, expected) => {
    expect(await servingOn([...args()], environment)).toBe(expected);
  });

  it('reads chat_room.conf next to the program, unless --config names another file', async () => {
    const dir = tempDir();
    const command = mutant(SERVER, [], dir); // the server, as it is, in a folder of its own
    writeFileSync(join(dir, 'chat_room.conf'), '# next to the program\nHOST=127.0.0.5\nPORT=0\n');
    expect(await servingOn([], { HOST: '127.0.0.4', PORT: '0' }, command)).toBe('127.0.0.5');
    expect(await servingOn(['--config', configFile('HOST=127.0.0.3\nPORT=0')], {}, command)).toBe(
      '127.0.0.3',
    );
  });

  it('the chat_room.conf we ship changes nothing: every line is a comment', () => {
    const text = readFileSync(join(ROOT, 'steps/10-configuration/chat_room.conf'), 'utf8');
    expect(parseEnv(text)).toEqual({});
    expect(text).toMatch(/^# HOST=127\.0\.0\.1$/m);
  });
});

describe.concurrent('10 · the client connects where it is told', () => {
  it.each([
    ['-p', (port: number) => ['-p', String(port)]],
    ['--address and --port', (port: number) => ['--address', '127.0.0.1', '--port', String(port)]],
    ['--config', (port: number) => ['--config', configFile(`HOST=127.0.0.1\nPORT=${port}\n`)]],
  ] as const)('%s, over a wrong PORT in the environment', async (_, args) => {
    const { port } = await startChatServer(SERVER);
    const client = startStepFile(CLIENT, { PORT: '1' }, { args: args(port) });
    client.write('zoe\n');
    await client.waitFor('Annonce : zoe a rejoint la chatroom');
    client.endInput();
    expect((await client.waitExit()).code).toBe(0);
  });
});

describe.concurrent('10 · --help, and one line naming what is wrong (exit 2)', () => {
  it.each([SERVER, CLIENT])('%s --help prints the usage and exits 0', async (file) => {
    const proc = startStepFile(file, {}, { args: ['--help'] });
    expect((await proc.waitExit()).code).toBe(0);
    expect(proc.stdout).toMatch(
      new RegExp(`^usage : ${file.replace('.ts', '')} \\[-a ADRESSE\\] \\[-p PORT\\]`),
    );
    for (const option of ['-a, --address', '-p, --port', '--config']) expect(proc.stdout).toContain(option);
    expect(proc.stderr).toBe('');
  });

  const bad: [string[], RegExp][] = [
    [['-p', 'abc'], /^Erreur : abc n'est pas un numéro de port/],
    [['--port', '70000'], /^Erreur : 70000 n'est pas un/],
    [['-p'], /^Erreur : Option '-p, --port <value>' argument missing/],
    [['--colour'], /^Erreur : Unknown option '--colour' \(--help pour l'aide\)$/],
    [['salon'], /^Erreur : Unexpected argument 'salon'/],
    [
      ['--config', '/nonexistent/chat.conf'],
      /^Erreur : impossible de lire \/nonexistent\/chat\.conf \(ENOENT\)/,
    ],
  ];
  it.each(
    [SERVER, CLIENT].flatMap((file) =>
      bad.map(([args, message]) => [file, args.join(' '), args, message] as const),
    ),
  )('%s %s', async (file, _, args, message) => {
    await expectOneLineError(startStepFile(file, { PORT: '0' }, { args: [...args] }), 2, message);
  });

  it('a bad PORT in the config file is named too', async () => {
    const proc = startStepFile(SERVER, {}, { args: ['--config', configFile('PORT=huit\n')] });
    await expectOneLineError(proc, 2, /^Erreur : huit n'est pas un numéro de port/);
  });
});

/** Our 10 server with one thing broken, each for the one check it must fail. */
const server = (replacements: [string, string][]): string[] => mutant(SERVER, replacements);
const LAYERS = '[{ HOST: options.address, PORT: options.port }, readConfig(options.config), process.env]';
const mutants: { name: string; run: () => string[]; fails: string[] }[] = [
  {
    name: 'a server that ignores --address',
    run: () =>
      server([['{ HOST: options.address, PORT: options.port }', '{ HOST: undefined, PORT: options.port }']]),
    fails: ['config.options:fail'],
  },
  {
    name: 'a server without -a',
    run: () => server([["short: 'a'", "short: 'A'"]]),
    fails: ['config.short-options:fail'],
  },
  {
    name: 'a server that ignores --config',
    run: () => server([['readConfig(options.config)', 'readConfig(undefined)']]),
    fails: ['config.file:fail', 'config.option-over-file:not-judged', 'config.file-over-env:not-judged'],
  },
  {
    name: 'a server where the file wins over the options',
    run: () =>
      server([
        [LAYERS, '[readConfig(options.config), { HOST: options.address, PORT: options.port }, process.env]'],
      ]),
    fails: ['config.option-over-file:fail'],
  },
  {
    name: 'a server where the environment wins over the file',
    run: () =>
      server([
        [LAYERS, '[{ HOST: options.address, PORT: options.port }, process.env, readConfig(options.config)]'],
      ]),
    fails: ['config.file-over-env:fail'],
  },
  {
    name: 'a server whose --help does not say much',
    run: () => server([['console.log(USAGE)', "console.log('usage')"]]),
    fails: ['config.help:fail'],
  },
  {
    name: 'a server that does not check the port',
    run: () => server([['if (!/^\\d+$/.test(port) || Number(port) > 65535)', 'if (false)']]),
    fails: ['config.bad-value:fail'],
  },
  {
    name: 'a server that ignores unknown options',
    run: () => server([['parseArgs({ options })', 'parseArgs({ options, strict: false })']]),
    fails: ['config.unknown-option:fail'],
  },
];

// Our own file is checked on everything; a broken one on the config checks only. config.default needs port
// 8888 for itself: the runs that judge it go one at a time, the others leave it out.
const config = (id: string): boolean => id.startsWith('config.');
// port 8888 belongs to the whole machine: another program may hold it a moment, hence the retries
describe('the checker on step 10, config.default included (one run at a time)', { retry: 2 }, () => {
  it.each([
    ['our 10 server', () => ours(SERVER), []],
    ["a Python server with argparse (a student's III.4)", () => python('chat_server_iii_4.py'), []],
    [
      'a server whose default port is not 8888',
      () => server([["?? '8888'", "?? '88888'"]]),
      ['config.default:fail'],
    ],
    [
      'our 06 server (no options, no file)',
      () => ours('chat_server_ii_6.ts'),
      [
        'config.options:fail',
        'config.short-options:fail',
        'config.file:fail',
        'config.option-over-file:not-judged',
        'config.file-over-env:not-judged',
        'config.help:fail',
        'config.bad-value:fail',
        'config.unknown-option:fail',
      ],
    ],
  ] as const)('%s: fails exactly the checks it breaks', async (name, command, fails) => {
    const keep = name.startsWith('our 10') ? undefined : config;
    const report = await checkStep('10', command(), { keep });
    expect(failuresOf(report), dump(report)).toEqual(fails);
  });
});

describe.concurrent('the checker on step 10, without config.default', () => {
  it.each(mutants)('$name fails exactly $fails', async ({ run, fails }) => {
    const report = await checkStep('10', run(), { keep: (id) => config(id) && id !== 'config.default' });
    expect(failuresOf(report), dump(report)).toEqual(fails);
  });

  it.each([
    ['our 10 client', () => ours(CLIENT), []],
    [
      'our 06 client (no options, no file)',
      () => ours('chat_client_ii_6.ts'),
      ['config.client-options:fail', 'config.client-file:fail', 'config.client-option-over-file:not-judged'],
    ],
    [
      'a client that ignores -p',
      () => mutant(CLIENT, [['{ HOST: options.address, PORT: options.port }', '{ HOST: options.address }']]),
      ['config.client-options:fail', 'config.client-option-over-file:not-judged'],
    ],
    [
      'a client that ignores --config',
      () => mutant(CLIENT, [['readConfig(options.config)', 'readConfig(undefined)']]),
      ['config.client-file:fail', 'config.client-option-over-file:not-judged'],
    ],
    [
      'a client where the file wins over the options',
      () =>
        mutant(CLIENT, [
          [
            LAYERS,
            '[readConfig(options.config), { HOST: options.address, PORT: options.port }, process.env]',
          ],
        ]),
      ['config.client-option-over-file:fail'],
    ],
  ] as const)('%s: fails exactly the checks it breaks', async (name, command, fails) => {
    const keep = name.startsWith('our 10') ? undefined : config;
    const report = await checkStep('10', command(), { role: 'client', keep });
    expect(failuresOf(report), dump(report)).toEqual(fails);
  });
});

describe('the demo of step 10', () => {
  it('runs its scenario to the end: options, an option over PORT, --help, a bad value', async () => {
    const text = await playDemo('10');
    expect(text).toMatch(/^▶ alice: chat_client_iii_4\.ts --address 127\.0\.0\.1 --port \d+$/m);
    expect(text).toMatch(/^alice +\| Annonce : alice a rejoint la chatroom$/m);
    expect(text).toMatch(
      /^bob +\| Erreur : impossible de parler au serveur 127\.0\.0\.1:1 \(ECONNREFUSED\)$/m,
    );
    expect(text).toMatch(/^help +\| usage : chat_client_iii_4/m);
    expect(text).toMatch(/^carol +\| Erreur : quatre n'est pas un numéro de port/m);
    expect(text).toMatch(/\(carol ended: code 2\)/);
    expect(filePath(CLIENT)).toContain('10-configuration');
  });
});
