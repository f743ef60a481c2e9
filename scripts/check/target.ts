// The program under test: started by the checker in its own process group, with HOST and PORT in its
// environment, and always stopped at the end (the session's cleanup, also on Ctrl+C via proc.ts).
import { start, describeExit, type Proc } from '../proc.ts';
import { UsageError } from '../cli.ts';
import { Peer } from './tcp.ts';

export interface TargetOptions {
  command: readonly string[];
  cwd: string;
  env?: Record<string, string>;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Starts the command; Python's output is unbuffered so that its prints arrive when they happen. */
export function startTarget({ command, cwd, env = {}, onLine }: TargetOptions): Proc {
  const [file, ...args] = command;
  if (!file)
    throw new UsageError('no command to check: put it after "--", e.g. -- python3 chat_server_ii_5.py');
  return start(file, args, {
    cwd,
    onLine,
    track: true,
    env: { PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', NO_COLOR: '1', ...env },
  });
}

/** Throws a one-line usage error when the command could not even be started (not found, not executable). */
export function assertStarted(proc: Proc, command: readonly string[]): void {
  if (proc.exit?.code === 127 && /\b(ENOENT|EACCES)\b/.test(proc.stderr)) {
    throw new UsageError(
      `cannot run "${command[0]}": ${/EACCES/.test(proc.stderr) ? 'permission denied' : 'command not found'}`,
    );
  }
}

/** How the program ended, or null while it runs ('exit' may come before proc.ts sees its streams close). */
export function exitText(proc: Proc): string | null {
  const { exitCode, signalCode } = proc.child;
  const exit =
    proc.exit ??
    (exitCode !== null || signalCode !== null ? { code: exitCode, signal: signalCode } : undefined);
  return exit ? `exited (${describeExit(exit)})` : null;
}

/**
 * Waits until the program accepts a connection on host:port, polling; returns that connection, kept open
 * and silent until the end (closing it would make a step 03–05 server spin on empty reads, as in the lab).
 * Returns a reason string when it never listens.
 */
export async function waitListening(
  proc: Proc,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Peer | string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exit)
      return `the program exited (${describeExit(proc.exit)}) without listening on ${host}:${port}`;
    try {
      return await Peer.connect(host, port, 1_000);
    } catch {
      // not yet
    }
    if (Date.now() >= deadline)
      return `nothing listened on ${host}:${port} within ${(timeoutMs / 1000).toFixed(0)} s (does it use HOST/PORT, or --host/--port?)`;
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), proc.exited]);
  }
}
