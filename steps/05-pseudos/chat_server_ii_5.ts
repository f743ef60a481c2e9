// The chat server with pseudos: a client's first message is "Hello|<PSEUDO>", then the others know it by name.
import net from 'node:net';
import { once } from 'node:events';

const HOST = process.env.HOST || '127.0.0.1'; // unset or empty: the default
const PORT = /^\d*$/.test(process.env.PORT ?? '') ? Number(process.env.PORT || 8888) : NaN; // 0: any free port
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`Erreur : PORT=${process.env.PORT} n'est pas un numéro de port`);
  process.exit(2);
}
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
const MAX_HELLO_LENGTH = 1024;
const MAX_PSEUDO_LENGTH = 32;
// what would let one pass for bob, or for the server: controls, invisible and bidi characters, | and :
const NOT_IN_PSEUDO = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029|:]/u;
const BAD_PSEUDO = 'Erreur : le pseudo doit avoir de 1 à 32 caractères, sans | ni : ni caractère de contrôle';

interface Client {
  socket: net.Socket; // Python keeps a reader and a writer: a Node socket is both
  pseudo: string;
}

/** The connected clients, keyed by their address `IP:port`. */
const CLIENTS = new Map<string, Client>();

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

/** The messages in what was just read: one per line (a client may send several at once). */
function messagesIn(data: string): string[] {
  return data
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line !== '');
}

/** writer.write: the bytes are queued and sent in the background ('drain' is Python's `await writer.drain()`). */
function send(socket: net.Socket, text: string): void {
  if (!socket.writable) return;
  // Not waiting for 'drain' lets one slow reader hold nobody up; one that reads nothing at all is let go.
  if (socket.writableLength > MAX_QUEUED_BYTES) socket.destroy();
  else socket.write(`${text}\n`);
}

/** Sends `text` to every client but the one at `exceptAddress`. */
function broadcast(text: string, exceptAddress?: string): void {
  for (const [address, client] of CLIENTS) {
    if (address !== exceptAddress) send(client.socket, text);
  }
}

/** Sends the error line, then closes the connection. */
function refuse(socket: net.Socket, address: string, error: string): void {
  console.log(`Refused ${address}: ${error}`);
  socket.end(`${error}\n`, () => socket.destroy());
}

/** The Hello, `Hello|<PSEUDO>`: the client joins and everyone hears of it, or it gets an error line. */
function join(socket: net.Socket, address: string, hello: string): string | undefined {
  const pseudo = hello.startsWith('Hello|') ? hello.slice('Hello|'.length).trim() : '';
  let error: string | undefined;
  if (pseudo === '') error = 'Erreur : le premier message doit être Hello|<PSEUDO>';
  else if (hello.length > MAX_HELLO_LENGTH || [...pseudo].length > MAX_PSEUDO_LENGTH) error = BAD_PSEUDO;
  else if (NOT_IN_PSEUDO.test(pseudo)) error = BAD_PSEUDO;
  else if ([...CLIENTS.values()].some((client) => client.pseudo === pseudo && !client.socket.destroyed))
    error = `Erreur : le pseudo ${pseudo} est déjà pris`;
  if (error !== undefined) {
    refuse(socket, address, error);
    return undefined;
  }
  CLIENTS.set(address, { socket, pseudo });
  broadcast(`Annonce : ${pseudo} a rejoint la chatroom`);
  return pseudo;
}

/** Prints and relays every message in what was read. */
function relay(address: string, pseudo: string, data: string): void {
  for (const message of messagesIn(data)) {
    console.log(`Message received from ${address} : ${visible(message)}`);
    broadcast(`${pseudo} a dit : ${message}`, address);
  }
}

async function handleClientMsg(socket: net.Socket): Promise<void> {
  const address = addressOf(socket);
  // Python would only lose this client's task; Node stops the whole server on an unhandled 'error'.
  socket.on('error', (error) => console.log(`Connection with ${address} lost: ${error.message}`));
  socket.setEncoding('utf8'); // bytes → text; invalid UTF-8 becomes '�' instead of an exception

  const reads: AsyncIterableIterator<string> = socket[Symbol.asyncIterator]();
  try {
    // The first read is the Hello, up to its newline if it has one (the lab's client sends none).
    const { value: first, done: gone } = await reads.next();
    if (gone) return;
    const end = first.includes('\n') ? first.indexOf('\n') : first.length;
    const pseudo = join(socket, address, first.slice(0, end));
    if (pseudo === undefined) return;
    relay(address, pseudo, first.slice(end + 1));
    for await (const data of reads) {
      // while True: data = await reader.read(1024)
      relay(address, pseudo, data);
    }
  } catch {
    // already reported by the 'error' listener
  }
}

const server = net.createServer((socket) => void handleClientMsg(socket));
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
