// The checker's side of a TCP conversation: a peer that keeps every byte it receives (with the chunk
// boundaries, since the lab has no framing) and waits on it, and a one-connection server for the client
// checks. Everything is event-driven: a wait ends as soon as the text is there, or at its timeout.
import net from 'node:net';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { UsageError } from '../cli.ts';
import { findMessage, type Observation, type Received } from './match.ts';
import { Watch } from '../watch.ts';

export class Peer implements Received {
  readonly boundaries = new Set<number>();
  /** 'end' when the other side closed cleanly, or the error code. */
  closeReason: string | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private readonly watch = new Watch();

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      const text = this.decoder.write(chunk);
      this.boundaries.add(this.watch.text.length + text.length); // before the waits look at it
      this.watch.append(text);
    });
    socket.on('end', () => {
      this.closeReason ??= 'end';
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.closeReason ??= error.code ?? error.message;
    });
    socket.on('close', () => {
      this.closeReason ??= 'closed';
      this.watch.close();
    });
  }

  /** Everything received so far. */
  get text(): string {
    return this.watch.text;
  }

  /** True once the connection is closed. */
  get closed(): boolean {
    return this.watch.closed;
  }

  /** Connects to host:port; rejects with the error code if nothing answers. */
  static connect(host: string, port: number, timeoutMs = 3_000): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('timeout'));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new Peer(socket));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(error.code ?? error.message));
      });
    });
  }

  /** The client's own address as the server sees it: `IP:port`, IPv4 shown plainly. */
  get localAddress(): string {
    return `${(this.socket.localAddress ?? '?').replace(/^::ffff:/, '')}:${this.socket.localPort}`;
  }

  /** Where the text is now: pass it to `since` to look only at what came after. */
  mark(): number {
    return this.text.length;
  }

  since(mark: number): Received {
    const boundaries = new Set([...this.boundaries].filter((i) => i > mark).map((i) => i - mark));
    return { text: this.text.slice(mark), boundaries };
  }

  send(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Closes our side cleanly (FIN), as a client that quits properly. */
  end(): void {
    this.socket.end();
  }

  /** Closes abruptly (RST), as a client that crashes or loses its network. */
  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /**
   * Waits until `expected` arrived as a whole message (after `from`), a near miss of it arrived, the
   * connection closed, or `timeoutMs` passed; returns what was observed.
   */
  async expect(
    expected: string,
    timeoutMs: number,
    { from = 0, known = [] as readonly string[] } = {},
  ): Promise<Observation> {
    const look = (): Observation => findMessage(this.since(from), expected, known);
    await this.until(() => look().kind !== 'missing' || this.closed, timeoutMs);
    const seen = look();
    return seen;
  }

  /** Resolves when `ready()` is true (checked on each event) or after `timeoutMs`; true if ready. */
  until(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.watch.wait(ready, timeoutMs);
  }
}

/** A listening socket for the client checks: hands over each connection as a Peer. */
export class Listener {
  private queue: Peer[] = [];
  private wanted: ((peer: Peer) => void) | undefined;
  readonly peers: Peer[] = [];

  private constructor(readonly server: net.Server) {
    server.on('connection', (socket) => {
      const peer = new Peer(socket);
      this.peers.push(peer);
      if (this.wanted) {
        const give = this.wanted;
        this.wanted = undefined;
        give(peer);
      } else this.queue.push(peer);
    });
  }

  static async listen(host: string, port: number): Promise<Listener> {
    const server = net.createServer();
    server.listen(port, host);
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(
          code === 'EADDRINUSE'
            ? `${host}:${port} is already in use (a server left running?); stop it or pass --port`
            : `cannot listen on ${host}:${port}: ${code ?? (error as Error).message}`,
        );
      }),
    ]);
    return new Listener(server);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The next connection, or undefined after `timeoutMs`. */
  accept(timeoutMs: number, abort?: Promise<unknown>): Promise<Peer | undefined> {
    const first = this.queue.shift();
    if (first) return Promise.resolve(first);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wanted = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.wanted = (peer) => {
        clearTimeout(timer);
        resolve(peer);
      };
      void abort?.then(() => {
        if (this.wanted) {
          this.wanted = undefined;
          clearTimeout(timer);
          resolve(undefined);
        }
      });
    });
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** True when something accepts connections on host:port. */
export async function isListening(host: string, port: number): Promise<boolean> {
  try {
    const peer = await Peer.connect(host, port, 1_000);
    peer.destroy();
    return true;
  } catch {
    return false;
  }
}
