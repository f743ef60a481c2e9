// The chat server of II.6 that keeps a log: connections, the conversation and departures, one timestamped
// line per event, in a file and on the console.
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

const HOST = process.env.HOST || '127.0.0.1'; // unset or empty: the default
const PORT = fromEnv('PORT', 8888, 65535); // 0: any free port
const MAX_CLIENTS = fromEnv('MAX_CLIENTS', 500); // connections at once, joined or not
const HELLO_TIMEOUT_MS = fromEnv('HELLO_TIMEOUT_MS', 10_000); // the tests shorten it
const MAX_HELLO_LENGTH = 1024;
const MAX_PSEUDO_LENGTH = 32;
const MAX_MESSAGE_LENGTH = 64 * 1024; // characters: a longer line is cut there
const HIGH_WATER = 1024 * 1024; // bytes queued for one reader: above this, senders wait
const STUCK_MS = fromEnv('STUCK_MS', 30_000); // a reader that stays above the mark this long is let go
const PAUSE_MS = 500; // text without a newline is relayed once its sender pauses this long
const LOG_DIR = process.env.LOG_DIR || '/var/log/chat_room';
// what would let one pass for bob, or for the server: controls, invisible and bidi characters, | and :
const NOT_IN_PSEUDO = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029|:]/u;
const BAD_PSEUDO = 'Erreur : le pseudo doit avoir de 1 à 32 caractères, sans | ni : ni caractère de contrôle';

interface Client {
  socket: net.Socket; // Python keeps a reader and a writer: a Node socket is both
  pseudo: string;
}

/** The connected clients, keyed by their address `IP:port`. */
const CLIENTS = new Map<string, Client>();
const LOG = openLog('server.log');

/** logging.FileHandler: the file in LOG_DIR, or in ./logs/ when that folder cannot be written. */
function openLog(name: string): number | undefined {
  for (const dir of [LOG_DIR, 'logs']) {
    try {
      mkdirSync(dir, { recursive: true });
      return openSync(path.join(dir, name), 'a'); // 'a': appended to, as Python's mode "a"
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      const instead = dir === LOG_DIR ? 'le journal va dans ./logs/' : 'pas de journal';
      console.error(`Logs : impossible d'écrire dans ${dir} (${code}), ${instead}`);
    }
  }
  return undefined;
}

/** logging.info: one event, one line, harmless whatever came from the network; timestamped in the file. */
function log(text: string): void {
  const now = new Date();
  if (LOG !== undefined) writeSync(LOG, `${now.toISOString()} ${visible(text)}\n`);
  console.log(`${now.toTimeString().slice(0, 8)} ${visible(text)}`);
}

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

/** Sends `text` to every client but the one at `exceptAddress`: encoded once, the same bytes for all. */
function broadcast(text: string, exceptAddress?: string): void {
  for (const line of text.split('\n')) log(`Sent: ${line}`);
  send({ bytes: Buffer.from(`${text}\n`), except: exceptAddress });
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

/** Sends the error line, then closes the connection. */
function refuse(socket: net.Socket, address: string, error: string): void {
  log(`Refused ${address}: ${error}`);
  socket.end(`${error}\n`, () => socket.destroy());
}

/** The Hello, `Hello|<PSEUDO>`: the client joins and everyone hears of it, or it gets an error line. */
function join(socket: net.Socket, address: string, hello: string): string | undefined {
  const pseudo = hello.startsWith('Hello|') ? hello.slice('Hello|'.length).trim() : '';
  let error: string | undefined;
  if (pseudo === '') error = 'Erreur : le premier message doit être Hello|<PSEUDO>';
  else if (hello.length > MAX_HELLO_LENGTH || [...pseudo].length > MAX_PSEUDO_LENGTH) error = BAD_PSEUDO;
  else if (NOT_IN_PSEUDO.test(pseudo)) error = BAD_PSEUDO;
  else if ([...CLIENTS.values()].some((client) => client.pseudo === pseudo))
    error = `Erreur : le pseudo ${pseudo} est déjà pris`;
  if (error !== undefined) {
    refuse(socket, address, error);
    return undefined;
  }
  sendPending(); // what was said before it came is not for it
  CLIENTS.set(address, { socket, pseudo });
  broadcast(`Annonce : ${pseudo} a rejoint la chatroom`);
  return pseudo;
}

/**
 * Logs and relays the messages of one read: the log shows them harmlessly, the others get them as they came
 * (one write per reader when the turn ends).
 */
function relay(address: string, pseudo: string, messages: string[]): void {
  if (messages.length === 0) return;
  for (const message of messages) log(`Message received from ${address} : ${message}`);
  broadcast(messages.map((message) => `${pseudo} a dit : ${message}`).join('\n'), address);
}

async function handleClientMsg(socket: net.Socket): Promise<void> {
  const address = addressOf(socket);
  log(`Connected: ${address}`);
  socket.once('close', () => log(`Disconnected: ${address}`));
  // Python would only lose this client's task; Node stops the whole server on an unhandled 'error'.
  socket.on('error', (error) => log(`Connection with ${address} lost: ${error.message}`));
  socket.once('end', sendPending); // our side closes right after: what this turn sent it leaves first
  socket.setEncoding('utf8'); // bytes → text; invalid UTF-8 becomes '�' instead of an exception
  socket.setMaxListeners(0); // every sender may be waiting for this reader's 'drain'
  if (CONNECTIONS.size > MAX_CLIENTS) {
    refuse(socket, address, `Erreur : la chatroom est pleine (${MAX_CLIENTS} connexions)`);
    return;
  }
  const late = `Erreur : aucun Hello|<PSEUDO> reçu en ${HELLO_TIMEOUT_MS / 1000} s`;
  const deadline = setTimeout(() => refuse(socket, address, late), HELLO_TIMEOUT_MS);
  const reads: AsyncIterableIterator<string> = socket[Symbol.asyncIterator]();
  let pending = ''; // the unfinished end of what was read, kept until its newline comes
  let pause: NodeJS.Timeout | undefined;
  try {
    // The first read is the Hello, up to its newline if it has one (the lab's client sends none).
    const { value: first, done: gone } = await reads.next();
    clearTimeout(deadline);
    if (gone || !socket.writable) return; // it left, or it was too late
    const end = first.includes('\n') ? first.indexOf('\n') : first.length;
    const pseudo = join(socket, address, first.slice(0, end));
    if (pseudo === undefined) return;

    /** Relays the whole lines of `data`, each cut to MAX_MESSAGE_LENGTH, and keeps its unfinished end. */
    const relayLines = (data: string): void => {
      const lines = (pending + data).split('\n');
      pending = lines.pop()!.slice(0, MAX_MESSAGE_LENGTH);
      const messages = lines
        .map((line) => line.replace(/\r$/, '').slice(0, MAX_MESSAGE_LENGTH))
        .filter((message) => message !== '');
      relay(address, pseudo, messages);
    };
    relayLines(first.slice(end + 1));
    for (;;) {
      // text with no newline (the lab's Python client sends none) is a message once its sender pauses
      if (pending !== '') pause = setTimeout(() => relayLines('\n'), PAUSE_MS);
      const { value: data, done } = await reads.next(); // data = await reader.read(1024)
      clearTimeout(pause);
      if (done) break;
      relayLines(data);
      await roomForAll();
    }
    relayLines('\n'); // the end of the connection ends its last line too
  } catch {
    // already reported by the 'error' listener
  } finally {
    clearTimeout(deadline);
    clearTimeout(pause);
    // a clean close, a reset or an error: in every case we get here, once
    const client = CLIENTS.get(address);
    if (client?.socket === socket) {
      CLIENTS.delete(address);
      broadcast(`Annonce : ${client.pseudo} a quitté la chatroom`);
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
log(`Serving on ${address.includes(':') ? `[${address}]` : address}:${port}`);

/** Ctrl+C or SIGTERM: every connection is told it is over, then the server goes. */
function stop(): void {
  log('Stopping: closing every connection');
  sendPending(); // what this turn relayed leaves before the end
  CLIENTS.clear(); // the leaving clients are not announced to each other
  server.close(() => process.exit(0));
  for (const socket of CONNECTIONS) socket.end();
  setTimeout(() => process.exit(0), 1000).unref(); // a client that never closes its side is not waited for
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
