// Child processes for the runner, the checker and the tests: each one in its own process group, so that
// stopping it stops everything it started (tsx, npm or python wrappers included), and its output is kept
// so that callers synchronise on what it printed, never on a fixed sleep.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { processesMarked } from './marks.ts';
import { Watch } from './watch.ts';

/** `node --import tsx`: one process per TypeScript file, with tsx resolved from this repository. */
export const TSX_IMPORT = import.meta.resolve('tsx');

export function tsxCommand(file: string, args: readonly string[] = []): [string, string[]] {
  return [process.execPath, ['--import', TSX_IMPORT, file, ...args]];
}

/** How `npm run step` starts its script (package.json): bundled by scripts/launch.mjs, no loader. */
export function launchCommand(script: string, args: readonly string[] = []): [string, string[]] {
  return [process.execPath, [join(dirname(script), 'launch.mjs'), script, ...args]];
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions extends Pick<SpawnOptions, 'cwd'> {
  env?: NodeJS.ProcessEnv;
  /**
   * Also remember, every 250 ms while it runs, each process whose parents lead back to it: one that left
   * the group and cleared its environment (`setsid env -i …`) is still found and stopped (the checker).
   */
  track?: boolean;
  /** Called with each complete line of stdout / stderr as it comes. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

const running = new Set<Proc>();

/** What is kept of a program's output: its last MiB (up to two) on each stream. */
export const KEPT_OUTPUT = 1 << 20;

/**
 * Every process a Proc starts, and everything they start, inherits this variable with the Proc's own value:
 * a descendant that left the process group (a daemon, a detached grandchild) is still found in /proc.
 */
export const MARK = 'TP6_PROC_MARK';

export class Proc {
  readonly child: ChildProcess;
  /** Resolves once the process and its output streams are closed. */
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;
  /** Resolves once the process itself is gone (its streams may stay open in a descendant's hands). */
  private readonly gone: Promise<void>;
  /** The value of MARK in this process's environment and its descendants'. */
  readonly mark = randomUUID();
  /** How many of its descendants were still running outside its group once it was stopped (then killed). */
  stragglers = 0;
  /** Its descendants seen while it ran (`track`): pid → start time, so that a reused pid is left alone. */
  private readonly seen = new Map<number, string>();
  /** stdout, and the waits on it (woken by stderr and the exit too); the last MiB of it. */
  readonly watch = new Watch(KEPT_OUTPUT);
  private readonly errors = new Watch(KEPT_OUTPUT);

  constructor(command: string, args: readonly string[], options: StartOptions = {}) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, [MARK]: this.mark },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // a process group of its own
    });
    running.add(this);
    this.child.stdin!.on('error', () => {}); // writing to a process that already left is not our error
    for (const name of ['stdout', 'stderr'] as const) {
      let partial = '';
      this.child[name]!.setEncoding('utf8').on('data', (chunk: string) => {
        if (name === 'stdout') {
          this.watch.append(chunk);
        } else {
          this.errors.append(chunk);
          this.watch.notify();
        }
        if (options.onLine) {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop()!;
          if (partial.length > 2 * KEPT_OUTPUT) partial = partial.slice(-KEPT_OUTPUT); // a line without end
          for (const line of lines) options.onLine(line.replace(/\r$/, ''), name);
        }
      });
      this.child[name]!.on('end', () => {
        if (partial && options.onLine) options.onLine(partial, name);
      });
    }
    if (options.track && this.child.pid !== undefined) {
      const root = this.child.pid;
      const look = setInterval(() => {
        for (const [pid, started] of descendants(root)) this.seen.set(pid, started);
      }, 250);
      this.child.once('exit', () => clearInterval(look));
    }
    this.gone = new Promise<void>((resolve) =>
      this.child.once('exit', () => resolve()).once('error', () => resolve()),
    );
    this.exited = new Promise<Exit>((resolve) => {
      this.child.on('error', (error) => {
        this.errors.append(`${error.message}\n`);
        this.exit = { code: 127, signal: null };
        resolve(this.exit);
      });
      this.child.on('close', (code, signal) => {
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    }).finally(() => {
      running.delete(this);
      this.watch.close();
    });
  }

  /** What it printed on stdout (the last MiB). */
  get stdout(): string {
    return this.watch.text;
  }

  /** What it printed on stderr (the last MiB). */
  get stderr(): string {
    return this.errors.text;
  }

  /** Resolves true as soon as `ready()` holds (checked on each output and at the exit), false after `timeoutMs`. */
  async until(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    await this.watch.wait(() => ready() || this.exit !== undefined, timeoutMs);
    return ready();
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  write(text: string): void {
    if (this.child.stdin!.writable) this.child.stdin!.write(text);
  }

  endInput(): void {
    this.child.stdin!.end();
  }

  /** Resolves with the first match of `pattern` in stdout (or in both streams); rejects on timeout or exit. */
  async waitFor(
    pattern: RegExp | string,
    { timeoutMs = 10_000, stream = 'stdout' as 'stdout' | 'output' } = {},
  ): Promise<RegExpMatchArray> {
    const regex = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
    const text = (): string => (stream === 'stdout' ? this.stdout : this.output);
    let match: RegExpMatchArray | null = null;
    const settled = await this.watch.wait(
      () => (match = text().match(regex)) !== null || this.exit !== undefined,
      timeoutMs,
    );
    if (!settled)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${regex}; it printed:\n${this.output}`);
    if (match === null)
      throw new Error(
        `process exited (${describeExit(this.exit!)}) before printing ${regex}; it printed:\n${this.output}`,
      );
    return match;
  }

  /** Resolves with the exit, or rejects after `timeoutMs`. */
  async waitExit(timeoutMs = 10_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`still running after ${timeoutMs} ms; it printed:\n${this.output}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` to the whole process group. */
  signal(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exit || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is already gone
    }
  }

  /** Stops the group: `signal` first, SIGKILL if it is still there after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3_000): Promise<Exit> {
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.gone;
    clearTimeout(timer);
    // what it left behind goes too: in its group, and anywhere else with its mark
    if (this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // nothing left in the group
      }
    }
    this.stragglers += await killMarked(this.mark);
    if (this.child.pid !== undefined) this.stragglers += killSeen(this.seen, this.child.pid);
    // a descendant that escaped even the mark may still hold its output open: stop reading it
    const late = setTimeout(() => {
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
    }, graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(late);
    }
  }
}

export function start(command: string, args: readonly string[] = [], options?: StartOptions): Proc {
  return new Proc(command, args, options);
}

/** Runs a TypeScript file with `node --import tsx`. */
export function startTs(file: string, args: readonly string[] = [], options?: StartOptions): Proc {
  const [command, fullArgs] = tsxCommand(file, args);
  return new Proc(command, fullArgs, options);
}

/** Runs a script as `npm run step` does (see launchCommand). */
export function startLaunched(script: string, args: readonly string[] = [], options?: StartOptions): Proc {
  const [command, fullArgs] = launchCommand(script, args);
  return new Proc(command, fullArgs, options);
}

/** Stops every process started here and not yet ended (tests' afterEach, a runner's Ctrl+C). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.stop()));
}

/** The exit code of a process ended by `signal`, as a shell reports it: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let stoppingOn: NodeJS.Signals | undefined;

/**
 * Makes Ctrl+C / SIGTERM / SIGHUP on the current script stop every child first, then exit with
 * 128 + the signal's number. `onStop` is called first, once, so that the script can say so and stop
 * treating its children's ends as failures. Further signals while stopping are ignored. Returns a
 * function that removes these handlers (not once stopping has begun).
 */
export function stopAllOnSignals(onStop?: (signal: NodeJS.Signals) => void): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    if (stoppingOn) return;
    stoppingOn = signal;
    onStop?.(signal);
    void stopAll().finally(() => process.exit(signalExitCode(signal)));
  };
  // `npm run step 5 | head`: once the reader of our output is gone, stop as a shell would (SIGPIPE, 141)
  const onPipe = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') handler('SIGPIPE');
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  process.stdout.on('error', onPipe);
  return () => {
    if (stoppingOn) return;
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
    process.stdout.off('error', onPipe);
  };
}

export function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The processes whose environment holds MARK=`mark`: a Proc's descendants, wherever they went. Another
 * `variable` finds the processes marked by a caller of its own (the grader's runs).
 */
export function markedProcesses(mark: string, variable = MARK): number[] {
  return processesMarked(variable, mark);
}

/** SIGKILL to every process carrying `mark`, then waits (a moment at most) until they are gone; returns how many. */
export async function killMarked(mark: string): Promise<number> {
  const pids = markedProcesses(mark);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // /proc gives no event to wait on: look again every 20 ms, for 2 s at most
  for (let i = 0; i < 100 && markedProcesses(mark).length > 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  return pids.length;
}

interface Row {
  state: string;
  parent: number;
  group: number;
  /** In clock ticks since boot: with the pid, it names one process for good. */
  started: string;
}

/** Every process, from /proc (Linux; empty elsewhere). */
function processTable(): Map<number, Row> {
  const table = new Map<number, Row>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (name) "
      table.set(Number(entry), {
        state: fields[0]!,
        parent: Number(fields[1]),
        group: Number(fields[2]),
        started: fields[19]!,
      });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** Every process whose chain of parents leads to `root`, with its start time. */
function descendants(root: number): Map<number, string> {
  const table = processTable();
  const found = new Map<number, string>();
  for (const [pid, { started }] of table) {
    for (let up = table.get(pid)?.parent, depth = 0; up !== undefined && up > 1 && depth < 64; depth++) {
      if (up === root) {
        found.set(pid, started);
        break;
      }
      up = table.get(up)?.parent;
    }
  }
  return found;
}

/**
 * SIGKILL to the processes seen earlier that still run outside the group (same pid, same start time; the
 * group itself was just killed, and a zombie is already dead); returns how many.
 */
function killSeen(seen: ReadonlyMap<number, string>, group: number): number {
  if (seen.size === 0) return 0;
  const table = processTable();
  let killed = 0;
  for (const [pid, started] of seen) {
    const row = table.get(pid);
    if (row?.started !== started || row.group === group || row.state === 'Z') continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  return killed;
}
