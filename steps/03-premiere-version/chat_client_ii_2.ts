// The first chat client: it connects, says "Hello", prints the answer and leaves.
import net from 'node:net';
import { once } from 'node:events';

const HOST = process.env.HOST || '127.0.0.1'; // unset or empty: the default
const PORT = /^\d*$/.test(process.env.PORT ?? '') ? Number(process.env.PORT || 8888) : NaN; // digits only
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`Erreur : PORT=${process.env.PORT} n'est pas un numéro de port`);
  process.exit(2);
}

/** Text from the network, harmless in a terminal: control and invisible characters shown as `\x1b`, `\u202e`. */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (char) => {
    const hex = char.codePointAt(0)!.toString(16);
    return hex.length <= 2 ? `\\x${hex.padStart(2, '0')}` : `\\u${hex.padStart(4, '0')}`;
  });
}

async function main(): Promise<void> {
  const socket = net.connect(PORT, HOST); // asyncio.open_connection
  await once(socket, 'connect');
  socket.setEncoding('utf8');

  socket.write('Hello\n');
  // reader.read(1024): the first data, or the end of the connection if the server closes without a word
  const [data] = (await Promise.race([once(socket, 'data'), once(socket, 'end')])) as [string?];
  if (data === undefined) throw new Error('le serveur a fermé la connexion sans répondre');
  console.log(visible(data.trimEnd()));
  socket.end();
}

try {
  await main();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  console.error(`Erreur : impossible de parler au serveur ${HOST}:${PORT} (${code})`);
  process.exit(1);
}
