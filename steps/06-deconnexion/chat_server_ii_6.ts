// The chat server that sees clients leave, and closes every connection when it stops.
import net from 'node:net';
import { once } from 'node:events';

const HOST = process.env.HOST ?? '127.0.0.1';
const PORT = Number(process.env.PORT ?? 8888); // 0: any free port
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
const MAX_HELLO_LENGTH = 1024;
const HELLO_PAUSE_MS = 200; // how long a Hello without "\n" may wait for the rest of it

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

/** The messages in what was just read: one per line (a client may send several at once). */
function messagesIn(data: string): string[] {
  return data.split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line !== '');
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

async function handleClientMsg(socket: net.Socket): Promise<void> {
  const address = addressOf(socket);
  // Python would only lose this client's task; Node stops the whole server on an unhandled 'error'.
  socket.on('error', (error) => console.log(`Connection with ${address} lost: ${error.message}`));
  socket.setEncoding('utf8'); // bytes → text; invalid UTF-8 becomes '�' instead of an exception

  const join = (pseudo: string): void => {
    CLIENTS.set(address, { socket, pseudo });
    broadcast(`Annonce : ${pseudo} a rejoint la chatroom`);
  };
  let hello = ''; // TCP may cut "Hello|alice\n" in pieces: gather them up to the end of the line
  let helloTimer: NodeJS.Timeout | undefined;
  try {
    for await (let data of socket as AsyncIterable<string>) { // while True: data = await reader.read(1024)
      if (!CLIENTS.has(address)) {
        clearTimeout(helloTimer);
        hello += data;
        const end = hello.indexOf('\n');
        const couldBeHello = hello.startsWith('Hello|') || 'Hello|'.startsWith(hello);
        if (end === -1 && couldBeHello && hello.length <= MAX_HELLO_LENGTH) {
          // No end of line yet: the rest may be on its way, or the client sends none (the lab's Python
          // client writes "Hello|it4" alone). A valid Hello followed by a pause is taken as it is.
          const pseudo = pseudoIn(hello);
          if (pseudo !== undefined) helloTimer = setTimeout(() => join(pseudo), HELLO_PAUSE_MS);
          continue;
        }
        const pseudo = end === -1 ? undefined : pseudoIn(hello.slice(0, end).replace(/\r$/, ''));
        if (pseudo === undefined) {
          console.log(`Refused ${address}: its first message is not Hello|<PSEUDO>`);
          const refusal = 'Erreur : le premier message doit être Hello|<PSEUDO>\n';
          await new Promise<void>((sent) => socket.end(refusal, () => sent()));
          socket.destroy(); // sent: now close without waiting for the client
          return;
        }
        join(pseudo);
        data = hello.slice(end + 1); // whatever came after the Hello
      }
      const { pseudo } = CLIENTS.get(address)!;
      for (const message of messagesIn(data)) {
        console.log(`Message received from ${address} : ${message}`);
        broadcast(`${pseudo} a dit : ${message}`, address);
      }
    }
  } catch {
    // already reported by the 'error' listener
  } finally {
    clearTimeout(helloTimer); // gone before its Hello was complete
    // a clean close, a reset or an error: in every case the loop ends and we get here, once
    const client = CLIENTS.get(address);
    if (client?.socket === socket) {
      CLIENTS.delete(address);
      broadcast(`Annonce : ${client.pseudo} a quitté la chatroom`);
    }
  }
}

const server = net.createServer((socket) => void handleClientMsg(socket));
try {
  server.listen(PORT, HOST);
  await once(server, 'listening');
} catch (error) {
  // a port already taken (another server?), a bad PORT, an address not on this machine
  console.error(`Erreur : impossible d'écouter sur ${HOST}:${PORT} (${(error as NodeJS.ErrnoException).code})`);
  process.exit(1);
}
const { address, port } = server.address() as net.AddressInfo;
console.log(`Serving on ${address.includes(':') ? `[${address}]` : address}:${port}`);

/** Ctrl+C or SIGTERM: every client is told the connection is over, then the server goes. */
function stop(): void {
  console.log('Stopping: closing every connection');
  server.close(() => process.exit(0));
  for (const { socket } of CLIENTS.values()) socket.end();
  CLIENTS.clear(); // the leaving clients are not announced to each other
  setTimeout(() => process.exit(0), 1000).unref(); // connections that never said Hello are not waited for
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
