// `npm run step 3` … `6`: the step's server on a free port, scripted clients (alice, bob, carol…) going
// through the scenario of its step.json, and one interleaved transcript of what each of them printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVING } from '../chat-wire.ts';
import { parseCommandLine } from '../cli.ts';
import { describeExit, escapeRegExp, signalExitCode, stopAllOnSignals, type Proc } from '../proc.ts';
import { startStepFile } from '../stepfile.ts';
import type { ChatDemo, Step } from '../steps.ts';
import { createTranscript } from '../transcript.ts';

/**
 * One action of a chat scenario (the `demo.scenario` array of a chat step's step.json). `name` is
 * `server` or a client's name; a client is the step's `roles.client` unless `file` says otherwise.
 */
export type ChatAction =
  | { note: string } //                      a line of commentary
  | { start: string; file?: string; args?: string[]; env?: Record<string, string> } // start the server (then
  //   read its port) or a client, `env` added to its own (`{tmp}`: a folder removed at the end), `args` given
  //   to it (`{port}`: the server's port)
  | { type: string; by: string } //          a line typed by a client (its stdin)
  | { expect: string; in: string } //        wait until that process prints this text
  | { quit: string } //                      a client's input ends (Ctrl+D); wait until it exits
  | { stop: string } //                      SIGTERM (Ctrl+C) to the server or a client; wait until it exits
  | { exits: string }; //                    wait until a client exits by itself

export interface ChatScenario extends ChatDemo {
  scenario: ChatAction[];
}

export interface ChatDemoOptions {
  /** Where the transcript goes (the terminal by default). */
  out?: NodeJS.WriteStream;
  /** How long one `expect` or exit may take. */
  timeoutMs?: number;
  /** Where the programs run (the user's folder by default). */
  cwd?: string;
}

export interface ChatDemoResult {
  code: number;
  /** Every process the demo started (all ended when it returns). */
  procs: Proc[];
  /** Who was still running when the scenario was over, before the demo stopped them (none, for a good scenario). */
  unfinished: string[];
}

export function scenarioOf(step: Step): ChatAction[] {
  const { scenario } = step.demo as ChatScenario;
  if (!Array.isArray(scenario) || scenario.length === 0)
    throw new Error(`step ${step.id}: step.json has no demo.scenario`);
  return scenario;
}

/** Every name the scenario uses, the server first: the transcript's columns. */
function namesOf(scenario: ChatAction[]): string[] {
  const names = new Set<string>(['server']);
  for (const action of scenario) if ('start' in action) names.add(action.start);
  return [...names];
}

export async function runChatDemo(step: Step, options: ChatDemoOptions = {}): Promise<ChatDemoResult> {
  const { out = process.stdout, timeoutMs = 10_000, cwd } = options;
  const scenario = scenarioOf(step);
  const transcript = createTranscript(namesOf(scenario), out);
  const running = new Map<string, Proc>();
  const cursors = new Map<Proc, number>(); // how far `expect` has read each one's output
  const procs: Proc[] = [];
  let port: string | undefined;
  let tmp: string | undefined;

  const get = (name: string): Proc => {
    const proc = running.get(name);
    if (!proc) throw new Error(`scenario of step ${step.id}: "${name}" is not running`);
    return proc;
  };
  // Ctrl+C: say so once, and let proc.ts stop every process and exit 130 (143 for SIGTERM); the ends
  // this causes are not the scenario's failures, and the scenario goes no further.
  let stopping: NodeJS.Signals | undefined;
  const offSignals = stopAllOnSignals((signal) => {
    stopping = signal;
    transcript.note('interrupted');
  });
  const ended = async (name: string, exit: Promise<unknown>): Promise<void> => {
    const proc = get(name);
    await exit;
    running.delete(name);
    if (!stopping) transcript.note(`  (${name} ended: ${describeExit(proc.exit!)})`);
  };
  const result = (code: number): ChatDemoResult => ({
    code: stopping ? signalExitCode(stopping) : code,
    procs,
    unfinished: [...running.keys()],
  });

  try {
    for (const action of scenario) {
      if (stopping) break;
      if ('note' in action) {
        transcript.note(action.note);
      } else if ('start' in action) {
        const isServer = action.start === 'server';
        const file = action.file ?? step.roles?.[isServer ? 'server' : 'client'];
        if (!file) throw new Error(`step ${step.id} has no ${isServer ? 'server' : 'client'} role`);
        if (!isServer && port === undefined)
          throw new Error(`scenario of step ${step.id}: a client starts before the server`);
        const env: Record<string, string> = { HOST: '127.0.0.1', PORT: isServer ? '0' : port! };
        for (const [name, value] of Object.entries(action.env ?? {})) {
          if (value.includes('{tmp}')) tmp ??= mkdtempSync(join(tmpdir(), 'tp6-demo-'));
          env[name] = value.replaceAll('{tmp}', tmp ?? '');
        }
        const args = (action.args ?? []).map((arg) => arg.replaceAll('{port}', port ?? ''));
        transcript.note(`▶ ${action.start}: ${[file, ...args].join(' ')}`);
        const proc = startStepFile(file, env, { args, cwd, onLine: transcript.speaker(action.start) });
        procs.push(proc);
        running.set(action.start, proc);
        cursors.set(proc, 0);
        if (isServer) port = (await proc.waitFor(SERVING, { timeoutMs }))[1];
      } else if ('type' in action) {
        transcript.speaker(action.by)(`⌨ ${action.type}`);
        get(action.by).write(`${action.type}\n`);
      } else if ('expect' in action) {
        const proc = get(action.in);
        const from = cursors.get(proc)!;
        await proc.waitFor(new RegExp(`^[\\s\\S]{${from}}[\\s\\S]*?${escapeRegExp(action.expect)}`), {
          timeoutMs,
        });
        cursors.set(proc, proc.stdout.indexOf(action.expect, from) + action.expect.length);
      } else if ('quit' in action) {
        get(action.quit).endInput();
        await ended(action.quit, get(action.quit).waitExit(timeoutMs));
      } else if ('stop' in action) {
        get(action.stop).signal('SIGTERM');
        await ended(action.stop, get(action.stop).waitExit(timeoutMs));
      } else if ('exits' in action) {
        await ended(action.exits, get(action.exits).waitExit(timeoutMs));
      }
    }
    return result(0);
  } catch (error) {
    if (!stopping) transcript.note(`demo failed: ${(error as Error).message.split('\n')[0]}`);
    return result(1);
  } finally {
    offSignals();
    await Promise.all(procs.map((proc) => proc.stop()));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

export default async function chatDemo(step: Step, args: string[]): Promise<number> {
  parseCommandLine(
    { args, options: {} },
    'the chat demo takes no option ("server" or "client" run one program)',
  );
  return (await runChatDemo(step)).code;
}
