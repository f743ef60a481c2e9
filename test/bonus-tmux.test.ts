// The 09 and 10 clients in a real terminal (tmux): 09 says where it connected before asking for the pseudo,
// then behaves as 06 (a message shows above the half-typed line, hostile text stays text) while it logs;
// 10 is the same client, told where to go by its options.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startChatServer, WireClient } from '../scripts/chat-wire.ts';
import { stepCommand } from '../scripts/stepfile.ts';
import { ROOT } from '../scripts/steps.ts';
import { tempDir } from './helpers.ts';
import { openTerminal, shellWord } from './tmux.ts';

const lastLine = (lines: string[]): string => lines.at(-1) ?? '';

async function watcherOn(port: number): Promise<WireClient> {
  const watcher = await WireClient.connect(port);
  await watcher.send('Hello|watcher\n');
  await watcher.waitForLine('Annonce : watcher a rejoint la chatroom');
  return watcher;
}

describe('the bonus clients in a terminal (tmux)', () => {
  it('09: "Connecté à", the pseudo, a message above the half-typed line, hostile text shown as text', async () => {
    const { port } = await startChatServer('chat_server_iii_3.ts', { LOG_DIR: tempDir() });
    const watcher = await watcherOn(port);
    const logs = tempDir();
    const command = ['env', `PORT=${port}`, `LOG_DIR=${logs}`, ...stepCommand('chat_client_iii_3.ts')];
    const terminal = openTerminal(command.map(shellWord).join(' '), { cwd: ROOT });
    await terminal.waitFor((lines) => lastLine(lines) === 'Pseudo :', 15_000);
    expect(terminal.lines()).toEqual(['Pseudo :']); // the pseudo first, then the connection
    terminal.type('zoe');
    terminal.type('Enter', { literal: false });
    await watcher.waitForLine('Annonce : zoe a rejoint la chatroom', 1, 15_000);
    await terminal.waitFor((lines) => lines.includes(`Connecté à 127.0.0.1:${port}`));
    await terminal.waitFor((lines) => lastLine(lines) === '>');
    terminal.type('bonjour à tou');
    await terminal.waitFor((lines) => lastLine(lines) === '> bonjour à tou');
    await watcher.send('coucou \x1b[31mrouge\x1b[0m\n');
    await terminal.waitFor((lines) => lines.includes('watcher a dit : coucou \\x1b[31mrouge\\x1b[0m'));
    expect(lastLine(terminal.lines())).toBe('> bonjour à tou');
    expect(terminal.screen({ escapes: true })).not.toContain('\x1b[31m');
    terminal.type('s');
    terminal.type('Enter', { literal: false });
    await watcher.waitForLine('zoe a dit : bonjour à tous', 1, 15_000);
    terminal.type('C-c', { literal: false });
    await watcher.waitForLine('Annonce : zoe a quitté la chatroom', 1, 15_000);
    watcher.socket.destroy();
    const log = readFileSync(join(logs, 'client.log'), 'utf8');
    expect(log).toContain(' Sent: bonjour à tous\n');
    expect(log).toContain(' Received: watcher a dit : coucou \\x1b[31mrouge\\x1b[0m\n');
  });

  it('10: told where to go by -p, over PORT in its environment, the same chat', async () => {
    const { port } = await startChatServer('chat_server_iii_4.ts');
    const watcher = await watcherOn(port);
    const command = ['env', 'PORT=1', ...stepCommand('chat_client_iii_4.ts', ['-p', String(port)])];
    const terminal = openTerminal(command.map(shellWord).join(' '), { cwd: ROOT });
    await terminal.waitFor((lines) => lastLine(lines) === 'Pseudo :', 15_000);
    terminal.type('zoe');
    terminal.type('Enter', { literal: false });
    await watcher.waitForLine('Annonce : zoe a rejoint la chatroom', 1, 15_000);
    await terminal.waitFor(
      (lines) => lines.includes('Annonce : zoe a rejoint la chatroom') && lastLine(lines) === '>',
    );
    terminal.type('C-c', { literal: false });
    await watcher.waitForLine('Annonce : zoe a quitté la chatroom', 1, 15_000);
    watcher.socket.destroy();
  });
});
