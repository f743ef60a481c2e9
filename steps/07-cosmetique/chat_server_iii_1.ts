// The chat server with a colour per client and a time on each message; the sender sees what it said.
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';

const HOST = process.env.HOST || '127.0.0.1'; // unset or empty: the default
const PORT = Number(process.env.PORT || 8888); // 0: any free port
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
const MAX_HELLO_LENGTH = 1024;
const HELLO_PAUSE_MS = 200; // how long a Hello without "\n" may wait for the rest of it

interface Client {
  socket: net.Socket; // Python keeps a reader and a writer: a Node socket is both
  pseudo: string;
  colour: string; // `#rrggbb`, drawn at its arrival
}

/** The connected clients, keyed by their address `IP:port`. */
const CLIENTS = new Map<string, Client>();

/** `IP:port` of the other end, an IPv4 address shown plainly (`127.0.0.1`, not `::ffff:127.0.0.1`). */
function addressOf(socket: net.Socket): string {
  const ip = (socket.remoteAddress ?? '?').replace(/^::ffff:/, '');
  return `${ip}:${socket.remotePort}`;
}

/** The messages in what was just read: one per line (a client may send several at once). */
function messagesIn(data: string): string[] {
  return data
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line !== '');
}

/** The pseudo in a first line `Hello|<PSEUDO>`, or undefined if the line is anything else. */
function pseudoIn(hello: string): string | undefined {
  if (!hello.startsWith('Hello|')) return undefined;
  const pseudo = hello.slice('Hello|'.length).trim();
  return pseudo === '' ? undefined : pseudo;
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

/**
 * The first line, "Hello|<PSEUDO>", however TCP cuts it: what is read is gathered up to the end of the
 * line. A Hello with no newline at all (the lab's Python client sends "Hello|it4" alone) is taken as it is
 * once the client pauses. Resolves with the pseudo and what came after the Hello, or undefined if the
 * first message is anything else, or if the client leaves first.
 */
function readHello(socket: net.Socket): Promise<{ pseudo: string; rest: string } | undefined> {
  return new Promise((resolve) => {
    let text = '';
    let pause: NodeJS.Timeout | undefined;
    const finish = (hello: string, rest: string): void => {
      clearTimeout(pause);
      socket.off('data', onData).off('close', onClose);
      socket.pause(); // what comes next waits in the socket for the relay loop
      const pseudo = pseudoIn(hello.replace(/\r$/, ''));
      resolve(pseudo === undefined ? undefined : { pseudo, rest });
    };
    const onData = (data: string): void => {
      text += data;
      const end = text.indexOf('\n');
      if (end !== -1) {
        finish(text.slice(0, end), text.slice(end + 1));
        return;
      }
      const couldBeHello = text.startsWith('Hello|') || 'Hello|'.startsWith(text);
      if (!couldBeHello || text.length > MAX_HELLO_LENGTH) {
        finish(text, '');
        return;
      }
      clearTimeout(pause);
      pause = setTimeout(() => finish(text, ''), HELLO_PAUSE_MS);
    };
    const onClose = (): void => finish('', '');
    socket.on('data', onData).once('close', onClose);
  });
}

/** A random colour, light enough to read on a dark terminal. */
function randomColour(): string {
  const channel = (): string => randomInt(80, 256).toString(16).padStart(2, '0');
  return `#${channel()}${channel()}${channel()}`;
}

/** Prints and relays every message in what was read: "Message|<time>|<colour>|<pseudo>|<msg>" to the others. */
function relay(address: string, client: Client, data: string): void {
  for (const message of messagesIn(data)) {
    const time = new Date().toISOString(); // when the server received it, in UTC
    console.log(`Message received from ${address} : ${message}`);
    send(client.socket, `Vous avez dit : ${message}`);
    broadcast(`Message|${time}|${client.colour}|${client.pseudo}|${message}`, address);
  }
}

async function handleClientMsg(socket: net.Socket): Promise<void> {
  const address = addressOf(socket);
  // Python would only lose this client's task; Node stops the whole server on an unhandled 'error'.
  socket.on('error', (error) => console.log(`Connection with ${address} lost: ${error.message}`));
  socket.setEncoding('utf8'); // bytes → text; invalid UTF-8 becomes '�' instead of an exception

  const hello = await readHello(socket);
  if (hello === undefined) {
    if (socket.destroyed) return; // gone before its Hello
    console.log(`Refused ${address}: its first message is not Hello|<PSEUDO>`);
    socket.end('Erreur : le premier message doit être Hello|<PSEUDO>\n', () => socket.destroy());
    return;
  }
  const { pseudo } = hello;
  const client: Client = { socket, pseudo, colour: randomColour() };
  CLIENTS.set(address, client);
  broadcast(`Annonce : ${pseudo} a rejoint la chatroom`);
  relay(address, client, hello.rest);
  try {
    for await (const data of socket as AsyncIterable<string>) {
      // while True: data = await reader.read(1024)
      relay(address, client, data);
    }
  } catch {
    // already reported by the 'error' listener
  } finally {
    // a clean close, a reset or an error: in every case the loop ends and we get here, once
    if (CLIENTS.get(address)?.socket === socket) {
      CLIENTS.delete(address);
      broadcast(`Annonce : ${pseudo} a quitté la chatroom`);
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
  // a port already taken (another server?), a bad PORT, an address not on this machine
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
  CLIENTS.clear(); // the leaving clients are not announced to each other
  server.close(() => process.exit(0));
  for (const socket of CONNECTIONS) socket.end();
  setTimeout(() => process.exit(0), 1000).unref(); // a client that never closes its side is not waited for
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
