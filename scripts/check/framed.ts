// The checks of the home-made encoding (step 11, the lab's III.5): the checker speaks it (scripts/frames.ts).
// As a server's clients it sends HELLO and MESSAGE frames and reads TEXT and RELAY frames; as a client's
// server it reads what the client sends and writes frames cut in pieces or glued together.
import net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FramedConnection } from '../frame-wire.ts';
import {
  decodeRelay,
  describeFrame,
  encodeFrame,
  encodeRelay,
  HELLO,
  IMAGE,
  IMAGE_RELAY,
  MESSAGE,
  RELAY,
  TEXT,
} from '../frames.ts';
import { bigPng, smileyJpeg, smileyPng } from '../images.ts';
import type { Proc } from '../proc.ts';
import { ClientScenario, chatClientSuite } from './client.ts';
import type { Context } from './context.ts';
import { type CheckDef, lab, robustness, type Suite } from './define.ts';
import { compareMessage, stripAnsi, type Observation } from './match.ts';
import { chatServerSuite } from './server.ts';
import { Peer } from './tcp.ts';
import { assertStarted, startTarget, waitListening } from './target.ts';

const reuse = (suite: Suite, id: string): CheckDef => suite.checks.find((check) => check.id === id)!;

export const framedServerSuite: Suite = {
  name: 'framed-server',
  description: {
    en: 'The checker is the clients and speaks the encoding: HELLO and MESSAGE frames out, TEXT and RELAY frames in.',
    fr: "Le vérificateur joue les clients et parle l'encodage : trames HELLO et MESSAGE envoyées, TEXT et RELAY reçues.",
  },
  checks: [
    reuse(chatServerSuite, 'server.listens'),
    lab(
      'framed.join',
      'the newcomer and the others receive "Annonce : <PSEUDO> a rejoint la chatroom" in a TEXT frame (type 3)',
      'le nouveau venu et les autres reçoivent « Annonce : <PSEUDO> a rejoint la chatroom » dans une trame TEXT (type 3)',
    ),
    lab(
      'framed.relay',
      'a MESSAGE frame reaches the others as a RELAY frame: pseudo length, pseudo, message length, message',
      'une trame MESSAGE parvient aux autres en trame RELAY : longueur du pseudo, pseudo, longueur du message, message',
    ),
    lab(
      'framed.no-echo',
      'does not relay a message to its sender',
      'ne relaie pas un message à son expéditeur',
    ),
    robustness(
      'framed.whole',
      'frames are whole however TCP cuts them: one frame in many writes, several in one write, newlines inside',
      'les trames arrivent entières quel que soit le découpage TCP : une trame en plusieurs envois, plusieurs en un seul, des retours à la ligne dedans',
    ),
    lab(
      'framed.leave',
      'a departure reaches the others as "Annonce : <PSEUDO> a quitté la chatroom" in a TEXT frame',
      'un départ parvient aux autres sous la forme « Annonce : <PSEUDO> a quitté la chatroom » dans une trame TEXT',
    ),
    robustness(
      'framed.bad-frame',
      'a frame of an unknown type drops that connection only; the others keep chatting',
      "une trame d'un type inconnu coupe cette connexion seulement ; les autres continuent",
    ),
    robustness(
      'framed.oversized',
      'a header announcing 1 GiB drops that connection at once, without waiting for the payload',
      'un en-tête qui annonce 1 Gio coupe cette connexion aussitôt, sans attendre le contenu',
    ),
    lab(
      'image.relay',
      'an IMAGE frame (type 5) reaches every other client as an IMAGE_RELAY frame (type 6): pseudo, same bytes',
      'une trame IMAGE (type 5) parvient à chaque autre client en trame IMAGE_RELAY (type 6) : pseudo, mêmes octets',
    ),
    lab(
      'framed.long',
      'a 1 MB message is relayed whole, its length in the long form (0xFFFF, then the length of the length)',
      'un message de 1 Mo est relayé entier, sa longueur sous la forme longue (0xFFFF, puis la longueur de la longueur)',
    ),
  ],
  run: checkFramedServer,
};

export const framedClientSuite: Suite = {
  name: 'framed-client',
  description: {
    en: 'The checker is the server, speaking the encoding, and the person at the keyboard.',
    fr: "Le vérificateur joue le serveur, qui parle l'encodage, et la personne au clavier.",
  },
  checks: [
    reuse(chatClientSuite, 'client.connects'),
    lab(
      'framed.client-hello',
      'asks for a pseudo, then sends a HELLO frame (type 1) holding exactly the pseudo',
      'demande un pseudo, puis envoie une trame HELLO (type 1) contenant exactement le pseudo',
    ),
    lab(
      'framed.client-sends',
      'sends each typed line in a MESSAGE frame (type 2) holding exactly that line',
      'envoie chaque ligne tapée dans une trame MESSAGE (type 2) contenant exactement cette ligne',
    ),
    lab(
      'framed.client-prints',
      'shows a TEXT frame as its text and a RELAY frame as "<PSEUDO> a dit : {msg}", however they are cut',
      'affiche une trame TEXT telle quelle et une trame RELAY sous la forme « <PSEUDO> a dit : {msg} », quel que soit le découpage',
    ),
    lab(
      'image.sends',
      '"/image <file>" sends the PNG or JPEG file\'s bytes in an IMAGE frame (type 5)',
      '« /image <fichier> » envoie les octets du fichier PNG ou JPEG dans une trame IMAGE (type 5)',
    ),
    lab(
      'image.refused',
      'a missing file, a file that is not an image, an image over 5 MiB: a line for the user, nothing sent',
      "un fichier absent, un fichier qui n'est pas une image, une image de plus de 5 Mio : une ligne pour l'utilisateur, rien d'envoyé",
    ),
    lab(
      'image.shows',
      'an IMAGE_RELAY frame is shown as text lines, 80 columns at most when the output is not a terminal',
      "une trame IMAGE_RELAY s'affiche en lignes de texte, 80 colonnes au plus quand la sortie n'est pas un terminal",
    ),
    reuse(chatClientSuite, 'client.exit-message'),
    reuse(chatClientSuite, 'client.exits'),
  ],
  run: checkFramedClient,
};

export const FRAMED_SUITES: readonly Suite[] = [framedServerSuite, framedClientSuite];

const joined = (pseudo: string): string => `Annonce : ${pseudo} a rejoint la chatroom`;
const left = (pseudo: string): string => `Annonce : ${pseudo} a quitté la chatroom`;

/** What a connection received after frame number `from`, for a report: each frame described, or the raw start. */
function received(connection: FramedConnection | undefined, from = 0): string {
  if (!connection) return '(no connection)';
  const frames = connection.frames.slice(from).map(describeFrame);
  if (connection.reader.error) frames.push(`then a malformed frame: ${connection.reader.error}`);
  if (frames.length === 0 && connection.reader.partial > 0)
    frames.push(`${connection.reader.partial} bytes that do not make a frame`);
  return frames.join('\n') || '(nothing)';
}

/** The TEXT frames received after `from`, compared with `expected` (a near miss when close). */
function textObservation(connection: FramedConnection | undefined, expected: string, from = 0): Observation {
  if (!connection) return { kind: 'missing', seen: '(no connection)' };
  const texts = connection.frames
    .slice(from)
    .filter((frame) => frame.type === TEXT)
    .map((frame) => frame.payload.toString());
  if (texts.includes(expected)) return { kind: 'exact' };
  for (const text of texts) {
    const seen = compareMessage(expected, text);
    if (seen.kind === 'near') return seen;
  }
  return { kind: 'missing', seen: received(connection, from) };
}

/** The relays received after `from`, as [pseudo, message]; a malformed relay is left out. */
function relaysOf(connection: FramedConnection, from = 0): [string, string][] {
  const relays: [string, string][] = [];
  for (const frame of connection.frames.slice(from)) {
    if (frame.type !== RELAY) continue;
    try {
      const { pseudo, message } = decodeRelay(frame.payload);
      relays.push([pseudo, message.toString()]);
    } catch {
      // shown in the report by `received`
    }
  }
  return relays;
}

async function checkFramedServer(ctx: Context): Promise<void> {
  const { host, port, command, cwd, startupMs } = ctx.options;
  const proc = startTarget({ command, cwd, env: { HOST: host, PORT: String(port) } });
  ctx.procs.push(proc);
  ctx.program = proc;
  const probe = await waitListening(proc, host, port, startupMs);
  assertStarted(proc, command);
  if (typeof probe === 'string') {
    ctx.list.fail('server.listens', `a server on ${host}:${port}`, proc.output, probe);
    ctx.list.failRest(ctx.target.checks, 'not run: the server never listened');
    return;
  }
  ctx.track(probe);
  ctx.list.pass('server.listens');
  await new FramedServerScenario(ctx).run();
}

export class FramedServerScenario {
  readonly wait: number;
  /** False once an announcement did not come: later newcomers do not wait for theirs (it only takes time). */
  private announcing = true;

  constructor(readonly ctx: Context) {
    this.wait = ctx.options.waitMs;
  }

  async connect(): Promise<FramedConnection | undefined> {
    try {
      const connection = await FramedConnection.connect(
        this.ctx.options.port,
        this.ctx.options.host,
        this.wait,
      );
      this.ctx.cleanups.push(() => connection.destroy());
      return connection;
    } catch {
      return undefined;
    }
  }

  /** Waits until `connection` received a TEXT frame `expected` after `from` (or closed, or the wait ends). */
  async expectText(
    connection: FramedConnection | undefined,
    expected: string,
    from = 0,
    timeoutMs = this.wait,
  ): Promise<Observation> {
    if (connection)
      await connection.wait(
        () => textObservation(connection, expected, from).kind === 'exact' || connection.closed,
        timeoutMs,
      );
    return textObservation(connection, expected, from);
  }

  /** Waits until the relays `connection` received after frame `from` hold `message` (or `count` of them). */
  async relays(
    connection: FramedConnection,
    from: number,
    until: string | number,
    { timeoutMs = this.wait, sender }: { timeoutMs?: number; sender?: FramedConnection } = {},
  ) {
    const done = (): boolean => {
      const relays = relaysOf(connection, from);
      return typeof until === 'number'
        ? relays.length >= until
        : relays.some(([, message]) => message === until);
    };
    // a sender dropped meanwhile will send nothing more: no need to wait any longer
    const over = (): boolean => done() || connection.closed || sender?.closed === true;
    const wake = (): void => connection.notify();
    sender?.socket.once('close', wake);
    await connection.wait(over, timeoutMs);
    sender?.socket.off('close', wake);
    return relaysOf(connection, from);
  }

  /** A client that sends its HELLO frame and waits for its own announcement and the others'. */
  async join(pseudo: string, others: (FramedConnection | undefined)[] = []) {
    const connection = await this.connect();
    const marks = others.map((other) => other?.frames.length ?? 0);
    connection?.send(HELLO, pseudo);
    // a server that does not announce in the lab's words still answers something: as a person, wait for it
    if (!this.announcing)
      await connection?.wait(() => connection.frames.length > 0 || connection.closed, this.wait);
    const wait = this.announcing ? this.wait : 0;
    const [self, ...toOthers] = await Promise.all([
      this.expectText(connection, joined(pseudo), 0, wait),
      ...others.map((other, i) => this.expectText(other, joined(pseudo), marks[i], wait)),
    ]);
    if (self!.kind !== 'exact') this.announcing = false;
    return { connection, self: self!, toOthers };
  }

  /** alice → bob, with bob's answer as the barrier after which an echo would have come. */
  async run(): Promise<void> {
    const { list } = this.ctx;
    const alice = await this.join('alice');
    const bob = await this.join('bob', [alice.connection]);
    const a = alice.connection;
    const b = bob.connection;
    if (!a || !b) return list.failRest(this.ctx.target.checks, 'not run: a connection was refused');
    const joins = [alice.self, bob.self, bob.toOthers[0]!];
    list.observe('framed.join', joined('bob'), joins.find((seen) => seen.kind !== 'exact') ?? joins[0]!);

    const markA = a.frames.length;
    const markB = b.frames.length;
    a.send(MESSAGE, 'bonjour à tous');
    const [toBob] = await this.relays(b, markB, 1);
    b.send(MESSAGE, 'salut alice');
    const back = (await this.relays(a, markA, 'salut alice')).some(
      ([, message]) => message === 'salut alice',
    );
    const expected = 'alice a dit : bonjour à tous';
    if (toBob && toBob[0] === 'alice' && toBob[1] === 'bonjour à tous') list.pass('framed.relay');
    else list.fail('framed.relay', `RELAY "alice": "bonjour à tous" (${expected})`, received(b, markB));
    if (!back) list.notJudged('framed.no-echo', 'no relay was seen, so its absence proves nothing');
    else {
      const echo = relaysOf(a, markA).some(([, message]) => message === 'bonjour à tous');
      list.check('framed.no-echo', !echo, 'no relay of "bonjour à tous" to alice', received(a, markA));
    }
    if (this.ctx.wants('framed.whole')) await this.whole(b);
    if (this.ctx.wants('framed.leave')) await this.leave(a, b);
    if (this.ctx.wants('framed.bad-frame')) await this.dropped('framed.bad-frame', encodeFrame(9, 'x'), a, b);
    if (this.ctx.wants('framed.oversized'))
      await this.dropped('framed.oversized', Buffer.from([MESSAGE, 0xff, 0xff, 4, 0x40, 0, 0, 0]), a, b);
    if (this.ctx.wants('image.relay')) await this.image(a, b);
    if (this.ctx.wants('framed.long')) await this.long(a, b);
  }

  /** alice sends a PNG: bob and zoe each get an IMAGE_RELAY with alice's pseudo and the same bytes. */
  private async image(a: FramedConnection, b: FramedConnection): Promise<void> {
    const { connection: z } = await this.join('zoe', [a, b]);
    if (!z) return this.ctx.list.fail('image.relay', 'a connection', '', 'refused');
    const png = smileyPng();
    const marks = [b.frames.length, z.frames.length];
    a.send(IMAGE, png);
    const same = (connection: FramedConnection, from: number): boolean =>
      connection.frames.slice(from).some((frame) => {
        if (frame.type !== IMAGE_RELAY) return false;
        try {
          const { pseudo, message } = decodeRelay(frame.payload);
          return pseudo === 'alice' && message.equals(png);
        } catch {
          return false;
        }
      });
    const wake = (): void => b.notify();
    z.socket.on('data', wake);
    await b.wait(() => (same(b, marks[0]!) && same(z, marks[1]!)) || a.closed || b.closed, this.wait);
    z.socket.off('data', wake);
    const missing = [b, z].findIndex((connection, i) => !same(connection, marks[i]!));
    this.ctx.list.check(
      'image.relay',
      missing === -1,
      `IMAGE_RELAY "alice": ${png.length} bytes, to bob and zoe`,
      missing === -1 ? undefined : `${['bob', 'zoe'][missing]}: ${received([b, z][missing], marks[missing])}`,
    );
  }

  /**
   * dave (who speaks only here, so that what he breaks stays here) writes one frame a few bytes at a time,
   * then three frames in one write: bob gets four relays, whole, in order.
   */
  private async whole(b: FramedConnection): Promise<void> {
    const messages = ['morceau par morceau\navec une ligne de plus', 'un', 'deux\n', 'trois'];
    const { connection: a } = await this.join('dave', [b]);
    if (!a) return this.ctx.list.fail('framed.whole', 'a connection', '', 'refused');
    const mark = b.frames.length;
    a.socket.setNoDelay(true);
    const cut = encodeFrame(MESSAGE, messages[0]!);
    for (let i = 0; i < cut.length; i += 3) {
      a.write(cut.subarray(i, i + 3));
      await new Promise((resolve) => setImmediate(resolve)); // each piece its own write
    }
    a.write(Buffer.concat(messages.slice(1).map((message) => encodeFrame(MESSAGE, message))));
    const relays = await this.relays(b, mark, messages.at(-1)!);
    const seen = relays.map(([, message]) => message);
    this.ctx.list.check(
      'framed.whole',
      JSON.stringify(seen) === JSON.stringify(messages),
      messages.map((message) => JSON.stringify(message)).join(', '),
      received(b, mark),
    );
  }

  private async leave(a: FramedConnection, b: FramedConnection): Promise<void> {
    const carol = await this.join('carol', [a, b]);
    if (!carol.connection) return this.ctx.list.fail('framed.leave', 'a connection', '', 'refused');
    const marks = [a.frames.length, b.frames.length];
    carol.connection.end();
    const [toA, toB] = await Promise.all([
      this.expectText(a, left('carol'), marks[0]),
      this.expectText(b, left('carol'), marks[1]),
    ]);
    this.ctx.list.observe('framed.leave', left('carol'), toA.kind !== 'exact' ? toA : toB);
  }

  /** A newcomer sends `bad`: its connection must close, and alice → bob must still work. */
  private async dropped(id: string, bad: Buffer, a: FramedConnection, b: FramedConnection): Promise<void> {
    const pseudo = id === 'framed.bad-frame' ? 'mallory' : 'oscar';
    const { connection } = await this.join(pseudo, [a, b]);
    if (!connection) return this.ctx.list.fail(id, 'a connection', '', 'refused');
    connection.write(bad);
    const closed = await connection.wait(() => connection.closed, this.wait);
    const mark = b.frames.length;
    const message = `toujours là après ${pseudo}`;
    a.send(MESSAGE, message);
    const relays = await this.relays(b, mark, message);
    const others = relays.some(([, text]) => text === message);
    if (!closed)
      return this.ctx.list.fail(
        id,
        "the sender's connection closed",
        'still open',
        `still open ${(this.wait / 1000).toFixed(1)} s after it`,
      );
    this.ctx.list.check(id, others, `bob still receives ${JSON.stringify(message)}`, received(b, mark));
  }

  private async long(a: FramedConnection, b: FramedConnection): Promise<void> {
    const message = 'é0123456789\n'.repeat(1_000_000 / 13);
    const mark = b.frames.length;
    a.send(MESSAGE, message);
    const relays = await this.relays(b, mark, message, { timeoutMs: this.wait * 5, sender: a });
    const ok = relays.some(([, text]) => text === message); // framed.relay judges the pseudo
    this.ctx.list.check(
      'framed.long',
      ok,
      `RELAY "alice": ${Buffer.byteLength(message)} bytes`,
      received(b, mark),
    );
  }
}

/** Listens for the client under test: its first connection, as a FramedConnection (from its first byte). */
async function acceptOne(ctx: Context): Promise<{ next: Promise<FramedConnection | undefined> }> {
  const server = net.createServer();
  server.listen(ctx.options.port, ctx.options.host);
  await once(server, 'listening');
  ctx.cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const next = new Promise<FramedConnection | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ctx.options.startupMs);
    server.once('connection', (socket) => {
      clearTimeout(timer);
      const connection = new FramedConnection(socket);
      ctx.cleanups.push(() => connection.destroy());
      resolve(connection);
    });
  });
  return { next }; // not the promise itself: an async function would wait for it
}

async function checkFramedClient(ctx: Context): Promise<void> {
  const { host, port, command, cwd } = ctx.options;
  const { list } = ctx;
  const accepted = await acceptOne(ctx);
  ctx.address = `${host}:${port}`;
  const proc = startTarget({ command, cwd, env: { HOST: host, PORT: String(port) } });
  ctx.procs.push(proc);
  ctx.program = proc;
  const connection = Promise.race([accepted.next, proc.exited.then(() => undefined)]);
  // a person types the pseudo when asked: at the prompt, or once connected, or after a moment of silence
  await Promise.race([
    connection,
    proc.waitFor(/\S/, { timeoutMs: 1_500, stream: 'output' }).catch(() => undefined),
  ]);
  proc.write('alice\n');
  const server = await connection;
  assertStarted(proc, command);
  if (!server) {
    list.fail('client.connects', `a connection to ${ctx.address}`, proc.output, 'no connection');
    list.failRest(ctx.target.checks, 'not run: the client never connected');
    return;
  }
  list.pass('client.connects');
  const scenario = new FramedClientScenario(ctx, proc, server);
  await scenario.hello();
  await scenario.prints();
  await scenario.sends();
  if (ctx.wants('image.sends', 'image.refused', 'image.shows')) await scenario.images();
  if (ctx.wants('client.exit-message', 'client.exits'))
    await new ClientScenario(ctx, proc, new Peer(server.socket)).serverLeaves();
}

export class FramedClientScenario {
  readonly wait: number;

  constructor(
    readonly ctx: Context,
    readonly proc: Proc,
    readonly server: FramedConnection,
  ) {
    this.wait = ctx.options.waitMs;
  }

  /** The first frame: HELLO "alice". */
  async hello(): Promise<void> {
    const { server } = this;
    await server.wait(() => server.frames.length > 0 || server.reader.error !== undefined, this.wait);
    const first = server.frames[0];
    const id = 'framed.client-hello';
    if (!first) return this.ctx.list.fail(id, 'HELLO "alice"', received(server));
    if (first.type !== HELLO)
      return this.ctx.list.fail(
        id,
        'HELLO "alice"',
        describeFrame(first),
        'the first frame is not of type 1',
      );
    this.ctx.list.compare(id, 'alice', first.payload.toString());
  }

  /** Writes `pieces` as the server, one write each, and waits for the client to print `lines` in order. */
  async showsOnScreen(pieces: Buffer[], lines: string[]): Promise<Observation> {
    const from = this.proc.stdout.length;
    this.server.socket.setNoDelay(true);
    for (const piece of pieces) {
      this.server.write(piece);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const screen = (): string => stripAnsi(this.proc.stdout.slice(from));
    const inOrder = (): boolean => {
      let at = 0;
      for (const line of lines) {
        at = screen().indexOf(line, at);
        if (at === -1) return false;
        at += line.length;
      }
      return true;
    };
    if (await this.proc.until(inOrder, this.wait)) return { kind: 'exact' };
    const shown = screen().split('\n');
    for (const line of lines) {
      for (const piece of shown) {
        const seen = compareMessage(line, piece.replace(/^[>\s]+/, ''));
        if (seen.kind === 'near') return seen;
      }
    }
    return { kind: 'missing', seen: this.proc.stdout.slice(from) };
  }

  /** A TEXT frame cut in two writes, then a RELAY; then a TEXT and a RELAY glued in one write. */
  async prints(): Promise<void> {
    const announce = encodeFrame(TEXT, joined('alice'));
    const relay = encodeFrame(RELAY, encodeRelay('bob', 'coucou'));
    const first = await this.showsOnScreen(
      [announce.subarray(0, 2), announce.subarray(2), relay.subarray(0, 6), relay.subarray(6)],
      [joined('alice'), 'bob a dit : coucou'],
    );
    if (first.kind !== 'exact')
      return void this.ctx.list.observe('framed.client-prints', 'bob a dit : coucou', first);
    const glued = Buffer.concat([
      encodeFrame(TEXT, joined('carol')),
      encodeFrame(RELAY, encodeRelay('carol', 'bonsoir')),
    ]);
    const second = await this.showsOnScreen([glued], [joined('carol'), 'carol a dit : bonsoir']);
    this.ctx.list.observe('framed.client-prints', 'carol a dit : bonsoir', second);
  }

  /** Two typed lines: two MESSAGE frames holding exactly them. */
  async sends(): Promise<void> {
    const { server } = this;
    const lines = ['bonjour', 'ça va ?'];
    const mark = server.frames.length;
    for (const line of lines) this.proc.write(`${line}\n`);
    await server.wait(() => server.frames.length >= mark + lines.length || server.closed, this.wait);
    const sent = server.frames.slice(mark);
    const id = 'framed.client-sends';
    for (const [i, line] of lines.entries()) {
      const frame = sent[i];
      if (!frame) return this.ctx.list.fail(id, `MESSAGE ${JSON.stringify(line)}`, received(server, mark));
      if (frame.type !== MESSAGE)
        return this.ctx.list.fail(
          id,
          `MESSAGE ${JSON.stringify(line)}`,
          describeFrame(frame),
          'not of type 2',
        );
      const seen = compareMessage(line, frame.payload.toString());
      if (seen.kind !== 'exact') return void this.ctx.list.observe(id, line, seen);
    }
    this.ctx.list.pass(id);
  }

  /** Step 12: `/image` with a PNG and a JPEG, then three bad files, then an image received from bob. */
  async images(): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'tp6-check-images-'));
    this.ctx.cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const files = {
      png: smileyPng(),
      jpg: smileyJpeg(),
      txt: Buffer.from('pas une image\n'),
      big: bigPng(6 * 1024 * 1024),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, `image.${name}`), bytes);
    if (this.ctx.wants('image.sends')) await this.sendsImages(join(dir, 'image'), [files.png, files.jpg]);
    if (this.ctx.wants('image.refused')) await this.refuses(join(dir, 'image'));
    if (this.ctx.wants('image.shows')) await this.showsImage();
  }

  private async sendsImages(path: string, images: Buffer[]): Promise<void> {
    const { server } = this;
    const mark = server.frames.length;
    this.proc.write(`/image ${path}.png\n/image ${path}.jpg\n`);
    await server.wait(() => server.frames.length >= mark + 2 || server.closed, this.wait);
    const sent = server.frames.slice(mark, mark + 2);
    const ok =
      sent.length === 2 && sent.every((frame, i) => frame.type === IMAGE && frame.payload.equals(images[i]!));
    this.ctx.list.check(
      'image.sends',
      ok,
      `IMAGE (${images[0]!.length} bytes), IMAGE (${images[1]!.length} bytes): the files' bytes`,
      received(server, mark),
    );
  }

  /** Each bad file gets some output and no frame; a line typed after them is the barrier. */
  private async refuses(path: string): Promise<void> {
    const { server, proc } = this;
    const mark = server.frames.length;
    const last = 'après les images';
    const silent: string[] = [];
    for (const file of [`${path}.absent.png`, `${path}.txt`, `${path}.big`]) {
      const from = proc.stdout.length;
      proc.write(`/image ${file}\n`);
      if (!(await proc.until(() => proc.stdout.slice(from).trim() !== '', this.wait))) silent.push(file);
    }
    proc.write(`${last}\n`);
    const isLast = (frame: { payload: Buffer }): boolean => frame.payload.toString() === last;
    await server.wait(() => server.frames.slice(mark).some(isLast) || server.closed, this.wait);
    const sent = server.frames.slice(mark).filter((frame) => !isLast(frame));
    const id = 'image.refused';
    if (sent.length > 0) return this.ctx.list.fail(id, 'no frame for the bad files', received(server, mark));
    if (silent.length > 0)
      return this.ctx.list.fail(
        id,
        'a line for each bad file',
        proc.stdout,
        `nothing for ${silent.join(', ')}`,
      );
    this.ctx.list.pass(id);
  }

  /** A 160 × 40 picture from bob, then a TEXT frame as the barrier: the lines between are the picture. */
  private async showsImage(): Promise<void> {
    const from = this.proc.stdout.length;
    const barrier = 'Annonce : fin de l’image';
    const seen = await this.showsOnScreen(
      [encodeFrame(IMAGE_RELAY, encodeRelay('bob', smileyPng(160, 40))), encodeFrame(TEXT, barrier)],
      [barrier],
    );
    const id = 'image.shows';
    if (seen.kind !== 'exact') return void this.ctx.list.observe(id, barrier, seen);
    const shown = stripAnsi(this.proc.stdout.slice(from));
    const lines = shown.slice(0, shown.indexOf(barrier)).split('\n');
    const art = lines.filter((line) => line.trim() !== '' && !line.includes('bob'));
    const wide = art.filter((line) => [...line].length > 80);
    if (art.length < 4)
      return this.ctx.list.fail(id, 'the picture in at least 4 lines', shown, 'too few lines');
    const why =
      wide.length > 0 ? `${wide.length} lines are wider (${[...wide[0]!].length} columns)` : undefined;
    this.ctx.list.check(id, wide.length === 0, 'lines of 80 columns at most', shown, why);
  }
}
