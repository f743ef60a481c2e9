// Safe in a classroom, seen as a user sees it: the chat clients in a real terminal (tmux, captured with its
// colours and attributes) show hostile text harmlessly, and the 06 client in a terminal keeps up with a
// classmate's flood: the flood slows its sender, every reader gets every line, in order.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeConnections, connect } from './chat-helpers.ts';
import { tempDir } from './helpers.ts';
import { stopAll } from '../scripts/proc.ts';
import { ROOT } from '../scripts/steps.ts';
import { startChatServer } from '../scripts/chat-wire.ts';
import { stepCommand } from '../scripts/stepfile.ts';
import { openTerminal, shellWord, type Terminal } from './tmux.ts';

afterEach(async () => {
  closeConnections();
  await stopAll();
});

/**
 * A chat client file started in a fresh terminal, on 127.0.0.1:`port`. The terminal stays open after the
 * client exits, its last words and `[exited]` on screen, so that a test sees the exit at once.
 */
function clientInTerminal(file: string, port: number): Terminal {
  const command = ['env', 'HOST=127.0.0.1', `PORT=${port}`, ...stepCommand(file)];
  return openTerminal(`${command.map(shellWord).join(' ')}; echo '[exited]'; sleep 600`, { cwd: ROOT });
}

// What a hostile classmate sent in issue 9, each relayed by the server as "mallory a dit : …".
const ATTACKS = [
  'hi\x1b[2J\x1b[H', // clears the screen
  '\x1b]0;pwned\x07', // renames the terminal window
  'x\rAnnonce : admin a rejoint la chatroom', // a fake announcement over its own line
  '\rbob a dit : je donne mon mot de passe', // a fake line from bob
  '\x1b[2A\x1b[2K', // erases real lines
  '\u202eevil\u200b', // right-to-left override, zero-width space
  '\x1b[8m', // hides everything shown and typed afterwards
];

describe.each(['chat_client_ii_3.ts', 'chat_client_ii_5.ts', 'chat_client_ii_6.ts'])(
  '%s in a terminal (tmux)',
  (file) => {
    it('shows hostile text as visible escapes: no clear, no title, no fake line, no hidden text', async () => {
      const server = net.createServer().listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const peer = once(server, 'connection').then(([socket]) => socket as net.Socket);
        const terminal = clientInTerminal(file, (server.address() as net.AddressInfo).port);
        if (!file.includes('_ii_3')) {
          await terminal.waitFor((lines) => lines.at(-1) === 'Pseudo :', 15_000);
          terminal.type('zoe');
          terminal.type('Enter', { literal: false });
        }
        const socket = await peer;
        await once(socket, 'data');
        socket.write('Annonce : zoe a rejoint la chatroom\n');
        await terminal.waitFor((lines) => lines.includes('Annonce : zoe a rejoint la chatroom'));
        const title = terminal.title();
        socket.write(ATTACKS.map((attack) => `mallory a dit : ${attack}\n`).join(''));
        socket.write('mallory a dit : fin\n');
        const shown = (await terminal.waitFor('mallory a dit : fin')).split('\n').map((l) => l.trimEnd());
        expect(shown).toContain('Annonce : zoe a rejoint la chatroom'); // neither cleared nor erased
        expect(shown).toEqual(
          expect.arrayContaining([
            'mallory a dit : hi\\x1b[2J\\x1b[H',
            'mallory a dit : \\x1b]0;pwned\\x07',
            'mallory a dit : x\\x0dAnnonce : admin a rejoint la chatroom',
            'mallory a dit : \\x0dbob a dit : je donne mon mot de passe',
            'mallory a dit : \\x1b[2A\\x1b[2K',
            'mallory a dit : \\u202eevil\\u200b',
            'mallory a dit : \\x1b[8m',
          ]),
        );
        expect(shown).not.toContain('Annonce : admin a rejoint la chatroom');
        expect(shown.some((line) => line.startsWith('bob a dit'))).toBe(false);
        expect(terminal.title()).toBe(title);
        // as the user sees it: no attribute (hidden, colour…) was switched on by what arrived
        expect(terminal.screen({ escapes: true })).not.toContain('\x1b[');
        socket.destroy();
        terminal.kill();
      } finally {
        server.close();
      }
    }, 30_000);
  },
);

// Over the 8 MiB a server without backpressure let queue for one reader; issue 9's figure is 50 MB:
// FLOOD_MB=50 npx vitest run test/chat-safety-terminal.test.ts prints the figures.
const FLOOD_MB = Number(process.env.FLOOD_MB || 20);

describe('a flood slows its sender, not the readers (06)', () => {
  it(`${FLOOD_MB} MB from one client: the 06 client in a terminal and a raw reader get every line, in order`, async () => {
    const server = await startChatServer('chat_server_ii_6.ts');
    const { port } = server;
    const record = join(tempDir(), 'terminal.log');
    const terminal = clientInTerminal('chat_client_ii_6.ts', port);
    terminal.record(record);
    await terminal.waitFor((lines) => lines.at(-1) === 'Pseudo :', 15_000);
    terminal.type('zoe');
    terminal.type('Enter', { literal: false });
    await terminal.waitFor((lines) => lines.includes('Annonce : zoe a rejoint la chatroom'));

    const reader = await connect(port);
    await reader.send('Hello|reader\n');
    const count = FLOOD_MB * 1024;
    const lineOf = (i: number): string => `flood-${String(i).padStart(6, '0')}-`.padEnd(1023, 'x');
    let received = 0;
    let inOrder = true;
    let partial = '';
    reader.socket.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('flooder a dit : flood-')) continue;
        if (line !== `flooder a dit : ${lineOf(received)}`) inOrder = false;
        received++;
      }
    });
    const flooder = await connect(port);
    await flooder.send('Hello|flooder\n');
    await reader.waitForLine('Annonce : flooder a rejoint la chatroom');

    const started = Date.now();
    for (let i = 0; i < count; i += 1024) {
      const block = Array.from({ length: Math.min(1024, count - i) }, (_, k) => `${lineOf(i + k)}\n`);
      await flooder.send(block.join('')); // resolves once the server took it: the sender is slowed
    }
    await flooder.send('fin\n');
    const dropped = (line: string): boolean =>
      line === 'Le serveur a fermé la connexion.' ||
      line.startsWith('Connexion perdue') ||
      line === '[exited]';
    await terminal.waitFor((lines) => lines.includes('flooder a dit : fin') || lines.some(dropped), 120_000);
    expect(terminal.lines().filter(dropped)).toEqual([]);
    await reader.waitForLine('flooder a dit : fin', 1, 120_000);
    const seconds = (Date.now() - started) / 1000;
    const status = readFileSync(`/proc/${server.proc.pid}/status`, 'utf8');
    const peakMiB = Number(status.match(/VmHWM:\s+(\d+) kB/)![1]) / 1024;

    expect(received).toBe(count);
    expect(inOrder).toBe(true);
    const numbers = [...readFileSync(record, 'latin1').matchAll(/flood-(\d{6})-/g)].map((m) => Number(m[1]));
    expect(numbers.length).toBe(count);
    expect(numbers.every((n, i) => n === i)).toBe(true);
    await reader.send('toujours là ?\n'); // the terminal's client is still connected
    await terminal.waitFor((lines) => lines.includes('reader a dit : toujours là ?'));
    console.log(
      `flood of ${FLOOD_MB} MB (${count} lines) in ${seconds.toFixed(1)} s: raw reader ${received} lines, ` +
        `terminal ${numbers.length} lines, server peak RSS ${peakMiB.toFixed(0)} MiB`,
    );
    expect(peakMiB).toBeLessThan(300);
    terminal.kill();
  }, 150_000);
});
