// 09 · III.3 Logs, over real TCP: what the server and the client write to their log files (always in a
// LOG_DIR of the test's own, never /var/log), the fallback to ./logs/, the checker's log checks, the demo.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the mutants replace lines of source code
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVING, startChatServer } from '../scripts/chat-wire.ts';
import { stopAll } from '../scripts/proc.ts';
import { startStepFile, stepCommand } from '../scripts/stepfile.ts';
import { checkStep, failuresOf, mutant, playDemo } from './bonus-helpers.ts';
import { closeConnections, connect } from './chat-helpers.ts';
import { dump, python } from './check-helpers.ts';
import { tempDir } from './helpers.ts';

// after the file, not after each test: the checker tests run concurrently
afterAll(async () => {
  closeConnections();
  await stopAll();
});

const STAMPED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S/;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

/** The log file's lines, each checked: timestamped, no raw control character. */
function logLines(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  expect(lines.pop()).toBe(''); // every line ends with its newline
  for (const line of lines) {
    expect(line).toMatch(STAMPED);
    expect(line).not.toMatch(CONTROL);
  }
  return lines.map((line) => line.replace(/^\S+ /, ''));
}

describe('09 · the server', () => {
  it('logs each connection, message, sent line and departure to LOG_DIR/server.log, harmlessly, and on its console', async () => {
    const dir = tempDir();
    const { proc, port } = await startChatServer('chat_server_iii_3.ts', { LOG_DIR: dir });
    const alice = await connect(port);
    await alice.send('Hello|alice\n');
    await alice.waitForLine('Annonce : alice a rejoint la chatroom');
    const bob = await connect(port);
    await bob.send('Hello|bob\n');
    await alice.waitForLine('Annonce : bob a rejoint la chatroom');
    await alice.send('bonjour \x1b[31mrouge\x07\n');
    await bob.waitForLine('alice a dit : bonjour \x1b[31mrouge\x07'); // the others get it as it came
    bob.end();
    await alice.waitForLine('Annonce : bob a quitté la chatroom');
    await proc.waitFor(`Disconnected: ${bob.address}`); // written to the file before the console

    const shown = 'bonjour \\x1b[31mrouge\\x07';
    const events = [
      `Connected: ${alice.address}`,
      'Sent: Annonce : alice a rejoint la chatroom',
      `Connected: ${bob.address}`,
      'Sent: Annonce : bob a rejoint la chatroom',
      `Message received from ${alice.address} : ${shown}`,
      `Sent: alice a dit : ${shown}`,
      'Sent: Annonce : bob a quitté la chatroom',
      `Disconnected: ${bob.address}`,
    ];
    const lines = logLines(join(dir, 'server.log'));
    expect(lines[0]).toBe(`Serving on 127.0.0.1:${port}`);
    expect(lines.filter((line) => events.includes(line))).toEqual(events);
    // the console: the same events, each after the time of day, nothing a terminal would act on
    const consoleLines = proc.stdout.trimEnd().split('\n');
    for (const line of consoleLines) expect(line).toMatch(/^\d\d:\d\d:\d\d \S/);
    expect(consoleLines.map((line) => line.slice(9))).toEqual(lines);
    expect(proc.stdout).not.toMatch(CONTROL);
  });

  it('with a LOG_DIR it cannot write, says so in one line, logs to ./logs/ and serves as usual', async () => {
    const cwd = tempDir();
    const notAFolder = join(cwd, 'file');
    writeFileSync(notAFolder, '');
    const proc = startStepFile(
      'chat_server_iii_3.ts',
      { HOST: '127.0.0.1', PORT: '0', LOG_DIR: join(notAFolder, 'x') },
      { cwd },
    );
    const port = Number((await proc.waitFor(SERVING))[1]);
    expect(proc.stderr).toBe(
      `Logs : impossible d'écrire dans ${join(notAFolder, 'x')} (ENOTDIR), le journal va dans ./logs/\n`,
    );
    const alice = await connect(port);
    await alice.send('Hello|alice\n');
    await alice.waitForLine('Annonce : alice a rejoint la chatroom');
    await proc.waitFor('Sent: Annonce : alice a rejoint la chatroom');
    expect(logLines(join(cwd, 'logs', 'server.log'))).toContain(
      'Sent: Annonce : alice a rejoint la chatroom',
    );
  });
});

describe('09 · the client', () => {
  it('logs the whole conversation to LOG_DIR/client.log, harmlessly, one timestamped line per event', async () => {
    const { port } = await startChatServer('chat_server_iii_3.ts', { LOG_DIR: tempDir() });
    const watcher = await connect(port);
    await watcher.send('Hello|watcher\n');
    await watcher.waitForLine('Annonce : watcher a rejoint la chatroom');
    const dir = tempDir();
    const client = startStepFile('chat_client_iii_3.ts', {
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_DIR: dir,
    });
    client.write('zoe\n'); // the pseudo first, then the connection
    await client.waitFor(`Connecté à 127.0.0.1:${port}`);
    await client.waitFor('Annonce : zoe a rejoint la chatroom');
    client.write('salut\n');
    await watcher.waitForLine('zoe a dit : salut');
    await watcher.send('coucou \x1b]0;pwned\x07\n');
    await client.waitFor('watcher a dit : coucou \\x1b]0;pwned\\x07');
    client.endInput();
    expect((await client.waitExit()).code).toBe(0);
    expect(logLines(join(dir, 'client.log'))).toEqual([
      `Connected to 127.0.0.1:${port}`,
      'Sent: Hello|zoe',
      'Received: Annonce : zoe a rejoint la chatroom',
      'Sent: salut',
      'Received: watcher a dit : coucou \\x1b]0;pwned\\x07',
      'Disconnected',
    ]);
  });
});

describe('09 · the client, with a LOG_DIR it cannot write', () => {
  it('says so in one line, logs to ./logs/ and chats as usual', async () => {
    const { port } = await startChatServer('chat_server_iii_3.ts', { LOG_DIR: tempDir() });
    const cwd = tempDir();
    writeFileSync(join(cwd, 'file'), '');
    const env = { HOST: '127.0.0.1', PORT: String(port), LOG_DIR: join(cwd, 'file', 'x') };
    const client = startStepFile('chat_client_iii_3.ts', env, { cwd });
    client.write('zoe\n');
    await client.waitFor('Annonce : zoe a rejoint la chatroom');
    client.endInput();
    expect((await client.waitExit()).code).toBe(0);
    expect(client.stderr).toBe(
      `Logs : impossible d'écrire dans ${join(cwd, 'file', 'x')} (ENOTDIR), le journal va dans ./logs/\n`,
    );
    expect(logLines(join(cwd, 'logs', 'client.log'))).toContain(
      'Received: Annonce : zoe a rejoint la chatroom',
    );
  });
});

/** Our 09 files with one log line left out (or left raw), each for the one check it must fail. */
const server = (replacements: [string, string][]): string[] => mutant('chat_server_iii_3.ts', replacements);
/** Sends to the others without going through broadcast(), hence without a log line. */
const direct = (text: string, except = ''): string =>
  `for (const [a, c] of CLIENTS) if (a !== ${except || "''"}) c.socket.write(${text} + '\\n')`;
const cases: { name: string; role?: 'client'; run: () => string[]; fails: string[] }[] = [
  {
    name: 'our 09 server',
    run: () => stepCommand('chat_server_iii_3.ts'),
    fails: [],
  },
  {
    name: 'our 09 client',
    role: 'client',
    run: () => stepCommand('chat_client_iii_3.ts'),
    fails: [],
  },
  {
    name: "a Python server with logging (a student's III.3)",
    run: () => python('chat_server_iii_3.py'),
    fails: [],
  },
  {
    name: 'our 06 server (no log)',
    run: () => stepCommand('chat_server_ii_6.ts'),
    fails: ['logs.arrival:fail', 'logs.message:fail', 'logs.departure:fail', 'logs.harmless:not-judged'],
  },
  {
    name: 'our 06 client (no log)',
    role: 'client',
    run: () => stepCommand('chat_client_ii_6.ts'),
    fails: ['logs.client-conversation:fail'],
  },
  {
    name: 'a server that does not log arrivals',
    run: () =>
      server([
        [
          'broadcast(`Annonce : ${pseudo} a rejoint la chatroom`)',
          direct('`Annonce : ${pseudo} a rejoint la chatroom`'),
        ],
      ]),
    fails: ['logs.arrival:fail'],
  },
  {
    name: 'a server that does not log messages',
    run: () =>
      server([
        ['for (const message of messages) log(`Message received from ${address} : ${message}`);', ''],
        [
          "broadcast(messages.map((message) => `${pseudo} a dit : ${message}`).join('\\n'), address)",
          direct("messages.map((message) => `${pseudo} a dit : ${message}`).join('\\n')", 'address'),
        ],
      ]),
    fails: ['logs.message:fail', 'logs.harmless:not-judged'],
  },
  {
    name: 'a server that does not log departures',
    run: () =>
      server([
        ["socket.once('close', () => log(`Disconnected: ${address}`));", ''],
        [
          'broadcast(`Annonce : ${client.pseudo} a quitté la chatroom`)',
          direct('`Annonce : ${client.pseudo} a quitté la chatroom`'),
        ],
      ]),
    fails: ['logs.departure:fail'],
  },
  {
    name: 'a server that writes what it received raw to its log',
    run: () => server([['${now.toISOString()} ${visible(text)}', '${now.toISOString()} ${text}']]),
    fails: ['logs.harmless:fail'],
  },
  {
    name: 'a client that does not log what it receives',
    role: 'client',
    run: () => mutant('chat_client_iii_3.ts', [['log(`Received: ${line}`);', '']]),
    fails: ['logs.client-conversation:fail'],
  },
];

describe.concurrent('the checker on step 09', () => {
  it.each(cases)('$name fails exactly $fails', async ({ name, role, run, fails }) => {
    // our own files and every client on every check (the client's scenario needs its pseudo typed, a
    // check of its own); a broken server on the log checks only (the chat part is the same for all)
    const keep =
      name.startsWith('our 09') || role === 'client' ? undefined : (id: string) => id.startsWith('logs.');
    const report = await checkStep('9', run(), { role, keep });
    expect(failuresOf(report), dump(report)).toEqual(fails);
  });
});

describe('the demo of step 09', () => {
  it('runs its scenario to the end and leaves the story in logs/server.log and logs/client.log', async () => {
    const cwd = tempDir();
    const text = await playDemo('9', { cwd });
    expect(text).toMatch(/^server +\| \d\d:\d\d:\d\d Sent: alice a dit : salut bob$/m);
    expect(logLines(join(cwd, 'logs', 'server.log'))).toContain('Sent: Annonce : bob a quitté la chatroom');
    expect(logLines(join(cwd, 'logs', 'client.log'))).toContain('Received: alice a dit : salut bob');
  });
});
