// What every suite receives: the options, the program's target (its declared checks), the checklist to fill,
// and the things to clean up.
import type { Proc } from '../proc.ts';
import type { CheckTarget, Step } from '../steps.ts';
import { Checklist } from './report.ts';
import type { Listener, Peer } from './tcp.ts';

export type Role = CheckTarget['role'];

export interface CheckOptions {
  step: Step;
  /** Which program of the step: server by default for a chat step. */
  role?: Role;
  host: string;
  /** 0: the checker picks a free port and passes it as PORT. */
  port: number;
  command: string[];
  /** Where the command runs (the student's folder). */
  cwd: string;
  /** Which version of the role (its `variant` in step.json); inferred from the command when absent. */
  variant?: string;
  /** Only the checks the lab's text requires (no robustness check). */
  labOnly?: boolean;
  /** Step 01: the pause passed as DELAY, in seconds (0.5 in the lab). */
  delay: number;
  /** How long to wait for a message that should come. */
  waitMs: number;
  /** How long to wait for a server to listen or a client to connect. */
  startupMs: number;
  /** How long a client has to quit by itself once the server closed (06), or a script to finish. */
  exitMs: number;
}

export class Context {
  readonly list: Checklist;
  /** Every message the scenario expects: a message glued to one of them still counts as whole. */
  readonly known: string[] = [];
  readonly procs: Proc[] = [];
  readonly peers: Peer[] = [];
  readonly listeners: Listener[] = [];
  readonly cleanups: (() => Promise<void> | void)[] = [];
  program: Proc | undefined;
  address: string | null = null;

  constructor(
    readonly options: CheckOptions,
    readonly target: CheckTarget,
    ids: readonly string[],
  ) {
    this.list = new Checklist(ids);
  }

  /** Is this check declared for the program (so that the suite runs the part of its scenario that judges it)? */
  wants(...ids: string[]): boolean {
    return ids.some((id) => this.list.declared(id));
  }

  track<T extends Peer>(peer: T): T {
    this.peers.push(peer);
    return peer;
  }

  /** Programs first (a step 03–05 server would spin on closed connections), then sockets, then the rest. */
  async cleanup(): Promise<void> {
    await Promise.all(this.procs.map((proc) => proc.stop('SIGTERM', 2_000)));
    for (const peer of this.peers) peer.destroy();
    await Promise.all(this.listeners.map((listener) => listener.close()));
    for (const cleanup of this.cleanups.reverse()) await cleanup();
  }
}
