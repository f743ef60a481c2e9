// Nobody holds the room: a reader that trickles (reads a little, often, but stays behind) is let go once it
// has stayed over the high-water mark for STUCK_MS, and the others talk again; and a client connects only
// once its pseudo is typed, so that a server's Hello deadline never closes a student still typing it.
import net from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startChatServer } from '../scripts/chat-wire.ts';
import { stepCommand } from '../scripts/stepfile.ts';
import { ROOT } from '../scripts/steps.ts';
import { connect } from './chat-helpers.ts';
import { openTerminal, shellWord } from './tmux.ts';

async function joined(port: number, pseudo: string) {
  const client = await connect(port);
  await client.send(`Hello|${pseudo}`);
  await client.waitForLine(`Annonce : ${pseudo} a rejoint la chatroom`);
  return client;
}

describe('06 · nobody holds the room', () => {
  it('a trickling reader over the mark is let go after STUCK_MS, and the others talk again', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts', { STUCK_MS: '1500' });
    const trickler = await joined(port, 'lente');
    const reader = await joined(port, 'lecteur');
    const flooder = await joined(port, 'flot');
    const talker = await joined(port, 'bavard');
    // the trickler takes one chunk every 100 ms: never nothing, always behind
    trickler.socket.pause();
    const trickle = setInterval(() => trickler.socket.read(1024), 100);
    try {
      const line = `${'x'.repeat(1000)}\n`;
      await flooder.send(line.repeat(20_000)); // 20 MB: more than the kernel's buffers, far over the 1 MiB mark
      // let go by the server: the others hear that it left (its own socket, paused, would learn it last)
      await reader.waitForLine('Annonce : lente a quitté la chatroom', 1, 15_000);
      for (let i = 0; i < 5; i++) await talker.send(`message ${i}\n`);
      await reader.waitForLine('bavard a dit : message 4', 1, 15_000);
      await reader.waitForLine(`flot a dit : ${'x'.repeat(1000)}`, 20_000, 15_000); // every line, for the others
    } finally {
      clearInterval(trickle);
    }
  });
});

describe.each(['chat_client_ii_5.ts', 'chat_client_ii_6.ts'])('%s', (file) => {
  it('asks the pseudo before it connects (the Hello deadline starts with the connection)', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    let connections = 0;
    const hello = new Promise<string>((resolve) =>
      server.on('connection', (socket) => {
        connections++;
        socket.setEncoding('utf8').once('data', resolve);
      }),
    );
    const { port } = server.address() as net.AddressInfo;
    const command = ['env', 'HOST=127.0.0.1', `PORT=${port}`, ...stepCommand(file)];
    const terminal = openTerminal(command.map(shellWord).join(' '), { cwd: ROOT });
    try {
      await terminal.waitFor((lines) => lines.at(-1) === 'Pseudo :', 15_000);
      expect(connections).toBe(0); // the prompt is on screen, and nothing has connected yet
      terminal.type('zoe');
      terminal.type('Enter', { literal: false });
      expect(await hello).toBe('Hello|zoe');
      expect(connections).toBe(1);
    } finally {
      terminal.kill();
      server.close();
    }
  });
});
