// The chat server that relays images too: an IMAGE frame's bytes go to the others as they came.
// It keeps step 11's frames and what a room full of students needs: harmless text, limits, backpressure.
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

const HOST = process.env.HOST || '127.0.0.1'; // unset or empty: the default
const PORT = fromEnv('PORT', 8888, 65535); // 0: any free port
const MAX_CLIENTS = fromEnv('MAX_CLIENTS', 500); // connections at once, joined or not
const HELLO_TIMEOUT_MS = fromEnv('HELLO_TIMEOUT_MS', 10_000); // the tests shorten it
const MAX_PSEUDO_LENGTH = 32;
const MAX_FRAME = 6 * 1024 * 1024; // bytes: an image of 5 MiB, and room to spare; a longer frame is dropped
const HIGH_WATER = 1024 * 1024; // bytes queued for one reader: above this, senders wait
const STUCK_MS = fromEnv('STUCK_MS', 30_000); // a reader that stays above the mark this long is let go
// what would let one pass for bob, or for the server: controls, invisible and bidi characters, | and :
const NOT_IN_PSEUDO = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029|:]/u;
const BAD_PSEUDO = 'Erreur : le pseudo doit avoir de 1 à 32 caractères, sans | ni : ni caractère de contrôle';

// The first byte of a frame: its type.
const HELLO = 1; // client → server: the pseudo
const MESSAGE = 2; // client → server: the message
const TEXT = 3; // server → client: a line to show (an announcement, an error)
const RELAY = 4; // server → client: pseudo length, pseudo, message length, message
const IMAGE = 5; // client → server: the bytes of a PNG or JPEG file
const IMAGE_RELAY = 6; // server → client: pseudo length, pseudo, image length, image

interface Client {
  socket: net.Socket; // Python keeps a reader and a writer: a Node socket is both
  pseudo: string;
}

/** The connected clients, keyed by their address `IP:port`. */
const CLIENTS = new Map<string, Client>();

/** A whole number from the environment (unset or empty: `fallback`); anything else stops here in one line. */
function fromEnv(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = process.env[name] || String(fallback);
  const value = /^\d+$/.test(text) ? Number(text) : NaN; // digits only: not 1e3, 0x50 or ' 80'
  if (Number.isInteger(value) && value >= 0 && value <= max) return value;
  const what = name === 'PORT' ? 'un numéro de port' : 'un nombre entier positif';
  console.error(`Erreur : ${name}=${process.env[name]} n'est pas ${what}`);
  process.exit(2);
}

/** `IP:port` of the other end, an IPv4 address shown plainly (`127.0.0.1`, not `::ffff:127.0.0.1`). */
function addressOf(socket: net.Socket): string {
  const ip = (socket.remoteAddress ?? '?').replace(/^::ffff:/, '');
  return `${ip}:${socket.remotePort}`;
}

/** Text from the network, harmless in a terminal: control and invisible characters shown as `\x1b`, `\u202e`. */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (char) => {
    const hex = char.codePointAt(0)!.toString(16);
    return hex.length <= 2 ? `\\x${hex.padStart(2, '0')}` : `\\u${hex.padStart(4, '0')}`;
  });
}

/** A frame that breaks the rules: the connection that sent it is dropped. */
class FrameError extends Error {}

/** A length: 2 bytes under 0xFFFF; above, 0xFFFF, then the length of the length (4), then 4 bytes. */
function encodeLength(length: number): Buffer {
  if (length < 0xffff) {
    const short = Buffer.alloc(2);
    short.writeUInt16BE(length); // struct.pack('>H', length)
    return short;
  }
  const long = Buffer.alloc(7);
  long.writeUInt16BE(0xffff);
  long.writeUInt8(4, 2);
  long.writeUInt32BE(length, 3);
  return long;
}

function withLength(bytes: Buffer): Buffer {
  return Buffer.concat([encodeLength(bytes.length), bytes]);
}

function encodeFrame(type: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.of(type), encodeLength(payload.length), payload]);
}

/** The length written at `at`, and where what it measures starts; undefined if the bytes stop before. */
function readLength(bytes: Buffer, at: number): { length: number; start: number } | undefined {
  if (bytes.length < at + 2) return undefined;
  const short = bytes.readUInt16BE(at);
  if (short < 0xffff) return { length: short, start: at + 2 };
  if (bytes.length < at + 3) return undefined;
  const size = bytes.readUInt8(at + 2);
  if (size < 1 || size > 6) throw new FrameError(`a length of ${size} bytes (1 to 6 expected)`);
  if (bytes.length < at + 3 + size) return undefined;
  return { length: bytes.readUIntBE(at + 3, size), start: at + 3 + size };
}

/** The frame at the start of `bytes` and its size, or undefined while it is incomplete. */
function takeFrame(bytes: Buffer): { type: number; payload: Buffer; size: number } | undefined {
  const header = bytes.length > 0 ? readLength(bytes, 1) : undefined;
  if (header === undefined) return undefined;
  if (header.length > MAX_FRAME)
    throw new FrameError(`a frame of ${header.length} bytes (${MAX_FRAME} at most)`);
  const size = header.start + header.length;
  if (bytes.length < size) return undefined;
  return { type: bytes.readUInt8(0), payload: bytes.subarray(header.start, size), size };
}

/** The frames of a connection, each whole however TCP cut it (Python: `await reader.readexactly(n)`). */
async function* framesOf(socket: net.Socket): AsyncGenerator<{ type: number; payload: Buffer }> {
  let pending = Buffer.alloc(0);
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    pending = Buffer.concat([pending, chunk]);
    for (let frame = takeFrame(pending); frame; frame = takeFrame(pending)) {
      pending = pending.subarray(frame.size);
      yield frame;
    }
  }
  if (pending.length > 0) throw new FrameError('the connection ended in the middle of a frame');
}

/** A chunk of what a turn sends: for every client but its sender, at `except`. */
interface Chunk {
  bytes: Buffer;
  except?: string;
}

/**
 * What this turn of the event loop sends, in order. A write costs far more than the bytes it carries, so
 * each client gets one write when the turn ends, however many messages it holds.
 */
const PENDING: Chunk[] = [];

function send(chunk: Chunk): void {
  if (PENDING.length === 0) setImmediate(sendPending); // once every read of this turn is handled
  PENDING.push(chunk);
}

/** Sends `frame` to every client but the one at `exceptAddress`: the same bytes for all. */
function broadcast(frame: Buffer, exceptAddress?: string): void {
  send({ bytes: frame, except: exceptAddress });
}

/**
 * Writes what this turn sent, in one system call per client. Most clients get every chunk: they share one
 * copy of them all. A sender gets the others' chunks, written corked.
 */
function sendPending(): void {
  if (PENDING.length === 0) return;
  const everything = Buffer.concat(PENDING.map(({ bytes }) => bytes));
  const corked = new Set(PENDING.map(({ except }) => except)); // the senders
  for (const [address, { socket }] of CLIENTS) {
    if (!socket.writable) continue;
    if (corked.has(address)) {
      socket.cork(); // its chunks leave in one system call all the same
      for (const { bytes, except } of PENDING) if (except !== address) socket.write(bytes);
      socket.uncork();
    } else socket.write(everything);
  }
  PENDING.length = 0;
}

/** When each reader went above HIGH_WATER, until it is back under it. */
const OVER_SINCE = new WeakMap<net.Socket, number>();

/**
 * Python's `await writer.drain()`, for every reader at once: resolves when no queue is above the mark, so
 * that a flood waits in its sender's socket, not in the readers' queues. A reader that stays above it for
 * STUCK_MS, however little it reads, is let go: nobody holds the room longer than that.
 */
async function roomForAll(): Promise<void> {
  const full = [...CLIENTS.values()].map(({ socket }) => socket).filter((s) => s.writableLength > HIGH_WATER);
  await Promise.all(
    full.map(async (socket) => {
      const since = OVER_SINCE.get(socket) ?? Date.now();
      OVER_SINCE.set(socket, since);
      const done = new AbortController();
      const { signal } = done;
      await Promise.race([
        once(socket, 'drain', { signal }),
        once(socket, 'close', { signal }),
        sleep(since + STUCK_MS - Date.now(), undefined, { signal }),
      ]);
      done.abort();
      if (socket.writableLength > HIGH_WATER) socket.destroy();
      else OVER_SINCE.delete(socket);
    }),
  );
}

/** Sends the error in a TEXT frame, then closes the connection. */
function refuse(socket: net.Socket, address: string, error: string): void {
  console.log(`Refused ${address}: ${error}`);
  socket.end(encodeFrame(TEXT, Buffer.from(error)), () => socket.destroy());
}

/** The HELLO frame's pseudo: the client joins and everyone hears of it, or it gets an error. */
function join(socket: net.Socket, address: string, pseudo: string): string | undefined {
  let error: string | undefined;
  if (pseudo === '' || [...pseudo].length > MAX_PSEUDO_LENGTH) error = BAD_PSEUDO;
  else if (NOT_IN_PSEUDO.test(pseudo)) error = BAD_PSEUDO;
  else if ([...CLIENTS.values()].some((client) => client.pseudo === pseudo))
    error = `Erreur : le pseudo ${pseudo} est déjà pris`;
  if (error !== undefined) {
    refuse(socket, address, error);
    return undefined;
  }
  sendPending(); // what was said before it came is not for it
  CLIENTS.set(address, { socket, pseudo });
  broadcast(encodeFrame(TEXT, Buffer.from(`Annonce : ${pseudo} a rejoint la chatroom`)));
  return pseudo;
}

/** Prints a message (or an image's size) and relays it: pseudo and message, each after its length. */
function relay(address: string, pseudo: string, type: number, message: Buffer): void {
  if (type === IMAGE) console.log(`Image received from ${address} : ${message.length} octets`);
  else {
    const text = message.toString(); // invalid UTF-8 becomes '�' instead of an exception
    const shown = text.length > 200 ? `${text.slice(0, 200)}… (${message.length} octets)` : text;
    console.log(`Message received from ${address} : ${visible(shown)}`);
  }
  const payload = Buffer.concat([withLength(Buffer.from(pseudo)), withLength(message)]);
  broadcast(encodeFrame(type === IMAGE ? IMAGE_RELAY : RELAY, payload), address);
}

async function handleClientMsg(socket: net.Socket): Promise<void> {
  const address = addressOf(socket);
  // Python would only lose this client's task; Node stops the whole server on an unhandled 'error'.
  socket.on('error', (error) => console.log(`Connection with ${address} lost: ${error.message}`));
  socket.once('end', sendPending); // our side closes right after: what this turn sent it leaves first
  socket.setMaxListeners(0); // every sender may be waiting for this reader's 'drain'
  if (CONNECTIONS.size > MAX_CLIENTS) {
    refuse(socket, address, `Erreur : la chatroom est pleine (${MAX_CLIENTS} connexions)`);
    return;
  }
  const late = `Erreur : aucun Hello reçu en ${HELLO_TIMEOUT_MS / 1000} s`;
  const deadline = setTimeout(() => refuse(socket, address, late), HELLO_TIMEOUT_MS);
  const frames = framesOf(socket);
  try {
    const { value: hello, done: gone } = await frames.next();
    clearTimeout(deadline);
    if (gone || !socket.writable) return; // it left, or it was too late
    if (hello.type !== HELLO) throw new FrameError(`a first frame of type ${hello.type}, not a Hello`);
    const pseudo = join(socket, address, hello.payload.toString().trim());
    if (pseudo === undefined) return;
    for await (const { type, payload } of frames) {
      if (type !== MESSAGE && type !== IMAGE)
        throw new FrameError(`a frame of type ${type} (a client sends ${MESSAGE} or ${IMAGE})`);
      if (payload.length > 0) relay(address, pseudo, type, payload); // an image is not looked at: just bytes
      await roomForAll();
    }
  } catch (error) {
    if (!(error instanceof FrameError)) return; // a network error: already reported by the 'error' listener
    console.log(`Dropped ${address}: ${error.message}`);
    socket.destroy();
  } finally {
    clearTimeout(deadline);
    // a clean close, a reset, an error or a bad frame: in every case we get here, once
    const client = CLIENTS.get(address);
    if (client?.socket === socket) {
      CLIENTS.delete(address);
      broadcast(encodeFrame(TEXT, Buffer.from(`Annonce : ${client.pseudo} a quitté la chatroom`)));
    }
  }
}

/** Every open connection, joined or not: all of them are closed when the server stops. */
const CONNECTIONS = new Set<net.Socket>();

const server = net.createServer((socket) => {
  CONNECTIONS.add(socket);
  socket.once('close', () => CONNECTIONS.delete(socket));
  void handleClientMsg(socket);
});
try {
  server.listen(PORT, HOST);
  await once(server, 'listening');
} catch (error) {
  // a port already taken (another server?), an address not on this machine
  console.error(
    `Erreur : impossible d'écouter sur ${HOST}:${PORT} (${(error as NodeJS.ErrnoException).code})`,
  );
  process.exit(1);
}
const { address, port } = server.address() as net.AddressInfo;
console.log(`Serving on ${address.includes(':') ? `[${address}]` : address}:${port}`);

/** Ctrl+C or SIGTERM: every connection is told it is over, then the server goes. */
function stop(): void {
  console.log('Stopping: closing every connection');
  sendPending(); // what this turn relayed leaves before the end
  CLIENTS.clear(); // the leaving clients are not announced to each other
  server.close(() => process.exit(0));
  for (const socket of CONNECTIONS) socket.end();
  setTimeout(() => process.exit(0), 1000).unref(); // a client that never closes its side is not waited for
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
