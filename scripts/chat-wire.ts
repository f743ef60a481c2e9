// Raw TCP clients and chat servers for the chat tests and the benchmark: what a client received, kept as text, waited on
// by content (never by a fixed sleep), and the chat servers started on a free port.
import net from 'node:net';
import { once } from 'node:events';
import type { Proc } from './proc.ts';
import { startStepFile } from './stepfile.ts';
import { Watch } from './watch.ts';

export const SERVING = /Serving on (?:\[[^\]]*\]|[^\s:]+):(\d+)/;

export interface ChatServer {
  proc: Proc;
  port: number;
}

/** Starts a chat server file (e.g. `chat_server_ii_6.ts`) on 127.0.0.1, port 0, and reads its real port. */
export async function startChatServer(file: string, env: NodeJS.ProcessEnv = {}): Promise<ChatServer> {
  const proc = startStepFile(file, { HOST: '127.0.0.1', PORT: '0', ...env });
  const port = Number((await proc.waitFor(SERVING))[1]);
  return { proc, port };
}

export class WireClient {
  error: Error | undefined;
  readonly closed: Promise<void>;
  /** `IP:port` as the server sees this client. */
  readonly address: string;
  private readonly watch = new Watch();

  private constructor(readonly socket: net.Socket) {
    this.address = `127.0.0.1:${socket.localPort}`;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.watch.append(chunk));
    socket.on('error', (error) => {
      this.error = error;
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.watch.close();
        resolve();
      }),
    );
  }

  /** Everything received so far. */
  get text(): string {
    return this.watch.text;
  }

  /** True once the connection is closed. */
  get ended(): boolean {
    return this.watch.closed;
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<WireClient> {
    const socket = net.connect(port, host);
    await once(socket, 'connect');
    return new WireClient(socket);
  }

  /** Complete lines received so far. */
  get lines(): string[] {
    const lines = this.text.split('\n');
    lines.pop();
    return lines;
  }

  count(line: string): number {
    return this.lines.filter((l) => l === line).length;
  }

  send(text: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(text, (error) => (error ? reject(error) : resolve())),
    );
  }

  end(): void {
    this.socket.end();
  }

  reset(): void {
    this.socket.resetAndDestroy();
  }

  /** Resolves once `ok()` holds; rejects after `timeoutMs` with what was received. */
  until(ok: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return this.watch.until(ok, what, timeoutMs);
  }

  /** Waits for a complete line equal to `line` (the `n`-th one of them). */
  waitForLine(line: string, n = 1, timeoutMs?: number): Promise<void> {
    return this.until(() => this.count(line) >= n, JSON.stringify(line), timeoutMs);
  }

  waitForClose(timeoutMs?: number): Promise<void> {
    return this.until(() => this.ended, 'the connection to close', timeoutMs);
  }
}

/** Connects `count` clients, a few at a time so that no accept backlog overflows. */
export async function connectMany(port: number, count: number, batch = 50): Promise<WireClient[]> {
  const clients: WireClient[] = [];
  for (let i = 0; i < count; i += batch) {
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(batch, count - i) }, () => WireClient.connect(port)),
      )),
    );
  }
  return clients;
}
