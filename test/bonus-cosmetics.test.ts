// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the mutants replace source text that holds ${…}
// Step 07 (III.1 cosmetics) over real TCP and in a real terminal: the sender's "Vous avez dit", the relay's
// time and colour, the client's "[hh:mm]" and 24-bit colour (none with NO_COLOR); the checker on our files,
// on our step 06, and on mutants that each break one check.
import { afterAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { stopAll, TSX_IMPORT } from '../scripts/proc.ts';
import { type WireClient, startChatServer } from '../scripts/chat-wire.ts';
import { startStepFile, stepCommand } from '../scripts/stepfile.ts';
import { ROOT, filePath } from '../scripts/steps.ts';
import { check, dump, failures } from './check-helpers.ts';
import { closeConnections, connect } from './chat-helpers.ts';
import { mutant } from './mutants.ts';
import { openTerminal, shellWord } from './tmux.ts';
import { playDemo } from './bonus-helpers.ts';
import './helpers.ts';

afterAll(async () => {
  closeConnections();
  await stopAll();
});

const SERVER = 'chat_server_iii_1.ts';
const CLIENT = 'chat_client_iii_1.ts';
const RELAY = /^Message\|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|#([0-9a-f]{6})\|(.*?)\|(.*)$/;
const node = (file: string): string[] => stepCommand(file);
const hhmm = (iso: string): string => new Date(iso).toTimeString().slice(0, 5);

async function join(port: number, pseudo: string): Promise<WireClient> {
  const client = await connect(port);
  await client.send(`Hello|${pseudo}\n`);
  await client.waitForLine(`Annonce : ${pseudo} a rejoint la chatroom`);
  return client;
}

/** The relays received, parsed. */
function relays(client: WireClient): { time: string; colour: string; pseudo: string; message: string }[] {
  return client.lines.flatMap((line) => {
    const match = RELAY.exec(line);
    return match ? [{ time: match[1]!, colour: match[2]!, pseudo: match[3]!, message: match[4]! }] : [];
  });
}

describe('07 · the server', () => {
  it('sends the sender "Vous avez dit : {msg}", the others the message with a time and a colour', async () => {
    const { port } = await startChatServer(SERVER);
    const alice = await join(port, 'alice');
    const bob = await join(port, 'bob');
    await alice.waitForLine('Annonce : bob a rejoint la chatroom');
    const before = Date.now();
    await alice.send('bonjour bob\n');
    await alice.waitForLine('Vous avez dit : bonjour bob');
    await bob.until(() => relays(bob).length === 1, 'a relay');
    await alice.send('a | b\n'); // the message is the last field: it may hold a "|"
    await bob.until(() => relays(bob).length === 2, 'a second relay');
    await bob.send('salut\n');
    await bob.waitForLine('Vous avez dit : salut');
    await alice.until(() => relays(alice).length === 1, 'the relay of bob');

    const [first, second] = relays(bob);
    expect(first).toMatchObject({ pseudo: 'alice', message: 'bonjour bob' });
    expect(second).toMatchObject({ pseudo: 'alice', message: 'a | b', colour: first!.colour });
    expect(Date.parse(first!.time)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(first!.time)).toBeLessThanOrEqual(Date.now());
    // only the sender sees "Vous avez dit", and nobody gets their own message back in the relay form
    expect(bob.text).not.toContain('Vous avez dit : bonjour bob');
    expect(relays(alice).map((r) => r.pseudo)).toEqual(['bob']);
    expect(alice.lines).toContain('Vous avez dit : a | b');
  });
});

describe('07 · the client', () => {
  it('shows "[hh:mm] <PSEUDO> a dit : <msg>" in local time, no escape code in a pipe', async () => {
    const { port } = await startChatServer(SERVER);
    const watcher = await join(port, 'watcher');
    const observer = await join(port, 'observer'); // sees the relay as it is sent
    const client = startStepFile(CLIENT, { HOST: '127.0.0.1', PORT: String(port) });
    client.write('zoe\n');
    await watcher.waitForLine('Annonce : zoe a rejoint la chatroom');
    await watcher.send('coucou | zoe\n');
    await observer.until(() => relays(observer).length === 1, 'the relay');
    const { time } = relays(observer)[0]!;
    await client.waitFor(`[${hhmm(time)}] watcher a dit : coucou | zoe\n`);
    client.write('bonjour\n');
    await client.waitFor('Vous avez dit : bonjour');
    expect(client.stdout).not.toContain('\x1b');
  });
  it('shows a hostile relay harmlessly: escapes in its pseudo or message made visible, a bad colour ignored', async () => {
    const time = '2026-01-15T08:05:00.000Z';
    const hostile = `Message|${time}|#ff0000\x1b[5m|ev\x1b[2Jil|hi\x1b]0;pwned\x07\u202e|b\n`;
    const server = net.createServer((socket) => socket.once('data', () => socket.write(hostile)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as net.AddressInfo;
      const client = startStepFile(CLIENT, { HOST: '127.0.0.1', PORT: String(port) });
      client.write('zoe\n');
      await client.waitFor('a dit');
      expect(client.stdout).toBe(`[${hhmm(time)}] ev\\x1b[2Jil a dit : hi\\x1b]0;pwned\\x07\\u202e|b\n`);
      client.endInput();
      await client.waitExit();
    } finally {
      server.close();
    }
  });
});

describe('07 · the client in a terminal (tmux)', () => {
  const terminalCommand = (port: number, env: string[]): string =>
    [
      'env',
      ...env,
      'HOST=127.0.0.1',
      `PORT=${port}`,
      process.execPath,
      '--import',
      TSX_IMPORT,
      filePath(CLIENT),
    ]
      .map(shellWord)
      .join(' ');

  it.each([
    ['in 24-bit colour', []],
    ['without colour when NO_COLOR is set', ['NO_COLOR=1']],
  ])('shows the pseudo %s, after "[hh:mm]"', async (_, env) => {
    const { port } = await startChatServer(SERVER);
    const watcher = await join(port, 'watcher');
    const observer = await join(port, 'observer');
    const terminal = openTerminal(terminalCommand(port, ['TERM=xterm-256color', ...env]), { cwd: ROOT });
    await terminal.waitFor((lines) => lines.at(-1) === 'Pseudo :', 15_000);
    terminal.type('zoe');
    terminal.type('Enter', { literal: false });
    await watcher.waitForLine('Annonce : zoe a rejoint la chatroom', 1, 15_000);
    await watcher.send('coucou zoe\n');
    await observer.until(() => relays(observer).length === 1, 'the relay');
    const { time, colour } = relays(observer)[0]!;
    await terminal.waitFor('watcher a dit : coucou zoe');
    const screen = terminal.screen({ escapes: true });
    const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(colour.slice(i, i + 2), 16));
    const line = screen.split('\n').find((l) => l.includes('a dit : coucou zoe'))!;
    if (env.length === 0) {
      expect(line).toContain(`[${hhmm(time)}] \x1b[38;2;${r};${g};${b}mwatcher\x1b[39m a dit : coucou zoe`);
    } else {
      expect(line).toContain(`[${hhmm(time)}] watcher a dit : coucou zoe`);
      expect(screen).not.toContain('38;2;');
    }
    terminal.kill();
  });
});

describe('07 · the checker', () => {
  const cosmetics = [
    'cosmetics.own-echo',
    'cosmetics.echo-sender-only',
    'cosmetics.relay-time-colour',
    'cosmetics.time-of-reception',
    'cosmetics.colour-kept',
  ];
  const cases: [string, () => string[], string | undefined, string[]][] = [
    ['our 07 server', () => node(SERVER), 'server', []],
    ['our 07 client', () => node(CLIENT), 'client', []],
    [
      'our 06 server, which lacks the bonus',
      () => node('chat_server_ii_6.ts'),
      'server',
      [
        'cosmetics.own-echo:fail',
        'cosmetics.echo-sender-only:not-judged',
        'cosmetics.relay-time-colour:fail',
        'cosmetics.time-of-reception:not-judged',
        'cosmetics.colour-kept:not-judged',
      ],
    ],
    [
      'our 06 client, which shows the raw line',
      () => node('chat_client_ii_6.ts'),
      'client',
      ['cosmetics.client-time:fail', 'cosmetics.client-plain:not-judged'],
    ],
    [
      'a server that says "You said"',
      () => mutant(SERVER, ['`Vous avez dit : ${message}`', '`You said: ${message}`']),
      'server',
      ['cosmetics.own-echo:fail', 'cosmetics.echo-sender-only:not-judged'],
    ],
    [
      'a server that sends "Vous avez dit" to everyone',
      () => mutant(SERVER, ['send({ bytes: Buffer.from(`${echo}\\n`), to: address })', 'broadcast(echo)']),
      'server',
      ['cosmetics.echo-sender-only:fail'],
    ],
    [
      'a server whose colour has no "#"',
      () => mutant(SERVER, ['return `#${', 'return `${']),
      'server',
      ['cosmetics.relay-time-colour:fail'],
    ],
    [
      'a server that stamps every message with the same old time',
      () => mutant(SERVER, ['new Date().toISOString()', 'new Date(0).toISOString()']),
      'server',
      ['cosmetics.time-of-reception:fail'],
    ],
    [
      'a server that draws a colour per message',
      () => mutant(SERVER, ['|${client.colour}|', '|${randomColour()}|']),
      'server',
      ['cosmetics.colour-kept:fail'],
    ],
    [
      'a client that shows no time',
      () => mutant(CLIENT, ['`[${hhmm}] ${paint', '`${paint']),
      'client',
      ['cosmetics.client-time:fail'],
    ],
    [
      'a client that always paints',
      () => mutant(CLIENT, ['if (!COLOUR || !rgb) return text;', 'if (!rgb) return text;']),
      'client',
      ['cosmetics.client-plain:fail'],
    ],
  ];

  it.concurrent.each(cases)('%s', async (_, command, role, fails) => {
    const report = await check('7', command(), { role: role as 'server' | 'client', waitMs: 2_500 });
    expect(failures(report), dump(report)).toEqual(fails);
    if (role === 'server' && fails.length === 0)
      expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(cosmetics));
  });
});

describe('07 · the demo', () => {
  it('`npm run step 7` plays its scenario: the echo, the time, and the raw line in a 06 client', async () => {
    const text = await playDemo('7');
    expect(text).toMatch(/^alice +\| Vous avez dit : bonjour bob$/m);
    expect(text).toMatch(/^bob +\| \[\d\d:\d\d\] alice a dit : bonjour bob$/m);
    expect(text).toMatch(/^dave +\| Message\|\d{4}-[^|]+Z\|#[0-9a-f]{6}\|alice\|bonjour bob$/m);
  });
});
