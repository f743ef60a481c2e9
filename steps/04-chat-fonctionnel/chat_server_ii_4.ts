// A working chat server: every message is sent to all the other connected clients.
import net from 'node:net';
import { once } from 'node:events';

const HOST = process.env.HOST || '127.0.0.1'; // unset or empty: the default
const PORT = /^\d*$/.test(process.env.PORT ?? '') ? Number(process.env.PORT || 8888) : NaN; // 0: any free port
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`Erreur : PORT=${process.env.PORT} n'est pas un numéro de port`);
  process.exit(2);
}
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

interface Client {
  socket: net.Socket; // Python keeps a reader and a writer: a Node socket is both
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

/** writer.write, without Python's `await writer.drain()`: a reader that takes nothing for long is let go. */
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

async function handleClientMsg(socket: net.Socket): Promise<void> {
  const address = addressOf(socket);
  // Python would only lose this client's task; Node stops the whole server on an unhandled 'error'.
  socket.on('error', (error) => console.log(`Connection with ${address} lost: ${error.message}`));
  socket.setEncoding('utf8'); // bytes → text; invalid UTF-8 becomes '�' instead of an exception

  let greeted = false;
  try {
    for await (const data of socket as AsyncIterable<string>) {
      // while True: data = await reader.read(1024)
      if (!CLIENTS.has(address)) CLIENTS.set(address, { socket });
      for (const message of messagesIn(data)) {
        console.log(`Message received from ${address} : ${visible(message)}`);
        broadcast(`${address} a dit : ${message}`, address);
      }
      if (!greeted) {
        send(socket, `Hello ${address}`);
        greeted = true;
      }
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
