// Step 11 over real TCP: messages arrive whole whatever they hold and however many are sent at once; a bad
// or oversized frame drops only its sender, with a line in the server's console.
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { once } from 'node:events';
import { stopAll } from '../scripts/proc.ts';
import { ROOT } from '../scripts/steps.ts';
import { stepCommand } from '../scripts/stepfile.ts';
import { openTerminal, shellWord } from './tmux.ts';
import { startChatServer } from '../scripts/chat-wire.ts';
import { FramedConnection } from '../scripts/frame-wire.ts';
import { decodeRelay, encodeFrame, encodeRelay, HELLO, MESSAGE, RELAY, TEXT } from '../scripts/frames.ts';

const SERVER = 'chat_server_iii_5.ts';
const CLIENT = 'chat_client_iii_5.ts';
const opened: FramedConnection[] = [];

afterEach(async () => {
  for (const connection of opened.splice(0)) connection.destroy();
  await stopAll();
});

async function join(
  port: number,
  pseudo: string,
  others: FramedConnection[] = [],
): Promise<FramedConnection> {
  const connection = await FramedConnection.connect(port);
  opened.push(connection);
  const marks = others.map((other) => other.frames.length);
  connection.send(HELLO, pseudo);
  const announcement = `Annonce : ${pseudo} a rejoint la chatroom`;
  await connection.waitForShown(announcement);
  await Promise.all(others.map((other, i) => other.waitForShown(announcement, { from: marks[i] })));
  return connection;
}

/** The RELAY frames received after frame number `from`, as [pseudo, message bytes]. */
function relays(connection: FramedConnection, from = 0): [string, Buffer][] {
  return connection.frames
    .slice(from)
    .filter((frame) => frame.type === RELAY)
    .map((frame) => {
      const { pseudo, message } = decodeRelay(frame.payload);
      return [pseudo, message];
    });
}

describe('11 · the server relays frames whole', () => {
  it('a 1 MB message of any bytes, newlines included, reaches the others whole (the long form)', async () => {
    const { port } = await startChatServer(SERVER);
    const alice = await join(port, 'alice');
    const bob = await join(port, 'bob', [alice]);
    const carol = await join(port, 'carol', [alice, bob]);
    const message = Buffer.concat([Buffer.from('début\n\r\n'), randomBytes(1_000_000), Buffer.from('\nfin')]);
    alice.send(MESSAGE, message);
    for (const reader of [bob, carol]) {
      await reader.until(() => relays(reader).length === 1, 'the relay of the big message');
      const [[pseudo, received]] = relays(reader) as [[string, Buffer]];
      expect(pseudo).toBe('alice');
      expect(received.equals(message)).toBe(true);
    }
    expect(alice.frames.filter((frame) => frame.type === RELAY)).toEqual([]); // no echo
  });

  it('100,000 small messages written at once arrive as 100,000 relays, in order, whole', async () => {
    const { port } = await startChatServer(SERVER);
    const alice = await join(port, 'alice');
    const bob = await join(port, 'bob', [alice]);
    const messages = Array.from({ length: 100_000 }, (_, i) => (i % 7 === 0 ? `${i}\nligne` : `m${i}`));
    alice.write(Buffer.concat(messages.map((message) => encodeFrame(MESSAGE, message))));
    await bob.until(() => bob.frames.length >= 1 + messages.length, 'every relay', 25_000);
    const received = relays(bob).map(([pseudo, message]) => `${pseudo}:${message.toString()}`);
    expect(received.length).toBe(messages.length);
    expect(received).toEqual(messages.map((message) => `alice:${message}`));
  }, 40_000);

  it('a frame cut byte by byte over many writes still arrives whole', async () => {
    const { port } = await startChatServer(SERVER);
    const alice = await join(port, 'alice');
    const bob = await join(port, 'bob', [alice]);
    alice.socket.setNoDelay(true);
    const frame = encodeFrame(MESSAGE, 'petit à petit');
    for (const byte of frame) alice.write(Buffer.of(byte));
    await bob.waitForShown('alice a dit : petit à petit');
  });
});

describe('11 · a bad frame drops its sender only, with a line in the console', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['an unknown type', encodeFrame(9, 'x'), /Dropped 127\.0\.0\.1:\d+: a frame of type 9/],
    ['a bad length of length', Buffer.from([MESSAGE, 0xff, 0xff, 0]), /Dropped .*: a length of 0 bytes/],
    [
      'a header announcing 1 GiB (nothing else sent)',
      Buffer.from([MESSAGE, 0xff, 0xff, 4, 0x40, 0, 0, 0]),
      /Dropped .*: a frame of 1073741824 bytes \(2097152 at most\)/,
    ],
  ];
  it.each(cases)('%s', async (_what, bad, line) => {
    const { proc, port } = await startChatServer(SERVER);
    const alice = await join(port, 'alice');
    const bob = await join(port, 'bob', [alice]);
    const mallory = await join(port, 'mallory', [alice, bob]);
    const mark = alice.frames.length;
    mallory.write(bad);
    await mallory.waitForClose();
    await alice.waitForShown('Annonce : mallory a quitté la chatroom', { from: mark });
    await proc.waitFor(line);
    bob.send(MESSAGE, 'toujours là');
    await alice.waitForShown('bob a dit : toujours là');
    expect(proc.output).not.toMatch(/^\s+at /m);
  });

  it('a first frame that is not a Hello is dropped before it joins', async () => {
    const { proc, port } = await startChatServer(SERVER);
    const alice = await join(port, 'alice');
    const intruder = await FramedConnection.connect(port);
    opened.push(intruder);
    intruder.send(MESSAGE, 'coucou');
    await intruder.waitForClose();
    await proc.waitFor(/Dropped .*: a first frame of type 2, not a Hello/);
    expect(alice.shown()).toEqual(['Annonce : alice a rejoint la chatroom']);
  });

  it('a pseudo already taken gets the error in a TEXT frame, then the close', async () => {
    const { port } = await startChatServer(SERVER);
    await join(port, 'alice');
    const twin = await FramedConnection.connect(port);
    opened.push(twin);
    twin.send(HELLO, 'alice');
    await twin.waitForClose();
    expect(twin.shown()).toEqual(['Erreur : le pseudo alice est déjà pris']);
  });
});

describe('11 · the classroom rules of step 06 still hold, in frames', () => {
  it('a pseudo with a control character or a "|" is refused with the error in a TEXT frame', async () => {
    const { port } = await startChatServer(SERVER);
    for (const pseudo of ['bo\x1b[2Jb', 'a|b', '']) {
      const connection = await FramedConnection.connect(port);
      opened.push(connection);
      connection.send(HELLO, pseudo);
      await connection.waitForClose();
      expect(connection.shown()).toEqual([
        'Erreur : le pseudo doit avoir de 1 à 32 caractères, sans | ni : ni caractère de contrôle',
      ]);
    }
  });

  it('the console shows what a message holds harmlessly; the others get its bytes as they came', async () => {
    const { proc, port } = await startChatServer(SERVER);
    const alice = await join(port, 'alice');
    const bob = await join(port, 'bob', [alice]);
    alice.send(MESSAGE, 'hi\x1b[2J\u202e');
    await bob.waitForShown('alice a dit : hi\x1b[2J\u202e');
    await proc.waitFor('Message received from 127.0.0.1:');
    expect(proc.stdout).toContain(' : hi\\x1b[2J\\u202e\n');
    expect(proc.stdout).not.toContain('\x1b');
  });

  it('a connection that sends no Hello in time is sent away; one over MAX_CLIENTS is refused', async () => {
    const { port } = await startChatServer(SERVER, { HELLO_TIMEOUT_MS: '300', MAX_CLIENTS: '1' });
    const silent = await FramedConnection.connect(port);
    const extra = await FramedConnection.connect(port);
    opened.push(silent, extra);
    await extra.waitForClose();
    expect(extra.shown()).toEqual(['Erreur : la chatroom est pleine (1 connexions)']);
    await silent.waitForClose();
    expect(silent.shown()).toEqual(['Erreur : aucun Hello reçu en 0.3 s']);
  });
});

describe('11 · the client in a terminal (tmux)', () => {
  it('shows hostile text in a relay as visible escapes, newlines inside a message included', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const peer = once(server, 'connection').then(([socket]) => new FramedConnection(socket as net.Socket));
      const port = (server.address() as net.AddressInfo).port;
      const command = ['env', 'HOST=127.0.0.1', `PORT=${port}`, ...stepCommand(CLIENT)];
      const terminal = openTerminal(command.map(shellWord).join(' '), { cwd: ROOT, width: 100 });
      await terminal.waitFor((lines) => lines.at(-1) === 'Pseudo :', 15_000);
      terminal.type('zoe');
      terminal.type('Enter', { literal: false });
      const zoe = await peer;
      opened.push(zoe);
      await zoe.until(() => zoe.frames.length > 0, 'the Hello frame');
      zoe.write(encodeFrame(TEXT, 'Annonce : zoe a rejoint la chatroom'));
      await terminal.waitFor('Annonce : zoe a rejoint la chatroom');
      zoe.write(
        encodeFrame(RELAY, encodeRelay('mallory', 'hi\x1b[2J\x1b[H\rAnnonce : admin\nbob a dit : 1234')),
      );
      zoe.write(encodeFrame(TEXT, 'fin'));
      const shown = (await terminal.waitFor(/^fin$/m)).split('\n').map((line) => line.trimEnd());
      expect(shown).toContain('Annonce : zoe a rejoint la chatroom'); // not cleared
      expect(shown).toContain('mallory a dit : hi\\x1b[2J\\x1b[H\\x0dAnnonce : admin\\x0abob a dit : 1234');
      expect(shown.filter((line) => line.startsWith('bob a dit'))).toEqual([]);
      terminal.kill();
    } finally {
      server.close();
    }
  });
});
