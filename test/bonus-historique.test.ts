// Step 13 (III.7, history) over real TCP and in a real terminal: the newcomer gets the conversation as one
// JSON line before its announcement, bounded; the file is read at start, written in the background and at
// the stop, never per message; a corrupt file is set aside in one line; the client shows the history
// harmlessly, before the live messages; the demo plays to the end.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type WireClient, startChatServer } from '../scripts/chat-wire.ts';
import { stopAll, type Proc } from '../scripts/proc.ts';
import { startStepFile, stepCommand } from '../scripts/stepfile.ts';
import { ROOT } from '../scripts/steps.ts';
import { closeConnections, connect, whileStopped } from './chat-helpers.ts';
import { expectOneLineError, tempDir } from './helpers.ts';
import { openTerminal, shellWord } from './tmux.ts';
import { playDemo } from './bonus-helpers.ts';

afterEach(async () => {
  closeConnections();
  await stopAll();
});

const SERVER = 'chat_server_iii_7.ts';
const CLIENT = 'chat_client_iii_7.ts';

/** A history server on a free port, its file in a fresh folder. */
async function historyServer(env: Record<string, string> = {}, file = join(tempDir(), 'historique.json')) {
  const server = await startChatServer(SERVER, { HISTORY_FILE: file, ...env });
  return { ...server, file };
}

async function joined(port: number, pseudo: string): Promise<WireClient> {
  const client = await connect(port);
  await client.send(`Hello|${pseudo}\n`);
  await client.waitForLine(`Annonce : ${pseudo} a rejoint la chatroom`);
  return client;
}

/** alice says each message; bob, who was there, saw them all: the server has them. */
async function conversation(port: number, messages: string[]): Promise<void> {
  const alice = await joined(port, 'alice');
  const bob = await joined(port, 'bob');
  await alice.send(messages.map((m) => `${m}\n`).join(''));
  for (const m of messages) await bob.waitForLine(`alice a dit : ${m}`);
}

const historyLine = (client: WireClient): unknown =>
  JSON.parse(client.lines.find((line) => line.startsWith('Historique : '))!.slice('Historique : '.length));

/** Waits (polling: a file gives no event to wait on) until `ready()` holds; fails after `timeoutMs`. */
async function eventually(ready: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('chat_server_iii_7 over TCP', () => {
  it('sends a newcomer the last HISTORY_SIZE messages as one JSON line, before its announcement', async () => {
    const { port } = await historyServer({ HISTORY_SIZE: '3' });
    await conversation(port, ['un', 'deux', 'trois', 'quatre', 'cinq']);
    const carol = await connect(port);
    await carol.send('Hello|carol\n');
    await carol.waitForLine('Annonce : carol a rejoint la chatroom');
    expect(carol.lines).toHaveLength(2);
    expect(carol.lines[0]).toMatch(/^Historique : \[/);
    expect(historyLine(carol)).toEqual(
      ['trois', 'quatre', 'cinq'].map((message) => ({ pseudo: 'alice', message })),
    );
  });

  it('a newcomer who joins in the same turn as a message gets it once: in the history or live', async () => {
    const { proc, port } = await historyServer();
    const carol = await connect(port); // first: alice's join makes sure the server accepted her
    const alice = await joined(port, 'alice');
    // alice's message and carol's Hello reach the server in one turn of its loop
    await whileStopped(proc.pid!, async () => {
      await alice.send('avant\n');
      await carol.send('Hello|carol\n');
    });
    await carol.waitForLine('Annonce : carol a rejoint la chatroom');
    await alice.send('après\n');
    await carol.waitForLine('alice a dit : après');
    const remembered = carol.lines.some((line) => line.startsWith('Historique : '))
      ? (historyLine(carol) as { message: string }[]).filter((said) => said.message === 'avant')
      : [];
    const live = carol.lines.filter((line) => line === 'alice a dit : avant');
    expect(remembered.length + live.length).toBe(1);
    // nothing said before she came
    expect(carol.lines[0]).toMatch(/^(Historique : |Annonce : carol a rejoint la chatroom$)/);
    expect(carol.lines.at(-1)).toBe('alice a dit : après');
  });

  it('keeps at most 256 K characters of messages, whatever HISTORY_SIZE says', async () => {
    const { port } = await historyServer();
    const big = 'x'.repeat(60_000);
    await conversation(port, ['petit', ...[1, 2, 3, 4, 5].map((n) => `${n}${big}`)]);
    const carol = await joined(port, 'carol');
    const kept = historyLine(carol) as { message: string }[];
    expect(kept.map((said) => said.message[0])).toEqual(['2', '3', '4', '5']); // the oldest went first
  });

  it('writes nothing per message; writes the file when stopped; a new server reads it at start', async () => {
    const { proc, port, file } = await historyServer({ HISTORY_SAVE_MS: '60000' });
    await conversation(port, ['avant', 'l’arrêt']);
    expect(existsSync(file)).toBe(false); // relayed, remembered, not written
    proc.signal('SIGTERM');
    expect((await proc.waitExit()).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([
      { pseudo: 'alice', message: 'avant' },
      { pseudo: 'alice', message: 'l’arrêt' },
    ]);
    const again = await historyServer({}, file);
    expect(again.proc.stdout).toContain(`History: 2 messages read from ${file}\n`);
    const carol = await joined(again.port, 'carol');
    expect(historyLine(carol)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });

  it('writes the file in the background every HISTORY_SAVE_MS, whole (a .tmp renamed over it)', async () => {
    const { proc, port, file } = await historyServer({ HISTORY_SAVE_MS: '100' });
    await conversation(port, ['en arrière-plan']);
    await eventually(() => existsSync(file), 'the history file');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([{ pseudo: 'alice', message: 'en arrière-plan' }]);
    expect(readdirSync(dirname(file))).toEqual([basename(file)]);
    expect(proc.exit).toBeUndefined();
  });

  it.each([
    ['not JSON', '{oups'],
    ['not a list of messages', '{"pseudo": "alice"}'],
    ['a list of something else', '[1, 2]'],
  ])('a history file that is %s: one line, set aside, served with an empty history', async (_, text) => {
    const file = join(tempDir(), 'historique.json');
    writeFileSync(file, text);
    const { proc, port } = await historyServer({}, file);
    const lines = proc.stdout.split('\n').filter((line) => line.includes('corrupt'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^History .*historique\.json is corrupt \(.+\): set aside as .*\.corrupt-\d+$/);
    const aside = readdirSync(dirname(file)).filter((name) => name.includes('.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dirname(file), aside[0]!), 'utf8')).toBe(text);
    const carol = await joined(port, 'carol');
    expect(carol.lines).toEqual(['Annonce : carol a rejoint la chatroom']);
    expect(proc.stderr).toBe('');
  });

  it('refuses HISTORY_SIZE=abc in one line', async () => {
    const proc = startStepFile(SERVER, { HOST: '127.0.0.1', PORT: '0', HISTORY_SIZE: 'abc' });
    await expectOneLineError(proc, 2, /^Erreur : HISTORY_SIZE=abc n'est pas un nombre entier positif$/);
  });
});

describe('what 06 guarantees still holds in chat_server_iii_7', () => {
  it('a connection without a Hello is closed after HELLO_TIMEOUT_MS; the one over MAX_CLIENTS is refused', async () => {
    const { port } = await historyServer({ HELLO_TIMEOUT_MS: '300', MAX_CLIENTS: '2' });
    const alice = await joined(port, 'alice');
    const silent = await connect(port);
    const over = await connect(port);
    await over.waitForClose();
    expect(over.text).toBe('Erreur : la chatroom est pleine (2 connexions)\n');
    await silent.waitForClose(5_000);
    expect(silent.text).toBe('Erreur : aucun Hello|<PSEUDO> reçu en 0.3 s\n');
    expect(alice.ended).toBe(false);
  });

  it('its console shows what a client sends harmlessly, and a pseudo cannot be taken twice', async () => {
    const { proc, port } = await historyServer();
    await joined(port, 'eve');
    const twin = await connect(port);
    await twin.send('Hello|eve\n');
    await twin.waitForClose();
    expect(twin.text).toBe('Erreur : le pseudo eve est déjà pris\n');
    const eve2 = await joined(port, 'eve2');
    await eve2.send('hi\x1b[2J\u202e fin\n');
    await proc.waitFor(' fin\n');
    expect(proc.stdout).toContain(' : hi\\x1b[2J\\u202e fin\n');
  });

  it.each([SERVER, CLIENT])('%s refuses PORT=abc in one line', async (file) => {
    const proc = startStepFile(file, { HOST: '127.0.0.1', PORT: 'abc' });
    proc.endInput();
    await expectOneLineError(proc, 2, /^Erreur : PORT=abc n'est pas un numéro de port$/);
  });
});

describe('chat_client_iii_7', () => {
  /** A fake server that answers the Hello with `lines`, and the client's output (not a terminal). */
  async function clientReceiving(lines: string[]): Promise<Proc> {
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.write(lines.join('')));
      socket.on('error', () => {});
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = startStepFile(CLIENT, {
      HOST: '127.0.0.1',
      PORT: String((server.address() as net.AddressInfo).port),
    });
    void client.exited.then(() => server.close());
    client.write('zoe\n');
    return client;
  }

  it('shows the history as it was said, harmlessly, then the live messages; even cut across reads', async () => {
    const long = 'y'.repeat(300_000); // several TCP reads
    const history = [
      { pseudo: 'alice', message: 'rouge \x1b[31m et \u202eenvers' },
      { pseudo: 'bob', message: long },
    ];
    const client = await clientReceiving([
      `Historique : ${JSON.stringify(history)}\n`,
      'Annonce : zoe a rejoint la chatroom\n',
    ]);
    await client.waitFor('Annonce : zoe a rejoint la chatroom');
    expect(client.stdout.split('\n').slice(0, 4)).toEqual([
      'Historique (2 messages) :',
      'alice a dit : rouge \\x1b[31m et \\u202eenvers',
      `bob a dit : ${long}`,
      'Annonce : zoe a rejoint la chatroom',
    ]);
  });

  it('shows a "Historique : " line that is not a history as it came', async () => {
    const client = await clientReceiving([
      'Historique : pas du json\n',
      'Annonce : zoe a rejoint la chatroom\n',
    ]);
    await client.waitFor('Annonce : zoe a rejoint la chatroom');
    expect(client.stdout).toMatch(/^Historique : pas du json\nAnnonce : zoe/);
  });

  it('in a terminal (tmux): the history above the announcement, then the prompt', async () => {
    const { port } = await historyServer();
    await conversation(port, ['premier', 'second']);
    const command = ['env', 'HOST=127.0.0.1', `PORT=${port}`, ...stepCommand(CLIENT)];
    const terminal = openTerminal(command.map(shellWord).join(' '), { cwd: ROOT });
    await terminal.waitFor((lines) => lines.at(-1) === 'Pseudo :', 15_000);
    terminal.type('zoe');
    terminal.type('Enter', { literal: false });
    await terminal.waitFor((lines) => lines.at(-1) === '>' && lines.includes('alice a dit : second'));
    expect(terminal.lines()).toEqual([
      'Pseudo : zoe',
      'Historique (2 messages) :',
      'alice a dit : premier',
      'alice a dit : second',
      'Annonce : zoe a rejoint la chatroom',
      '>',
    ]);
    terminal.kill();
  });
});

it('`npm run step 13` plays its scenario to the end, history across a restart, and removes its folder', async () => {
  const out = await playDemo('13');
  expect(out).toMatch(/^carol +\| bob a dit : ok, je t'attends$/m);
  const file = out.match(/History: 3 messages read from (\S+)/)![1]!;
  expect(existsSync(dirname(file))).toBe(false);
});
