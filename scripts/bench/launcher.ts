// The server under load, started exactly as `npm run check` starts a program: HOST and PORT in its
// environment (a free port of this machine), its own process group, stopped with everything it started.
import { freePort } from '../ports.ts';
import type { Proc } from '../proc.ts';
import { assertStarted, startTarget, waitListening } from '../check/target.ts';

export interface Launched {
  proc: Proc;
  host: string;
  port: number;
  /** The process group: the program and what it started (npm → sh → node, a tsx loader…). */
  pgrp: number;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  cwd: string;
  env?: Record<string, string>;
  host?: string;
  /** How long it may take to listen. */
  timeoutMs?: number;
}

/** Starts `command` and resolves once it accepts connections; a program that never does is stopped first. */
export async function launchServer(
  command: readonly string[],
  { cwd, env = {}, host = '127.0.0.1', timeoutMs = 20_000 }: LaunchOptions,
): Promise<Launched> {
  const port = await freePort(host);
  const proc = startTarget({ command, cwd, env: { ...env, HOST: host, PORT: String(port) } });
  await proc.waitExit(50).catch(() => undefined); // a command that cannot start fails at once
  try {
    assertStarted(proc, command);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  const probe = await waitListening(proc, host, port, timeoutMs);
  if (typeof probe === 'string') {
    await proc.stop();
    const said = proc.stderr.trim().split('\n').at(-1);
    throw new Error(`${command.join(' ')}: ${probe}${said ? ` (it said: ${said})` : ''}`);
  }
  return {
    proc,
    host,
    port,
    pgrp: proc.pid!,
    async stop() {
      probe.destroy(); // kept open until now: closing it early makes some lab servers spin on empty reads
      await proc.stop();
    },
  };
}
