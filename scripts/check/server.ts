// The server checks of the chat steps (03–06): the checker is the clients. It acts as a person would:
// after a Hello it waits for the answer or the announcement before it sends anything else, since the lab
// has no framing; a message may come in any chunks, with or without a newline.
import type { Proc } from '../proc.ts';
import { findMessage, type Observation } from './match.ts';
import type { Context } from './context.ts';
import { lab, robustness, type Suite } from './define.ts';
import { Peer } from './tcp.ts';
import { assertStarted, startTarget, waitListening } from './target.ts';

export const chatServerSuite: Suite = {
  name: 'chat-server',
  description: {
    en: 'The checker is the clients (alice, bob, carol, dave): it connects, sends, and reads what each one receives.',
    fr: 'Le vérificateur joue les clients (alice, bob, carol, dave) : il se connecte, envoie, et lit ce que chacun reçoit.',
  },
  checks: [
    lab(
      'server.listens',
      'listens on the address it is given (HOST/PORT)',
      "écoute à l'adresse donnée (HOST/PORT)",
    ),
    lab(
      'server.hello',
      'answers "Hello {IP}:{Port}" with the client\'s own address and port',
      "répond « Hello {IP}:{Port} » avec l'adresse et le port du client",
    ),
    lab(
      'server.several',
      'serves several clients at once, each with its own address',
      'sert plusieurs clients à la fois, chacun avec son adresse',
    ),
    lab(
      'server.keeps-open',
      'keeps each connection open after answering',
      'garde chaque connexion ouverte après avoir répondu',
    ),
    lab(
      'server.received-log',
      'prints "Message received from {IP}:{Port} : {msg}" for each message',
      'affiche « Message received from {IP}:{Port} : {msg} » pour chaque message',
    ),
    lab(
      'server.relay',
      'relays a message to the other clients as "{IP}:{Port} a dit : {msg}"',
      'relaie un message aux autres clients sous la forme « {IP}:{Port} a dit : {msg} »',
    ),
    lab(
      'server.relay-all',
      'relays it to every other client, not just one',
      'le relaie à tous les autres clients, pas à un seul',
    ),
    lab(
      'server.no-echo',
      'does not send a message back to its sender',
      'ne renvoie pas un message à son expéditeur',
    ),
    lab(
      'server.join-self',
      'the newcomer receives "Annonce : <PSEUDO> a rejoint la chatroom"',
      'le nouveau venu reçoit « Annonce : <PSEUDO> a rejoint la chatroom »',
    ),
    lab(
      'server.join-all',
      'the clients already there receive the join announcement too',
      "les clients déjà là reçoivent aussi l'annonce d'arrivée",
    ),
    lab(
      'server.relay-pseudo',
      'relays messages as "<PSEUDO> a dit : {msg}"',
      'relaie les messages sous la forme « <PSEUDO> a dit : {msg} »',
    ),
    lab(
      'server.bad-hello',
      'a first message that is not "Hello|<PSEUDO>" is neither relayed nor announced',
      "un premier message qui n'est pas « Hello|<PSEUDO> » n'est ni relayé ni annoncé",
    ),
    lab(
      'server.leave-close',
      'a clean close: the others receive "Annonce : <PSEUDO> a quitté la chatroom"',
      'une fermeture propre : les autres reçoivent « Annonce : <PSEUDO> a quitté la chatroom »',
    ),
    robustness(
      'server.leave-reset',
      'a reset (crash, network loss): the others receive the departure announcement too',
      "une coupure brutale (plantage, réseau perdu) : les autres reçoivent aussi l'annonce de départ",
    ),
    robustness(
      'server.still-serving',
      'a new client can still join after those departures',
      'un nouveau client peut encore entrer après ces départs',
    ),
    robustness(
      'server.others-unaffected',
      'the remaining clients keep chatting as before',
      'les clients restants discutent comme avant',
    ),
  ],
  run: checkServer,
};

export const joined = (pseudo: string): string => `Annonce : ${pseudo} a rejoint la chatroom`;
export const left = (pseudo: string): string => `Annonce : ${pseudo} a quitté la chatroom`;
export const said = (who: string, message: string): string => `${who} a dit : ${message}`;

/**
 * Starts the server under test with HOST/PORT (and `env`) and waits until it listens; records
 * `server.listens` (unless `again`: a restart) and returns the program, or undefined when it never listened
 * (then every check has failed).
 */
export async function startServer(
  ctx: Context,
  { env = {}, again = false }: { env?: Record<string, string>; again?: boolean } = {},
): Promise<Proc | undefined> {
  const { host, port, command, cwd, startupMs } = ctx.options;
  const proc = startTarget({ command, cwd, env: { ...env, HOST: host, PORT: String(port) } });
  ctx.procs.push(proc);
  ctx.program = proc;
  const probe = await waitListening(proc, host, port, startupMs);
  assertStarted(proc, command);
  if (typeof probe === 'string') {
    if (!again) ctx.list.fail('server.listens', `a server on ${host}:${port}`, proc.output, probe);
    ctx.list.failRest(ctx.target.checks, `not run: the server never listened${again ? ' again' : ''}`);
    return undefined;
  }
  ctx.track(probe); // kept open and silent until the end
  if (!again) ctx.list.pass('server.listens');
  return proc;
}

async function checkServer(ctx: Context): Promise<void> {
  const proc = await startServer(ctx);
  if (proc) await chatScenario(ctx, proc);
}

/** The chat scenario, for the chat-server checks the program declares (a bonus suite runs its own after it). */
export async function chatScenario(ctx: Context, proc: Proc): Promise<void> {
  const scenario = new Scenario(ctx, proc);
  if (ctx.wants('server.hello', 'server.several', 'server.keeps-open', 'server.received-log'))
    await scenario.hello();
  if (ctx.wants('server.relay', 'server.relay-all')) await scenario.relayByAddress();
  if (ctx.wants('server.join-self', 'server.join-all', 'server.relay-pseudo', 'server.bad-hello'))
    await scenario.pseudos();
}

/** The chat-server scenario; a bonus suite extends it (another way to join, more checks after these). */
export class Scenario {
  protected readonly wait: number;
  /** Why the last connection failed. */
  protected lastError = '';

  constructor(
    protected readonly ctx: Context,
    protected readonly proc: Proc,
  ) {
    this.wait = ctx.options.waitMs;
  }

  /** A new client; undefined (and the reason in `lastError`) when the server refuses it. */
  protected async connect(): Promise<Peer | undefined> {
    try {
      return this.ctx.track(await Peer.connect(this.ctx.options.host, this.ctx.options.port, this.wait));
    } catch (error) {
      this.lastError = `could not connect: ${(error as Error).message}`;
      return undefined;
    }
  }

  protected expect(peer: Peer | undefined, message: string, from = 0): Promise<Observation> {
    this.ctx.known.push(message);
    if (!peer) return Promise.resolve({ kind: 'missing', seen: '' });
    return peer.expect(message, this.wait, { from, known: this.ctx.known });
  }

  /** The program's stdout, waited on for a line. */
  private async expectPrinted(message: string): Promise<Observation> {
    await this.proc.until(() => this.proc.stdout.includes(message), this.wait);
    return findMessage({ text: this.proc.stdout, boundaries: new Set() }, message, this.ctx.known);
  }

  /** II.2 and II.3: each client says Hello and gets its own address back; II.3 prints every message. */
  async hello(): Promise<void> {
    const { list } = this.ctx;
    const a = await this.connect();
    if (!a) list.fail('server.hello', 'a connection', '', this.lastError);
    else {
      a.send('Hello');
      list.observe(
        'server.hello',
        `Hello ${a.localAddress}`,
        await this.expect(a, `Hello ${a.localAddress}`),
      );
    }
    const b = await this.connect();
    if (!b) list.fail('server.several', 'a second connection', '', this.lastError);
    else {
      b.send('Hello');
      const seen = await this.expect(b, `Hello ${b.localAddress}`);
      list.observe('server.several', `Hello ${b.localAddress}`, seen);
      if (seen.kind !== 'exact' || !a) list.notJudged('server.keeps-open', 'the second answer never came');
      else {
        const why = `the first client's connection was closed (${a.closeReason})`;
        list.check(
          'server.keeps-open',
          !a.closed,
          'the first client still connected',
          '',
          a.closed ? why : undefined,
        );
      }
    }
    if (!this.ctx.wants('server.received-log')) return;
    if (!a || !b)
      return list.fail('server.received-log', undefined, undefined, 'not run: a connection was refused');
    const logA = `Message received from ${a.localAddress} : Hello`;
    const first = await this.expectPrinted(logA);
    if (first.kind !== 'exact') {
      list.observe(
        'server.received-log',
        logA,
        first.kind === 'near' ? first : { kind: 'missing', seen: this.proc.stdout },
      );
      return;
    }
    const logB = `Message received from ${b.localAddress} : Hello`;
    list.observe('server.received-log', logB, await this.expectPrinted(logB));
  }

  /** II.4: three clients; what one sends reaches the two others as `{IP}:{Port} a dit : {msg}`. */
  async relayByAddress(): Promise<void> {
    const { list } = this.ctx;
    // Each client says Hello first, as the lab's client does: a lab server registers a client on its first message.
    const peers: Peer[] = [];
    let relaysSeen = true;
    for (let i = 0; i < 3; i++) {
      const peer = await this.connect();
      if (!peer)
        return list.failRest(
          ['server.relay', 'server.relay-all', 'server.no-echo'],
          this.lastError,
          'three connections',
          '',
        );
      peer.send('Hello');
      // wait until the clients already there saw it: then the server registered the newcomer
      // (once a relay did not come in the lab's form, waiting for the next ones would only take time)
      if (relaysSeen) {
        const seen = await Promise.all(
          peers.map((other) => this.expect(other, said(peer.localAddress, 'Hello'))),
        );
        relaysSeen = seen.every((observation) => observation.kind === 'exact');
      }
      peers.push(peer);
    }
    const [a, b, c] = peers as [Peer, Peer, Peer];
    const message = 'salut tout le monde';
    const marks = peers.map((peer) => peer.mark());
    a.send(message);
    const expected = said(a.localAddress, message);
    const [toB, toC] = await Promise.all([
      this.expect(b, expected, marks[1]),
      this.expect(c, expected, marks[2]),
    ]);
    list.observe('server.relay', expected, toB);
    list.observe('server.relay-all', expected, toC);
    // a barrier: if the server ever sent A its own message, it did before it relays B's answer to A
    b.send('bien reçu');
    const back = await this.expect(a, said(b.localAddress, 'bien reçu'), marks[0]);
    this.noEcho(a, expected, marks[0]!, this.arrived(a, marks[0]!, back, said(b.localAddress, 'bien reçu')));
  }

  /**
   * Did `text` reach `peer` (after `from`), whole or glued to other text? Enough to know the server relays:
   * a lab server sends no newline, so a relay may share a read with a message the checker does not know.
   */
  private arrived(peer: Peer, from: number, seen: Observation, text: string): boolean {
    return seen.kind === 'exact' || peer.since(from).text.includes(text);
  }

  /** Judged only when the server was seen relaying: a server that relays nothing echoes nothing either. */
  private noEcho(peer: Peer, own: string, from: number, relaysSeen: boolean): void {
    if (!relaysSeen)
      return this.ctx.list.notJudged('server.no-echo', 'no relay was seen, so its absence proves nothing');
    const echo = findMessage(peer.since(from), own, this.ctx.known);
    const seen = echo.kind === 'missing' ? undefined : peer.since(from).text;
    this.ctx.list.check(
      'server.no-echo',
      echo.kind === 'missing',
      `nothing like ${JSON.stringify(own)} sent back`,
      seen,
    );
  }

  /** What a client sends to join (II.5: `Hello|<PSEUDO>`, then it waits for the answer). */
  protected introduce(peer: Peer, pseudo: string): Promise<void> | void {
    peer.send(`Hello|${pseudo}`);
  }

  /** A client that joins (see `introduce`) and waits for its announcement. */
  protected async join(
    pseudo: string,
    others: (Peer | undefined)[] = [],
  ): Promise<{ peer: Peer | undefined; self: Observation; toOthers: Observation[] }> {
    const peer = await this.connect();
    const marks = others.map((other) => other?.mark() ?? 0);
    if (!peer) {
      const missing: Observation = { kind: 'missing', seen: '' };
      return { peer, self: missing, toOthers: others.map(() => missing) };
    }
    await this.introduce(peer, pseudo);
    const [self, ...toOthers] = await Promise.all([
      this.expect(peer, joined(pseudo)),
      ...others.map((other, i) => this.expect(other, joined(pseudo), marks[i])),
    ]);
    return { peer, self: self!, toOthers };
  }

  /** II.5 and on: pseudos, announcements, relays by pseudo, a bad Hello; then (II.6) departures. */
  async pseudos(): Promise<void> {
    const { list } = this.ctx;
    const alice = await this.join('alice');
    const bob = await this.join('bob', [alice.peer]);
    const a = alice.peer;
    const b = bob.peer;
    if (!a || !b) return list.failRest(this.ctx.target.checks, this.lastError, 'two connections', '');
    // the newcomer sees its own announcement: alice's then bob's
    if (alice.self.kind !== 'exact') list.observe('server.join-self', joined('alice'), alice.self);
    else list.observe('server.join-self', joined('bob'), bob.self);
    list.observe('server.join-all', joined('bob'), bob.toOthers[0]!);

    if (this.ctx.wants('server.relay-pseudo', 'server.no-echo')) await this.relayByPseudo(a, b);

    if (this.ctx.wants('server.bad-hello')) await this.badHello(a, b);
    if (
      this.ctx.wants(
        'server.leave-close',
        'server.leave-reset',
        'server.still-serving',
        'server.others-unaffected',
      )
    ) {
      await this.departures(a, b);
    }
  }

  /** Not run for a bonus whose relays take another form (step 07 declares its own checks instead). */
  private async relayByPseudo(a: Peer, b: Peer): Promise<void> {
    const { list } = this.ctx;
    const markA = a.mark();
    const markB = b.mark();
    a.send('bonjour à tous');
    const relay = await this.expect(b, said('alice', 'bonjour à tous'), markB);
    b.send('salut alice');
    const back = await this.expect(a, said('bob', 'salut alice'), markA); // also the barrier for the echo check
    if (relay.kind !== 'exact') list.observe('server.relay-pseudo', said('alice', 'bonjour à tous'), relay);
    else list.observe('server.relay-pseudo', said('bob', 'salut alice'), back);
    this.noEcho(
      a,
      said('alice', 'bonjour à tous'),
      markA,
      this.arrived(a, markA, back, said('bob', 'salut alice')),
    );
  }

  private async badHello(a: Peer, b: Peer): Promise<void> {
    const id = 'server.bad-hello';
    const c = await this.connect();
    if (!c) return this.ctx.list.fail(id, 'a connection', '', this.lastError);
    const marks = [a.mark(), b.mark()];
    c.send('salut sans hello');
    await c.until(() => c.text !== '' || c.closed, this.wait); // an error line, a close, or nothing
    // a barrier: a message sent after the bad one reached bob, so the bad one was handled before
    a.send('encore moi');
    const barrier = await this.expect(b, said('alice', 'encore moi'), marks[1]);
    if (!this.arrived(b, marks[1]!, barrier, said('alice', 'encore moi')))
      return this.ctx.list.notJudged(id, 'no relay was seen, so its absence proves nothing');
    const leaks = [a.since(marks[0]!).text, b.since(marks[1]!).text].filter(
      (text) => text.includes('salut sans hello') || /a rejoint/.test(text),
    );
    this.ctx.list.check(
      id,
      leaks.length === 0,
      'no relay of "salut sans hello" and no announcement',
      leaks.join(' | '),
    );
  }

  private async departures(a: Peer, b: Peer): Promise<void> {
    const { list } = this.ctx;
    const carol = await this.join('carol', [a, b]);
    const c = carol.peer;
    if (!c) list.fail('server.leave-close', 'a connection', '', this.lastError);
    else {
      const marks = [a.mark(), b.mark()];
      c.end();
      const [toA, toB] = await Promise.all([
        this.expect(a, left('carol'), marks[0]),
        this.expect(b, left('carol'), marks[1]),
      ]);
      list.observe('server.leave-close', left('carol'), toA.kind !== 'exact' ? toA : toB);
    }
    const markA = a.mark();
    b.reset();
    list.observe('server.leave-reset', left('bob'), await this.expect(a, left('bob'), markA));

    const dave = await this.join('dave', [a]);
    const d = dave.peer;
    if (!d) list.fail('server.still-serving', 'a connection', '', this.lastError);
    else list.observe('server.still-serving', joined('dave'), dave.self);
    const id = 'server.others-unaffected';
    if (!this.ctx.wants(id)) return;
    if (a.closed)
      return list.fail(id, 'alice still connected', '', `alice's connection was closed (${a.closeReason})`);
    if (dave.toOthers[0]!.kind !== 'exact') return void list.observe(id, joined('dave'), dave.toOthers[0]!);
    a.send('toujours là');
    list.observe(id, said('alice', 'toujours là'), await this.expect(d, said('alice', 'toujours là')));
  }
}
