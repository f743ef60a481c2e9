// The chat client that sends images (`/image chemin.png`) and shows the others' as ASCII art.
import net from 'node:net';
import readline from 'node:readline';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { PNG } from 'pngjs'; // npm: pure JavaScript decoders, nothing to build
import jpeg from 'jpeg-js';

const HOST = process.env.HOST || '127.0.0.1'; // unset or empty: the default
const PORT = /^\d*$/.test(process.env.PORT ?? '') ? Number(process.env.PORT || 8888) : NaN; // digits only
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`Erreur : PORT=${process.env.PORT} n'est pas un numéro de port`);
  process.exit(2);
}
const MAX_FRAME = 8 * 1024 * 1024; // bytes: what the server relays, with room for the pseudo
const MAX_IMAGE = 5 * 1024 * 1024; // bytes: a bigger file is not sent
const MAX_PIXELS = 16_000_000; // a small file may unpack into a huge picture: that one is not shown
const SHADES = ' .:-=+*#%@'; // from dark to bright, as on a dark terminal

// The first byte of a frame: its type.
const HELLO = 1; // client → server: the pseudo
const MESSAGE = 2; // client → server: the message
const TEXT = 3; // server → client: a line to show (an announcement, an error)
const RELAY = 4; // server → client: pseudo length, pseudo, message length, message
const IMAGE = 5; // client → server: the bytes of a PNG or JPEG file
const IMAGE_RELAY = 6; // server → client: pseudo length, pseudo, image length, image

// In a terminal, a message is shown above the line being typed; with a pipe, lines simply follow each other.
const INTERACTIVE = process.stdin.isTTY === true && process.stdout.isTTY === true;

/** Set when the user leaves, so that the server closing the connection in turn is not news. */
let leaving = false;

/** Text from the network, harmless in a terminal: control and invisible characters shown as `\x1b`, `\u202e`. */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (char) => {
    const hex = char.codePointAt(0)!.toString(16);
    return hex.length <= 2 ? `\\x${hex.padStart(2, '0')}` : `\\u${hex.padStart(4, '0')}`;
  });
}

/** A frame that breaks the rules: the connection is given up. */
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

/** The frames of the connection, each whole however TCP cut it (Python: `await reader.readexactly(n)`). */
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

/** The pseudo and the message (or image) of a RELAY or IMAGE_RELAY frame: each one preceded by its length. */
function decodeRelay(payload: Buffer): [string, Buffer] {
  const pseudo = readLength(payload, 0);
  const message = pseudo && readLength(payload, pseudo.start + pseudo.length);
  if (!pseudo || !message || message.start + message.length !== payload.length)
    throw new FrameError('a relay that is not length, pseudo, length, message');
  return [
    payload.subarray(pseudo.start, pseudo.start + pseudo.length).toString(),
    payload.subarray(message.start),
  ];
}

type Picture = { width: number; height: number; data: Uint8Array }; // RGBA, 4 bytes a pixel

/** The pixels of a PNG or JPEG file, or undefined if it is neither (or too big once unpacked). */
function decodeImage(bytes: Buffer): Picture | undefined {
  try {
    if (bytes.subarray(1, 4).toString() === 'PNG') {
      const pixels = bytes.readUInt32BE(16) * bytes.readUInt32BE(20); // width × height, from its header
      return pixels <= MAX_PIXELS ? PNG.sync.read(bytes) : undefined;
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8)
      return jpeg.decode(bytes, { useTArray: true, maxResolutionInMP: MAX_PIXELS / 1e6 });
  } catch {
    // a damaged file: not an image we can show
  }
  return undefined;
}

/** The picture in characters, `columns` wide: one character per cell, brighter cells denser characters. */
function asciiArt({ width, height, data }: Picture, columns: number): string[] {
  const cols = Math.min(columns, width);
  const rows = Math.max(1, Math.round((height * cols) / width / 2)); // a character is twice as high as wide
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    let line = '';
    for (let col = 0; col < cols; col++) {
      const i =
        4 * (Math.floor(((row + 0.5) * height) / rows) * width + Math.floor(((col + 0.5) * width) / cols));
      const light = ((0.3 * data[i]! + 0.59 * data[i + 1]! + 0.11 * data[i + 2]!) * data[i + 3]!) / 255 / 256;
      line += SHADES[Math.floor(light * SHADES.length)];
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** The file's bytes if it is a PNG or JPEG image of 5 MiB at most; otherwise the line that says why not. */
async function readImage(path: string): Promise<Buffer | string> {
  try {
    if ((await stat(path)).size > MAX_IMAGE)
      return `Erreur : ${path} dépasse 5 Mio, l'image n'est pas envoyée`;
    const bytes = await readFile(path);
    return decodeImage(bytes) ? bytes : `Erreur : ${path} n'est pas une image PNG ou JPEG`;
  } catch (error) {
    return `Erreur : impossible de lire ${path} (${(error as NodeJS.ErrnoException).code})`;
  }
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

/** First loop (aioconsole.ainput): a line goes in a MESSAGE frame, `/image chemin` in an IMAGE frame. */
async function sendUserInput(
  rl: readline.Interface,
  lines: AsyncIterableIterator<string>,
  socket: net.Socket,
): Promise<void> {
  rl.prompt();
  for await (const line of lines) {
    if (!socket.writable) break; // the server closed the connection meanwhile
    if (line.startsWith('/image ')) {
      const image = await readImage(line.slice('/image '.length).trim());
      if (typeof image === 'string') show(rl, visible(image));
      else socket.write(encodeFrame(IMAGE, image));
    } else if (line !== '') socket.write(encodeFrame(MESSAGE, Buffer.from(line)));
    rl.prompt();
  }
  leaving = true;
  socket.end(); // Ctrl+C, Ctrl+D or the end of a pipe: close the connection cleanly
}

/** Second loop: each frame the server sends is shown as it comes, one line per frame. */
async function receiveMessages(socket: net.Socket, rl: readline.Interface): Promise<void> {
  try {
    for await (const { type, payload } of framesOf(socket)) {
      if (type === TEXT) {
        const text = payload.toString();
        if (text.startsWith('Erreur : ')) {
          leaving = true; // refused (a pseudo already taken…): the server closes the connection
          process.exitCode = 1;
        }
        show(rl, visible(text));
      } else if (type === RELAY) {
        const [pseudo, message] = decodeRelay(payload);
        show(rl, `${visible(pseudo)} a dit : ${visible(message.toString())}`);
      } else if (type === IMAGE_RELAY) {
        const [pseudo, image] = decodeRelay(payload);
        const picture = decodeImage(image);
        const art = picture ? asciiArt(picture, process.stdout.columns || 80) : ['(image illisible)'];
        show(rl, [`${visible(pseudo)} a envoyé une image :`, ...art].join('\n'));
      }
    }
    if (!leaving) show(rl, 'Le serveur a fermé la connexion.');
  } catch (error) {
    const why = error instanceof FrameError ? error.message : (error as NodeJS.ErrnoException).code;
    show(rl, `Connexion perdue avec le serveur (${why ?? error})`);
    process.exitCode = 1;
    socket.destroy();
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

  // Before the two loops: the pseudo, in a HELLO frame. Its length ends it: no need to wait for the answer.
  const pseudo = await askPseudo(rl, lines);
  if (pseudo === undefined) return;
  // then the connection: a server's Hello deadline runs from here, not while the user types the pseudo
  const socket = net.connect(PORT, HOST); // asyncio.open_connection
  await once(socket, 'connect');

  socket.write(encodeFrame(HELLO, Buffer.from(pseudo)));

  await Promise.all([sendUserInput(rl, lines, socket), receiveMessages(socket, rl)]); // asyncio.gather
}

try {
  await main();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  console.error(`Erreur : impossible de parler au serveur ${HOST}:${PORT} (${code})`);
  process.exit(1);
}
