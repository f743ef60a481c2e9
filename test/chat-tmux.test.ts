// The 06 client in a real terminal (tmux): a message that arrives while the user is typing shows up above
// the input line, and the half-typed line is still there, intact, ready to be finished and sent.
import { describe, expect, it } from 'vitest';
import { TSX_IMPORT } from '../scripts/proc.ts';
import { ROOT, filePath } from '../scripts/steps.ts';
import { WireClient, startChatServer } from '../scripts/chat-wire.ts';
import './helpers.ts';
import { openTerminal, shellWord } from './tmux.ts';

const lastLine = (lines: string[]): string => lines.at(-1) ?? '';

describe('the 06 client in a terminal (tmux)', () => {
  it('shows an incoming message above the half-typed line, which stays intact and is then sent', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    const watcher = await WireClient.connect(port);
    await watcher.send('Hello|watcher\n');
    await watcher.waitForLine('Annonce : watcher a rejoint la chatroom');

    const command = [
      'env',
      'HOST=127.0.0.1',
      `PORT=${port}`,
      process.execPath,
      '--import',
      TSX_IMPORT,
      filePath('chat_client_ii_6.ts'),
    ];
    const terminal = openTerminal(command.map(shellWord).join(' '), { cwd: ROOT });

    await terminal.waitFor((lines) => lastLine(lines) === 'Pseudo :', 15_000);
    terminal.type('zoe');
    terminal.type('Enter', { literal: false });
    await watcher.waitForLine('Annonce : zoe a rejoint la chatroom', 1, 15_000);
    await terminal.waitFor(
      (lines) => lines.includes('Annonce : zoe a rejoint la chatroom') && lastLine(lines) === '>',
    );

    terminal.type('bonjour à tou');
    await terminal.waitFor((lines) => lastLine(lines) === '> bonjour à tou');

    await watcher.send('coucou zoe, tu es là ?\n');
    await terminal.waitFor((lines) => lines.includes('watcher a dit : coucou zoe, tu es là ?'));
    const shown = terminal.lines();
    expect(shown.at(-2)).toBe('watcher a dit : coucou zoe, tu es là ?'); // above the input line, on a line of its own
    expect(shown.at(-1)).toBe('> bonjour à tou'); // the half-typed line, intact

    // the cursor stayed where it was in the line: move it back 3 characters and type there
    for (let i = 0; i < 3; i++) terminal.type('Left', { literal: false });
    await watcher.send('encore moi\n');
    await terminal.waitFor((lines) => lines.includes('watcher a dit : encore moi'));
    terminal.type('x');
    await terminal.waitFor((lines) => lastLine(lines) === '> bonjour à xtou');
    terminal.type('End', { literal: false });
    terminal.type('s');
    terminal.type('Enter', { literal: false });
    await watcher.waitForLine('zoe a dit : bonjour à xtous', 1, 15_000);
    await terminal.waitFor((lines) => lastLine(lines) === '>');

    terminal.type('C-c', { literal: false }); // leaves cleanly: the others see it
    await watcher.waitForLine('Annonce : zoe a quitté la chatroom', 1, 15_000);
    watcher.socket.destroy();
  });
});
