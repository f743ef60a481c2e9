// A real terminal for the tests: a tmux session on a private socket, driven with send-keys and read
// with capture-pane. Each session is killed when the test file is done.
import { execFileSync } from 'node:child_process';
import { afterAll } from 'vitest';

const sockets: string[] = [];

export interface Terminal {
  /** Types keys (tmux key names such as `Enter` or `C-c` are allowed with `literal: false`). */
  type(keys: string, options?: { literal?: boolean }): void;
  /** The screen's text; with `escapes`, its colours and attributes too, as escape sequences (`capture-pane -e`). */
  screen(options?: { escapes?: boolean }): string;
  /** The pane's title, as a program may set it (`\x1b]0;…\x07`). */
  title(): string;
  /** Appends everything the program writes to the terminal from now on to `file` (`pipe-pane`). */
  record(file: string): void;
  /** The screen's non-empty lines, trailing blanks trimmed. */
  lines(): string[];
  /**
   * Polls the screen until it shows `pattern`, or until `pattern(lines)` holds (a terminal gives no event
   * to wait on); resolves with the screen's text.
   */
  waitFor(pattern: RegExp | string | ((lines: string[]) => boolean), timeoutMs?: number): Promise<string>;
  kill(): void;
}

/** Quotes a word for the shell tmux runs the command with. */
export function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function openTerminal(
  command: string,
  { cwd, width = 120, height = 30 }: { cwd: string; width?: number; height?: number },
): Terminal {
  const socket = `tp6-${process.pid}-${sockets.length}-${Date.now()}`;
  sockets.push(socket);
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'C.UTF-8' },
    });
  tmux('new-session', '-d', '-s', 'main', '-x', String(width), '-y', String(height), '-c', cwd, command);
  const screen = ({ escapes = false } = {}): string =>
    tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'main');
  const linesOf = (text: string): string[] =>
    text
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '');
  return {
    type(keys, { literal = true } = {}) {
      tmux('send-keys', '-t', 'main', ...(literal ? ['-l', keys] : [keys]));
    },
    screen,
    title: () => tmux('display-message', '-p', '-t', 'main', '#{pane_title}').trimEnd(),
    record(file) {
      tmux('pipe-pane', '-t', 'main', `cat >> ${shellWord(file)}`);
    },
    lines: () => linesOf(screen()),
    async waitFor(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        let text = '';
        try {
          text = screen();
        } catch {
          // the session ended: the last screen is gone with it
        }
        const shown =
          typeof pattern === 'function'
            ? pattern(linesOf(text))
            : typeof pattern === 'string'
              ? text.includes(pattern)
              : pattern.test(text);
        if (shown) return text;
        if (Date.now() > deadline) throw new Error(`terminal never showed ${pattern}; screen:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
}

afterAll(() => {
  for (const socket of sockets) {
    try {
      execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});
