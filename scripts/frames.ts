// The home-made encoding of steps 11 and on (the lab's III.5), spoken by the checker and the tests; the step
// files carry their own copy, as every step file is standalone. A frame is a type byte, a length, a payload:
// the length takes 2 bytes (big-endian) when it is under 0xFFFF; otherwise the 2 bytes are 0xFFFF, then one
// byte says how many bytes the length takes (its length), then the length itself.

/** The frame types: a client sends HELLO and MESSAGE (and IMAGE from step 12), the server TEXT and RELAY. */
export const HELLO = 1; // payload: the pseudo
export const MESSAGE = 2; // payload: the message
export const TEXT = 3; // payload: a line to show (an announcement, an error)
export const RELAY = 4; // payload: length, pseudo, length, message
export const IMAGE = 5; // payload: the image file's bytes (step 12)
export const IMAGE_RELAY = 6; // payload: length, pseudo, length, image (step 12)

export interface Frame {
  type: number;
  payload: Buffer;
}

/** A frame that breaks the rules: the connection that sent it is dropped. */
export class FrameError extends Error {}

/** The length, as written before a payload: 2 bytes, or 0xFFFF + the length of the length + the length. */
export function encodeLength(length: number): Buffer {
  if (length < 0xffff) {
    const short = Buffer.alloc(2);
    short.writeUInt16BE(length);
    return short;
  }
  const long = Buffer.alloc(2 + 1 + 4);
  long.writeUInt16BE(0xffff);
  long.writeUInt8(4, 2); // the length of the length (a reader accepts 1 to 6)
  long.writeUInt32BE(length, 3);
  return long;
}

/** `bytes` preceded by their length. */
export function withLength(bytes: Buffer): Buffer {
  return Buffer.concat([encodeLength(bytes.length), bytes]);
}

/** One frame: its type, then its payload preceded by its length. */
export function encodeFrame(type: number, payload: Buffer | string): Buffer {
  return Buffer.concat([Buffer.of(type), withLength(Buffer.from(payload))]);
}

/** The payload of a RELAY or IMAGE_RELAY: the pseudo and the message, each preceded by its length. */
export function encodeRelay(pseudo: string, message: Buffer | string): Buffer {
  return Buffer.concat([withLength(Buffer.from(pseudo)), withLength(Buffer.from(message))]);
}

/**
 * The length written at `at` and where what it measures starts; undefined while `bytes` stops before its end
 * (the rest is still on its way).
 */
export function readLength(bytes: Buffer, at: number): { length: number; start: number } | undefined {
  if (bytes.length < at + 2) return undefined;
  const short = bytes.readUInt16BE(at);
  if (short < 0xffff) return { length: short, start: at + 2 };
  if (bytes.length < at + 3) return undefined;
  const size = bytes.readUInt8(at + 2);
  if (size < 1 || size > 6) throw new FrameError(`a length of ${size} bytes (1 to 6 expected)`);
  if (bytes.length < at + 3 + size) return undefined;
  return { length: bytes.readUIntBE(at + 3, size), start: at + 3 + size };
}

/**
 * The frame at the start of `bytes` and its size in bytes; undefined while it is incomplete. A frame longer
 * than `max` is refused as soon as its header is there, before its payload arrives.
 */
export function takeFrame(bytes: Buffer, max: number): { frame: Frame; size: number } | undefined {
  if (bytes.length < 1) return undefined;
  const header = readLength(bytes, 1);
  if (header === undefined) return undefined;
  if (header.length > max) throw new FrameError(`a frame of ${header.length} bytes (at most ${max})`);
  const end = header.start + header.length;
  if (bytes.length < end) return undefined;
  return { frame: { type: bytes.readUInt8(0), payload: bytes.subarray(header.start, end) }, size: end };
}

/** The pseudo and the message of a RELAY payload; throws when the payload is not exactly those two. */
export function decodeRelay(payload: Buffer): { pseudo: string; message: Buffer } {
  const pseudo = readLength(payload, 0);
  const pseudoEnd = pseudo ? pseudo.start + pseudo.length : Infinity;
  const message = pseudoEnd <= payload.length ? readLength(payload, pseudoEnd) : undefined;
  if (!pseudo || !message || message.start + message.length !== payload.length)
    throw new FrameError('a relay that is not length, pseudo, length, message');
  return {
    pseudo: payload.subarray(pseudo.start, pseudoEnd).toString(),
    message: payload.subarray(message.start),
  };
}

/** Gathers a connection's bytes into frames, however they were cut; `error` once a frame broke the rules. */
export class FrameReader {
  readonly frames: Frame[] = [];
  error: string | undefined;
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly max = 64 * 1024 * 1024) {}

  push(chunk: Buffer): void {
    if (this.error !== undefined) return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    try {
      for (let taken = takeFrame(this.pending, this.max); taken; taken = takeFrame(this.pending, this.max)) {
        this.frames.push(taken.frame);
        this.pending = this.pending.subarray(taken.size);
      }
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Bytes received that do not make a whole frame yet. */
  get partial(): number {
    return this.pending.length;
  }
}

/** A frame as a person reads it: `TEXT "Annonce : …"`, `RELAY alice: "salut"`, `type 9 (3 bytes)`. */
export function describeFrame({ type, payload }: Frame): string {
  const short = (text: string): string =>
    JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text) +
    (text.length > 80 ? ` (${text.length} characters)` : '');
  const names: Record<number, string> = { 1: 'HELLO', 2: 'MESSAGE', 3: 'TEXT', 5: 'IMAGE' };
  try {
    if (type === RELAY) {
      const { pseudo, message } = decodeRelay(payload);
      return `RELAY ${JSON.stringify(pseudo)}: ${short(message.toString())}`;
    }
    if (type === IMAGE_RELAY) {
      const { pseudo, message } = decodeRelay(payload);
      return `IMAGE_RELAY ${JSON.stringify(pseudo)}: ${message.length} bytes`;
    }
  } catch {
    return `${type === RELAY ? 'RELAY' : 'IMAGE_RELAY'} (malformed, ${payload.length} bytes)`;
  }
  if (type === IMAGE) return `IMAGE (${payload.length} bytes)`;
  const name = names[type];
  return name ? `${name} ${short(payload.toString())}` : `type ${type} (${payload.length} bytes)`;
}
