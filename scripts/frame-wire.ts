// A raw connection that speaks the home-made encoding of steps 11 and on (scripts/frames.ts): for the checker
// and the tests. It keeps every frame received and waits on them (scripts/watch.ts), never on a fixed sleep.
import net from 'node:net';
import { once } from 'node:events';
import { decodeRelay, encodeFrame, FrameReader, IMAGE_RELAY, RELAY, TEXT, type Frame } from './frames.ts';
import { Watch } from './watch.ts';

/** A frame as a chat client shows it: a TEXT as its text, a RELAY as `<PSEUDO> a dit : {msg}`. */
export function shownAs(frame: Frame): string {
  if (frame.type === TEXT) return frame.payload.toString();
  if (frame.type === RELAY) {
    const { pseudo, message } = decodeRelay(frame.payload);
    return `${pseudo} a dit : ${message.toString()}`;
  }
  if (frame.type === IMAGE_RELAY) {
    const { pseudo, message } = decodeRelay(frame.payload);
    return `${pseudo} : image (${message.length} bytes)`;
  }
  return `(frame of type ${frame.type}, ${frame.payload.length} bytes)`;
}

export class FramedConnection {
  readonly reader: FrameReader;
  /** 'end' when the other side closed cleanly, or the error code. */
  closeReason: string | undefined;
  private readonly watch = new Watch();

  constructor(
    readonly socket: net.Socket,
    maxFrame?: number,
  ) {
    this.reader = new FrameReader(maxFrame);
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      this.watch.notify();
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

  static async connect(port: number, host = '127.0.0.1', timeoutMs = 5_000): Promise<FramedConnection> {
    const socket = net.connect({ port, host });
    const timer = setTimeout(() => socket.destroy(new Error('timeout')), timeoutMs);
    try {
      await once(socket, 'connect');
    } finally {
      clearTimeout(timer);
    }
    return new FramedConnection(socket);
  }

  get frames(): Frame[] {
    return this.reader.frames;
  }

  get closed(): boolean {
    return this.watch.closed;
  }

  /** Every frame received, as a client shows it (a malformed relay as a description). */
  shown(from = 0): string[] {
    return this.frames.slice(from).map((frame) => {
      try {
        return shownAs(frame);
      } catch (error) {
        return `(${(error as Error).message})`;
      }
    });
  }

  send(type: number, payload: Buffer | string): void {
    this.write(encodeFrame(type, payload));
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** True as soon as `ready()` holds (checked on each chunk and at the close), false after `timeoutMs`. */
  wait(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.watch.wait(ready, timeoutMs);
  }

  /** Checks the pending waits again, after a change elsewhere (another connection closed). */
  notify(): void {
    this.watch.notify();
  }

  /** Like `wait`, but rejects after `timeoutMs`, naming `what` and showing the last frames. */
  async until(ready: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (!(await this.watch.wait(ready, timeoutMs)))
      throw new Error(
        `timed out waiting for ${what}; received ${this.frames.length} frames, the last ones:\n` +
          this.shown(Math.max(0, this.frames.length - 5)).join('\n'),
      );
  }

  /** Waits until `line` was shown `n` times (after frame number `from`). */
  waitForShown(line: string, { n = 1, from = 0, timeoutMs = 10_000 } = {}): Promise<void> {
    const count = (): number => this.shown(from).filter((shown) => shown === line).length;
    return this.until(() => count() >= n, JSON.stringify(line), timeoutMs);
  }

  waitForClose(timeoutMs = 10_000): Promise<void> {
    return this.until(() => this.closed, 'the connection to close', timeoutMs);
  }

  end(): void {
    this.socket.end();
  }

  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
