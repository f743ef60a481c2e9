// The chat client of II.6 that connects where it is told: options, a config file, the environment.
import net from 'node:net';
import readline from 'node:readline';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, parseEnv } from 'node:util';

const DEFAULT_CONFIG = path.join(import.meta.dirname, 'chat_room.conf');
const USAGE = `usage : chat_client_iii_4 [-a ADRESSE] [-p PORT] [--config FICHIER]
  -a, --address ADRESSE  l'adresse du serveur (défaut : 127.0.0.1)
  -p, --port PORT        le port du serveur (défaut : 8888)
  --config FICHIER       des lignes HOST=… et PORT=… (défaut : chat_room.conf à côté du programme)
Priorité : les options, puis le fichier, puis l'environnement (HOST, PORT), puis les défauts.`;
const { HOST, PORT } = configuration();

// In a terminal, a message is shown above the line being typed; with a pipe, lines simply follow each other.
const INTERACTIVE = process.stdin.isTTY === true && process.stdout.isTTY === true;
const PAUSE_MS = 100; // a line with no newline is shown once the server pauses this long

/** Set when the user leaves, so that the server closing the connection in turn is not news. */
let leaving = false;

/**
 * Where to connect: the options (argparse), then the config file (HOST=… / PORT=… lines), then the
 * environment, then the defaults; the first that sets a value wins. A bad one stops here: one line, code 2.
 */
function configuration(): { HOST: string; PORT: number } {
  const options = commandLine();
  if (options.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const layers = [{ HOST: options.address, PORT: options.port }, readConfig(options.config), process.env];
  const setting = (key: 'HOST' | 'PORT'): string | undefined =>
    layers.map((layer) => layer[key]).find(Boolean);
  const port = setting('PORT') ?? '8888';
  if (!/^\d+$/.test(port) || Number(port) > 65535) usageError(`${port} n'est pas un numéro de port`);
  return { HOST: setting('HOST') ?? '127.0.0.1', PORT: Number(port) };
}

/** argparse: the options, or one line naming the one that is wrong. */
function commandLine() {
  try {
    const options = {
      address: { type: 'string', short: 'a' },
      port: { type: 'string', short: 'p' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    } as const;
    return parseArgs({ options }).values;
  } catch (error) {
    usageError((error as Error).message.split('. ')[0]!); // "Unknown option '--colour'", without the advice
  }
}

/** configparser: the file's HOST=… / PORT=… lines (parseEnv reads the .env format); none if no file. */
function readConfig(file: string | undefined): NodeJS.Dict<string> {
  try {
    return parseEnv(readFileSync(file ?? DEFAULT_CONFIG, 'utf8'));
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (file === undefined && code === 'ENOENT') return {}; // the default file is optional
    usageError(`impossible de lire ${file ?? DEFAULT_CONFIG} (${code})`);
  }
}

function usageError(message: string): never {
  console.error(`Erreur : ${message} (--help pour l'aide)`);
  process.exit(2);
}

/** Text from the network, harmless in a terminal: control and invisible characters shown as `\x1b`, `\u202e`. */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (char) => {
    const hex = char.codePointAt(0)!.toString(16);
    return hex.length <= 2 ? `\\x${hex.padStart(2, '0')}` : `\\u${hex.padStart(4, '0')}`;
  });
}

/** Prints a line above the input line, then redraws the prompt and the half-typed text as they were. */
function show(rl: readline.Interface, text: string): void {
  if (!INTERACTIVE) {
    console.log(text);
    return;
  }
  readline.clearLine(process.stdout, 0);
  readline.cursorTo(process.stdout, 0);
  console.log(text);
  rl.prompt(true); // true: keep the cursor where it was in the typed text
}

/** Asks for lines until one is not blank; undefined if the input ends first. */
async function askPseudo(
  rl: readline.Interface,
  lines: AsyncIterableIterator<string>,
): Promise<string | undefined> {
  rl.setPrompt(INTERACTIVE ? 'Pseudo : ' : '');
  for (;;) {
    rl.prompt();
    const { value, done } = await lines.next();
    if (done) return undefined;
    if (value.trim() !== '') {
      rl.setPrompt(INTERACTIVE ? '> ' : '');
      return value.trim();
    }
  }
}

/** First loop (aioconsole.ainput): each line typed is sent to the server. */
async function sendUserInput(
  rl: readline.Interface,
  lines: AsyncIterableIterator<string>,
  socket: net.Socket,
): Promise<void> {
  // Nothing typed is sent before the server's answer (receiveMessages shows it, and the prompt after it).
  await once(socket, 'readable').catch(() => {});
  for await (const line of lines) {
    if (!socket.writable) break; // the server closed the connection meanwhile
    socket.write(`${line}\n`);
    rl.prompt();
  }
  leaving = true;
  socket.end(); // Ctrl+C, Ctrl+D or the end of a pipe: close the connection cleanly
}

/** Second loop (reader.read): what the server sends is shown a whole line at a time. */
async function receiveMessages(socket: net.Socket, rl: readline.Interface): Promise<void> {
  let pending = ''; // the unfinished end of a read: TCP may cut a line anywhere
  let pause: NodeJS.Timeout | undefined;
  const showLine = (line: string): void => {
    if (line.startsWith('Erreur : ')) {
      leaving = true; // refused (a pseudo already taken…): the server closes the connection
      process.exitCode = 1;
    }
    if (line !== '') show(rl, visible(line));
  };
  const showPending = (): void => {
    showLine(pending);
    pending = '';
  };
  try {
    for await (const data of socket as AsyncIterable<string>) {
      clearTimeout(pause);
      const lines = (pending + data).split('\n');
      pending = lines.pop()!;
      lines.forEach(showLine);
      // a server that ends its lines with no newline (the lab's Python one): shown once it pauses
      if (pending !== '') pause = setTimeout(showPending, PAUSE_MS);
    }
    clearTimeout(pause);
    showPending(); // the end of the connection ends its last line too
    if (!leaving) show(rl, 'Le serveur a fermé la connexion.');
  } catch (error) {
    show(rl, `Connexion perdue avec le serveur (${(error as NodeJS.ErrnoException).code ?? error})`);
    process.exitCode = 1;
  }
  rl.close();
}

async function main(): Promise<void> {
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: INTERACTIVE,
  });
  rl.setPrompt(INTERACTIVE ? '> ' : '');
  // Ctrl+C (seen by readline in a terminal, a signal otherwise) or a kill ends the input, as Ctrl+D does.
  rl.on('SIGINT', () => rl.close());
  process.once('SIGINT', () => rl.close()).once('SIGTERM', () => rl.close());
  // One reader of the typed lines for the pseudo and then the loop, so that no line falls in between.
  const lines = rl[Symbol.asyncIterator]();

  // Before the two loops: the pseudo, then exactly "Hello|<PSEUDO>".
  const pseudo = await askPseudo(rl, lines);
  if (pseudo === undefined) return;
  // then the connection: a server's Hello deadline runs from here, not while the user types the pseudo
  const socket = net.connect(PORT, HOST); // asyncio.open_connection
  await once(socket, 'connect');
  socket.setEncoding('utf8');
  socket.write(`Hello|${pseudo}`); // exactly these bytes: the server's answer, not a newline, ends the Hello

  await Promise.all([sendUserInput(rl, lines, socket), receiveMessages(socket, rl)]); // asyncio.gather
}

try {
  await main();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  console.error(`Erreur : impossible de parler au serveur ${HOST}:${PORT} (${code})`);
  process.exit(1);
}
