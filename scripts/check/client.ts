// The client checks of the chat steps (03–06): the checker is the server, and the person at the keyboard.
// It listens on --host/--port, starts the client, types on its stdin, and watches what it sends and prints.
import type { Proc } from '../proc.ts';
import { compareMessage, findMessage, pieces, stripAnsi, type Observation, type Received } from './match.ts';
import type { Context } from './context.ts';
import { lab, type Suite } from './define.ts';
import { Listener, type Peer } from './tcp.ts';
import { assertStarted, startTarget } from './target.ts';

export const chatClientSuite: Suite = {
  name: 'chat-client',
  description: {
    en: 'The checker is the server and the person at the keyboard: it listens, starts the client, types on its stdin.',
    fr: 'Le vérificateur joue le serveur et la personne au clavier : il écoute, lance le client, tape sur son entrée.',
  },
  checks: [
    lab(
      'client.connects',
      'connects to the address it is given (HOST/PORT)',
      "se connecte à l'adresse donnée (HOST/PORT)",
    ),
    lab('client.hello', 'sends exactly "Hello" first', "envoie d'abord exactement « Hello »"),
    lab(
      'client.hello-pseudo',
      'asks for a pseudo, then sends exactly "Hello|<PSEUDO>" first',
      "demande un pseudo, puis envoie d'abord exactement « Hello|<PSEUDO> »",
    ),
    lab(
      'client.sends-lines',
      'sends each line typed by the user',
      "envoie chaque ligne tapée par l'utilisateur",
    ),
    lab(
      'client.prints',
      'prints what the server sends, as it arrives',
      'affiche ce que le serveur envoie, dès que ça arrive',
    ),
    lab(
      'client.exits-after-answer',
      'exits by itself once it printed the answer',
      "s'arrête tout seul une fois la réponse affichée",
    ),
    lab(
      'client.exit-message',
      'prints a message when the server closes the connection',
      'affiche un message quand le serveur ferme la connexion',
    ),
    lab(
      'client.exits',
      'then exits by itself (code 0), without waiting for the user',
      "puis s'arrête tout seul (code 0), sans attendre l'utilisateur",
    ),
  ],
  run: (ctx) => checkClient(ctx),
};

/**
 * Plays the server and the person at the keyboard; a bonus suite passes its own scenario (see ClientScenario)
 * and the environment its client needs (`env`).
 */
export async function checkClient(
  ctx: Context,
  Scenario = ClientScenario,
  env: Record<string, string> = {},
): Promise<void> {
  const { host, port, command, cwd, startupMs } = ctx.options;
  const { list } = ctx;

  const listener = await Listener.listen(host, port);
  ctx.listeners.push(listener);
  ctx.address = `${host}:${listener.port}`;
  const proc = startTarget({ command, cwd, env: { ...env, HOST: host, PORT: String(listener.port) } });
  ctx.procs.push(proc);
  ctx.program = proc;

  const connection = listener.accept(startupMs, proc.exited);
  if (ctx.wants('client.hello-pseudo')) {
    // a person types the pseudo when asked: at the prompt, or once connected, or after a moment of silence
    await Promise.race([
      connection,
      proc.waitFor(/\S/, { timeoutMs: 1_500, stream: 'output' }).catch(() => undefined),
    ]);
    proc.write('alice\n');
  }
  const peer = await connection;
  assertStarted(proc, command);
  if (!peer) {
    const why = proc.exit
      ? `the client exited (${proc.exit.signal ?? `code ${proc.exit.code}`}) without connecting`
      : `no connection within ${(startupMs / 1000).toFixed(0)} s`;
    list.fail('client.connects', `a connection to ${ctx.address}`, proc.output, why);
    list.failRest(ctx.target.checks, 'not run: the client never connected');
    return;
  }
  list.pass('client.connects');
  const scenario = new Scenario(ctx, proc, peer);
  if (ctx.wants('client.hello')) await scenario.once();
  else if (ctx.wants('client.hello-pseudo')) await scenario.pseudo();
  else await scenario.loops();
  if (ctx.wants('client.exit-message', 'client.exits')) await scenario.serverLeaves();
}

/** The chat-client scenario; a bonus suite extends it (an exchange between the Hello and the loops). */
export class ClientScenario {
  protected readonly wait: number;
  constructor(
    protected readonly ctx: Context,
    protected readonly proc: Proc,
    protected readonly peer: Peer,
  ) {
    this.wait = ctx.options.waitMs;
  }

  /** Sends as the server and waits for the client to print it (ANSI codes and prompts around it are fine). */
  protected async showsOnScreen(message: string, sent = message): Promise<Observation> {
    const from = this.proc.stdout.length;
    this.peer.send(sent);
    const screen = (): string => stripAnsi(this.proc.stdout.slice(from));
    if (await this.proc.until(() => screen().includes(message), this.wait)) return { kind: 'exact' };
    for (const piece of pieces({ text: screen(), boundaries: new Set() })) {
      const seen = compareMessage(message, piece);
      if (seen.kind === 'near') return seen;
    }
    return { kind: 'missing', seen: this.proc.stdout.slice(from) };
  }

  /** Types a line and returns what the server received after it (waits until `line` is there). */
  private async typed(line: string): Promise<Received> {
    const mark = this.peer.mark();
    this.proc.write(`${line}\n`);
    await this.peer.until(
      () => this.peer.since(mark).text.includes(line) || this.peer.closed || this.proc.exit !== undefined,
      this.wait,
    );
    return this.peer.since(mark);
  }

  /** Each typed line must arrive as a message of its own (a newline after it is fine); other messages around it are ignored. */
  private sendsLines(lines: string[], received: Received[]): void {
    const id = 'client.sends-lines';
    for (const [i, line] of lines.entries()) {
      const seen = findMessage(received[i]!, line, [...lines, 'Hello']);
      if (seen.kind !== 'exact') return void this.ctx.list.observe(id, line, seen);
    }
    this.ctx.list.pass(id);
  }

  private async printsAll(messages: string[]): Promise<void> {
    for (const message of messages) {
      const seen = await this.showsOnScreen(message);
      if (seen.kind !== 'exact') return void this.ctx.list.observe('client.prints', message, seen);
    }
    this.ctx.list.pass('client.prints');
  }

  /** chat_client_ii_2: Hello, the answer printed, the end. */
  async once(): Promise<void> {
    const { list } = this.ctx;
    await this.peer.until(() => /hello/i.test(this.peer.text) || this.peer.closed, this.wait);
    list.compare('client.hello', 'Hello', this.peer.text, {
      allowTrailingNewline: true,
    });
    await this.printsAll([
      `Hello ${this.peer.socket.remoteAddress?.replace(/^::ffff:/, '')}:${this.peer.socket.remotePort}`,
    ]);
    const exited = await this.proc.waitExit(this.ctx.options.exitMs).catch(() => undefined);
    list.check(
      'client.exits-after-answer',
      exited !== undefined,
      'the client exits',
      'still running',
      exited ? undefined : `still running ${(this.ctx.options.exitMs / 1000).toFixed(0)} s after the answer`,
    );
  }

  /** chat_client_ii_3: typed lines go out, whatever comes in is shown. */
  async loops(): Promise<void> {
    const lines = ['salut', 'ça va ?'];
    const received = [];
    for (const line of lines) received.push(await this.typed(line));
    this.sendsLines(lines, received);
    const me = `${this.peer.socket.remoteAddress?.replace(/^::ffff:/, '')}:${this.peer.socket.remotePort}`;
    await this.printsAll([`Hello ${me}`, '127.0.0.1:40000 a dit : coucou']);
  }

  /** Between the Hello and the loops: nothing in the lab. Returns where the Hello ends in what was sent. */
  protected async afterHello(): Promise<number | undefined> {
    return undefined;
  }

  /** chat_client_ii_5 and on: the pseudo first, then the loops. */
  async pseudo(): Promise<void> {
    const { list } = this.ctx;
    await this.peer.until(() => /hello/i.test(this.peer.text) || this.peer.closed, this.wait);
    const helloEnd = await this.afterHello();
    const announcement = 'Annonce : alice a rejoint la chatroom';
    const printedAnnouncement = await this.showsOnScreen(announcement);
    // everything the client sent before the user typed anything: its first message, whole
    const hello = this.peer.text.slice(0, helloEnd);
    if (/^Hello\|alice\r?\n$/.test(hello)) {
      const why = `trailing ${JSON.stringify(hello.slice('Hello|alice'.length))} (a lab server stores it in the pseudo)`;
      list.near('client.hello-pseudo', 'Hello|alice', hello, why);
    } else list.compare('client.hello-pseudo', 'Hello|alice', hello);
    const relay = await (printedAnnouncement.kind === 'exact'
      ? this.showsOnScreen('bob a dit : coucou')
      : Promise.resolve(printedAnnouncement));
    list.observe(
      'client.prints',
      printedAnnouncement.kind === 'exact' ? 'bob a dit : coucou' : announcement,
      relay,
    );
    const lines = ['bonjour', 'ça va ?'];
    const received = [];
    for (const line of lines) received.push(await this.typed(line));
    this.sendsLines(lines, received);
  }

  /** II.6: the server closes the connection; the client says so and exits by itself. */
  async serverLeaves(): Promise<void> {
    const { list } = this.ctx;
    const from = this.proc.output.length;
    this.peer.end(); // the server goes away cleanly
    const exit = await this.proc.waitExit(this.ctx.options.exitMs).catch(() => undefined);
    const after = this.proc.output.slice(from);
    const trace = /Traceback|\n\s+at |Error:/.test(after);
    const why = trace ? 'a stack trace is not a message for the user' : undefined;
    list.check(
      'client.exit-message',
      after.trim() !== '' && !trace,
      'a message (any text, no stack trace)',
      after,
      why,
    );
    const seconds = (this.ctx.options.exitMs / 1000).toFixed(0);
    if (!exit)
      list.fail(
        'client.exits',
        'the client exits',
        'still running',
        `still running ${seconds} s after the server closed`,
      );
    else {
      const seen = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
      list.check('client.exits', exit.code === 0, 'exit code 0', seen);
    }
  }
}
