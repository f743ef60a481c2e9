// What one client of the load generator receives, checked delivery by delivery: each message of the burst
// is a token `[m:SENDER:SEQ:SENT]` (SENT: when it was written, in ms since the run's epoch), so a client
// knows from the bytes alone which message it got, when it was sent, and whether it came whole. Servers
// may add text around a token (`bob a dit : `), glue tokens together or cut a read in the middle (the lab's
// Python relays each 1024-byte read as one message): a token broken by such a cut is counted, never skipped.

const TOKEN = /^\[m:(\d+):(\d+):(\d+(?:\.\d+)?)\]$/;
/** Longer than any whole token: an opening without its end this far is a cut one. */
const MAX_TOKEN = 48;

/** The line a sender writes for message `seq`, sent `sentMs` after the epoch. */
export function messageLine(sender: number, seq: number, sentMs: number): string {
  return `[m:${sender}:${seq}:${sentMs.toFixed(3)}]\n`;
}

/** The announcement a client waits for after its Hello (the lab's text; Python ends it with no newline). */
export const joinedText = (pseudo: string): string => `Annonce : ${pseudo} a rejoint la chatroom`;

export interface Tally {
  /** Whole tokens of others received. */
  delivered: number;
  /** Tokens received more than once, or out of their sender's order. */
  disorder: number;
  /** Openings `[m:` whose token never came whole (the server cut it or changed it). */
  cut: number;
  /** Tokens of its own sent back to it (the lab's server sends a message to everyone but its sender). */
  echoed: number;
}

export class Receiver implements Tally {
  delivered = 0;
  disorder = 0;
  cut = 0;
  echoed = 0;
  /** Seen the own announcement. */
  joined = false;
  /** Whether a sync mark `[sync:N]` with this N or later came. */
  synced = -1;
  private rest = '';
  /** Per sender: the number of the message expected next, and how many came (arrays: faster than maps). */
  private readonly next: number[] = [];
  private readonly got: number[] = [];
  private readonly announcement: string;

  constructor(
    readonly self: number | undefined,
    pseudo: string,
    /** Called with each whole token of another sender: its sender, number and latency (ms). */
    private readonly onToken: (sender: number, seq: number, sentMs: number) => void = () => {},
  ) {
    this.announcement = joinedText(pseudo);
  }

  /** The last bytes read, kept to find what a chunk boundary split (an error line, for the report). */
  get tail(): string {
    return this.rest;
  }

  /** How many whole messages of `sender` came. */
  receivedFrom(sender: number): number {
    return this.got[sender] ?? 0;
  }

  /** Messages of `senders` (each sending `messages`) that never came whole, this client's own aside. */
  lost(senders: readonly number[], messages: number): number {
    let lost = 0;
    for (const sender of senders)
      if (sender !== this.self) lost += Math.max(0, messages - this.receivedFrom(sender));
    return lost;
  }

  /** Reads the next chunk of the stream (text decoded as latin1: tokens are ASCII). */
  feed(chunk: string): void {
    let text = this.rest + chunk;
    if (!this.joined && text.includes(this.announcement)) this.joined = true;
    for (let at = text.indexOf('[sync:'); at >= 0; at = text.indexOf('[sync:', at + 1)) {
      const end = text.indexOf(']', at);
      if (end > 0) this.synced = Math.max(this.synced, Number(text.slice(at + 6, end)));
    }
    let pos = 0;
    for (;;) {
      const start = text.indexOf('[m:', pos);
      if (start < 0) break;
      const fast = this.wholeToken(text, start);
      if (fast > 0) {
        pos = fast;
        continue;
      }
      const end = text.indexOf(']', start);
      if (end < 0) {
        if (text.length - start > MAX_TOKEN) {
          this.cut++;
          pos = start + 3;
          continue;
        }
        pos = start;
        text = text.slice(start);
        this.rest = text;
        return this.keepTail(true);
      }
      const match = TOKEN.exec(text.slice(start, end + 1));
      // another opening before this end: the first one was cut
      const reopened = text.lastIndexOf('[m:', end) !== start;
      if (!match || reopened) {
        this.cut++;
        pos = reopened ? text.lastIndexOf('[m:', end) : end + 1;
        continue;
      }
      this.count(Number(match[1]), Number(match[2]), Number(match[3]));
      pos = end + 1;
    }
    this.rest = text.slice(pos);
    this.keepTail(false);
  }

  /**
   * A well-formed token at `start`, read digit by digit and counted: the position after it, or 0 for anything
   * else (unfinished, malformed), left to the careful path. A million deliveries must not cost the generator
   * more than the server it measures: this path costs a fifth of a regular expression on a slice.
   */
  private wholeToken(text: string, start: number): number {
    let sender = 0;
    let seq = 0;
    let sent = 0;
    let scale = 0; // 0 before the '.', then 10, 100… for each fraction digit
    let field = 0; // 0 sender, 1 seq, 2 sent
    let digits = 0;
    for (let at = start + 3; at < text.length; at++) {
      const code = text.charCodeAt(at);
      const digit = code - 48;
      if (digit >= 0 && digit <= 9) {
        digits++;
        if (field === 0) sender = sender * 10 + digit;
        else if (field === 1) seq = seq * 10 + digit;
        else if (scale === 0) sent = sent * 10 + digit;
        else {
          scale *= 10;
          sent += digit / scale;
        }
      } else if (digits === 0) return 0;
      else if (code === 58 && field < 2) {
        field++; // ':'
        digits = 0;
      } else if (code === 46 && field === 2 && scale === 0) {
        scale = 1; // '.'
        digits = 0;
      } else if (code === 93 && field === 2) {
        this.count(sender, seq, sent); // ']': whole
        return at + 1;
      } else return 0;
    }
    return 0;
  }

  /** What is kept for the next chunk: an unfinished token, or enough to find a split announcement or mark. */
  private keepTail(token: boolean): void {
    if (token) return;
    const keep = this.joined ? 16 : this.announcement.length;
    this.rest = this.rest.slice(Math.max(0, this.rest.length - keep));
  }

  private count(sender: number, seq: number, sentMs: number): void {
    if (sender === this.self) {
      this.echoed++;
      return;
    }
    const expected = this.next[sender] ?? 0;
    if (seq !== expected) this.disorder++;
    if (seq >= expected) this.next[sender] = seq + 1;
    this.got[sender] = (this.got[sender] ?? 0) + 1;
    this.delivered++;
    this.onToken(sender, seq, sentMs);
  }
}
