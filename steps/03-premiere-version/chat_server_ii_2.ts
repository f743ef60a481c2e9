// The first chat server: it reads one message from each client, prints it, and answers "Hello IP:port".
import net from 'node:net';
import { once } from 'node:events';

const HOST = process.env.HOST || '127.0.0.1'; // unset or empty: the default
const PORT = /^\d*$/.test(process.env.PORT ?? '') ? Number(process.env.PORT || 8888) : NaN; // 0: any free port
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`Erreur : PORT=${process.env.PORT} n'est pas un numéro de port`);
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

async function handleClientMsg(socket: net.Socket): Promise<void> {
  const address = addressOf(socket);
  // Python would only lose this client's task; Node stops the whole server on an unhandled 'error'.
  socket.on('error', (error) => console.log(`Connection with ${address} lost: ${error.message}`));
  socket.setEncoding('utf8'); // bytes → text; invalid UTF-8 becomes '�' instead of an exception

  try {
    const [data] = (await once(socket, 'data')) as [string]; // reader.read(1024)
    console.log(`Received "${visible(data.trimEnd())}" from ${address}`);
    socket.end(`Hello ${address}\n`); // write, then close once it is sent
  } catch {
    // the client left before saying anything: already reported by the 'error' listener
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
