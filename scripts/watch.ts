// Text that arrives bit by bit (a process's output, what a socket received) and waits on it that end as soon as
// a condition holds: shared by Proc (proc.ts), WireClient (chat-wire.ts) and the checker's Peer (check/tcp.ts).
// Every wait is checked again on each change, never polled, and has a timeout.

export class Watch {
  text = '';
  /** How many characters were dropped from the start to keep only the last `keep` (0 when none were). */
  dropped = 0;
  /** Nothing more will come: the process exited, the connection closed. */
  closed = false;
  private readonly waiters = new Set<() => void>();

  /**
   * `keep`: at least the last `keep` characters are kept, and never more than twice that (a program printing
   * gigabytes is no crash; trimming only past twice the size keeps the copying linear).
   */
  constructor(private readonly keep = Number.POSITIVE_INFINITY) {}

  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > 2 * this.keep) {
      const cut = this.text.length - this.keep;
      this.text = this.text.slice(cut);
      this.dropped += cut;
    }
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  /** Checks the pending waits again, after a change that is not in the text. */
  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves true as soon as `ready()` holds (checked now, then on each change), false after `timeoutMs`. */
  wait(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (ready()) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      this.waiters.add(check);
    });
  }

  /** Resolves as soon as `ready()` holds; rejects after `timeoutMs`, naming `what` and showing the end of the text. */
  async until(ready: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (!(await this.wait(ready, timeoutMs)))
      throw new Error(`timed out waiting for ${what}; received:\n${this.text.slice(-2000)}`);
  }
}
