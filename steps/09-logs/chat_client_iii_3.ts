// The chat client of II.6 that keeps a log of the whole conversation: one timestamped line per event.
import net from 'node:net';
import readline from 'node:readline';
import { once } from 'node:events';
import { mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

const HOST = process.env.HOST || '127.0.0.1'; // unset or empty: the default
const PORT = /^\d*$/.test(process.env.PORT ?? '') ? Number(process.env.PORT || 8888) : NaN; // digits only
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`Erreur : PORT=${process.env.PORT} n'est pas un numéro de port`);
  process.exit(2);
}

const LOG_DIR = process.env.LOG_DIR || '/var/log/chat_room';
const LOG = openLog('client.log');

// In a terminal, a message is shown above the line being typed; with a pipe, lines simply follow each other.
const INTERACTIVE = process.stdin.isTTY === true && process.stdout.isTTY === true;
const PAUSE_MS = 100; // a line with no newline is shown once the server pauses this long

/** Set when the user leaves, so that the server closing the connection in turn is not news. */
let leaving = false;

/** Text from the network, harmless in a terminal: control and invisible characters shown as `\x1b`, `\u202e`. */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (char) => {
    const hex = char.codePointAt(0)!.toString(16);
    return hex.length <= 2 ? `\\x${hex.padStart(2, '0')}` : `\\u${hex.padStart(4, '0')}`;
  });
}

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

/** logging.info, to the file only (the console is the conversation): one event, one harmless line. */
function log(text: string): void {
  if (LOG !== undefined) writeSync(LOG, `${new Date().toISOString()} ${visible(text)}\n`);
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
    log(`Sent: ${line}`);
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
    if (line === '') return;
    log(`Received: ${line}`);
    show(rl, visible(line));
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
    log(leaving ? 'Disconnected' : 'Disconnected: the server closed the connection');
    if (!leaving) show(rl, 'Le serveur a fermé la connexion.');
  } catch (error) {
    log(`Connection lost: ${(error as NodeJS.ErrnoException).code ?? error}`);
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
  log(`Connected to ${HOST}:${PORT}`);
  console.log(`Connecté à ${HOST}:${PORT}`);
  socket.setEncoding('utf8');

  socket.write(`Hello|${pseudo}`); // exactly these bytes: the server's answer, not a newline, ends the Hello
  log(`Sent: Hello|${pseudo}`);

  await Promise.all([sendUserInput(rl, lines, socket), receiveMessages(socket, rl)]); // asyncio.gather
}

try {
  await main();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  console.error(`Erreur : impossible de parler au serveur ${HOST}:${PORT} (${code})`);
  process.exit(1);
}
