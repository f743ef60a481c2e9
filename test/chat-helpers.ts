// The chat tests' raw connections: each one is closed after its test.
import { readFileSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { WireClient } from '../scripts/chat-wire.ts';
import { parseStat } from '../scripts/bench/procfs.ts';

const connections: WireClient[] = [];

/** A raw client connected to a chat server on 127.0.0.1, closed by closeConnections(). */
export async function connect(port: number): Promise<WireClient> {
  const client = await WireClient.connect(port);
  connections.push(client);
  return client;
}

/** Has connections made otherwise (e.g. connectMany) closed by closeConnections() too. */
export function track(...clients: WireClient[]): void {
  connections.push(...clients);
}

export function closeConnections(): void {
  for (const client of connections.splice(0)) client.socket.destroy();
}

/**
 * Runs `act` while the server is stopped (SIGSTOP, then state T in /proc), so that everything it sends reaches
 * the server at once: its next turn of the event loop reads it all.
 */
export async function whileStopped(pid: number, act: () => Promise<void>): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  try {
    while (parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).state !== 'T') await setImmediate();
    await act();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}
