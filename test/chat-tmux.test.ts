// The 06 client in a real terminal (tmux): a message that arrives while the user is typing shows up above
// the input line, and the half-typed line is still there, intact, ready to be finished and sent.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TSX_IMPORT, stopAll } from '../scripts/proc.ts';
import { filePath } from '../scripts/steps.ts';
import { WireClient, startChatServer } from '../scripts/chat-wire.ts';

const hasTmux = ((): boolean => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const name = `tp6-chat-${randomUUID().slice(0, 8)}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', name, ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } });
const screen = (): string[] => tmux('capture-pane', '-p', '-t', name).split('\n').map((line) => line.trimEnd());
const shell = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/** Polls the screen (what a user sees) until `ok` holds. */
async function until(ok: (lines: string[]) => boolean, what: string, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = screen();
    if (ok(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`the screen never showed ${what}:\n${lines.join('\n')}`);
    await sleep(50);
  }
}

const lastLine = (lines: string[]): string => lines.filter((line) => line !== '').at(-1) ?? '';

let watcher: WireClient | undefined;
afterEach(async () => {
  try {
    tmux('kill-server');
  } catch {
    // the session already ended with the client
  }
  watcher?.socket.destroy();
  await stopAll();
});

describe.skipIf(!hasTmux)('the 06 client in a terminal (tmux)', () => {
  it('shows an incoming message above the half-typed line, which stays intact and is then sent', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    watcher = await WireClient.connect(port);
    await watcher.send('Hello|watcher\n');
    await watcher.waitForLine('Annonce : watcher a rejoint la chatroom');

    const command = ['env', 'HOST=127.0.0.1', `PORT=${port}`, process.execPath, '--import', TSX_IMPORT, filePath('chat_client_ii_6.ts')];
    tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '30', command.map(shell).join(' '));

    await until((lines) => lastLine(lines) === 'Pseudo :', 'the pseudo prompt');
    tmux('send-keys', '-t', name, '-l', 'zoe');
    tmux('send-keys', '-t', name, 'Enter');
    await watcher.waitForLine('Annonce : zoe a rejoint la chatroom', 1, 15_000);
    await until((lines) => lines.includes('Annonce : zoe a rejoint la chatroom') && lastLine(lines) === '>', 'the chat prompt');

    tmux('send-keys', '-t', name, '-l', 'bonjour à tou');
    await until((lines) => lastLine(lines) === '> bonjour à tou', 'the half-typed line');

    await watcher.send('coucou zoe, tu es là ?\n');
    const lines = await until((l) => l.includes('watcher a dit : coucou zoe, tu es là ?'), 'the incoming message');
    const shown = lines.filter((line) => line !== '');
    expect(shown.at(-2)).toBe('watcher a dit : coucou zoe, tu es là ?'); // above the input line, on a line of its own
    expect(shown.at(-1)).toBe('> bonjour à tou'); // the half-typed line, intact

    tmux('send-keys', '-t', name, '-l', 's');
    tmux('send-keys', '-t', name, 'Enter');
    await watcher.waitForLine('zoe a dit : bonjour à tous', 1, 15_000);
    expect(screen().filter((line) => line !== '').at(-1)).toBe('>');

    tmux('send-keys', '-t', name, 'C-c'); // leaves cleanly: the others see it
    await watcher.waitForLine('Annonce : zoe a quitté la chatroom', 1, 15_000);
  });
});
