// The server checks of the chat steps (03–06): the checker is the clients. It acts as a person would:
// after a Hello it waits for the answer or the announcement before it sends anything else, since the lab
// has no framing; a message may come in any chunks, with or without a newline.
import type { Proc } from '../proc.ts';
import { findMessage, type Observation } from './match.ts';
import type { Context } from './context.ts';
import { Peer } from './tcp.ts';
import { assertStarted, procUntil, startTarget, waitListening } from './target.ts';

export const SERVER_CHECKS: Record<string, string> = {
  'server.listens': 'listens on the address it is given (HOST/PORT)',
  'server.hello': 'answers "Hello {IP}:{Port}" with the client\'s own address and port',
  'server.several': 'serves several clients at once, each with its own address',
  'server.received-log': 'prints "Message received from {IP}:{Port} : {msg}" for each message',
  'server.relay': 'relays a message to the other clients as "{IP}:{Port} a dit : {msg}"',
  'server.relay-all': 'relays it to every other client, not just one',
  'server.no-echo': 'does not send a message back to its sender',
  'server.join-self': 'the newcomer receives "Annonce : <PSEUDO> a rejoint la chatroom"',
  'server.join-all': 'the clients already there receive the join announcement too',
  'server.relay-pseudo': 'relays messages as "<PSEUDO> a dit : {msg}"',
  'server.bad-hello': 'a first message that is not "Hello|<PSEUDO>" is neither relayed nor announced',
  'server.leave-close': 'a clean close: the others receive "Annonce : <PSEUDO> a quitté la chatroom"',
  'server.leave-reset': 'a reset (crash, network loss): the others receive the departure announcement too',
  'server.others-unaffected': 'the remaining clients keep chatting as before',
  'server.still-serving': 'a new client can still join after those departures',
};

const CHAT_05 = [
  'server.join-self',
  'server.join-all',
  'server.relay-pseudo',
  'server.no-echo',
  'server.bad-hello',
];

/** The checks of each step, in order; step 03 without the log line for the ii_2 server. */
export function serverCheckIds(step: number, variant: string | null): string[] {
  switch (step) {
    case 3:
      return [
        'server.listens',
        'server.hello',
        'server.several',
        ...(variant === 'ii_2' ? [] : ['server.received-log']),
      ];
    case 4:
      return ['server.listens', 'server.relay', 'server.relay-all', 'server.no-echo'];
    case 5:
      return ['server.listens', ...CHAT_05];
    default:
      return [
        'server.listens',
        ...CHAT_05,
        'server.leave-close',
        'server.leave-reset',
        'server.still-serving',
        'server.others-unaffected',
      ];
  }
}

const joined = (pseudo: string): string => `Annonce : ${pseudo} a rejoint la chatroom`;
const left = (pseudo: string): string => `Annonce : ${pseudo} a quitté la chatroom`;
const said = (who: string, message: string): string => `${who} a dit : ${message}`;

export async function checkServer(ctx: Context): Promise<void> {
  const { host, port, command, cwd, startupMs, step } = { ...ctx.options, step: ctx.options.step.number };
  const ids = serverCheckIds(step, ctx.variant);
  const proc = startTarget({ command, cwd, env: { HOST: host, PORT: String(port) } });
  ctx.procs.push(proc);
  ctx.program = proc;
  const probe = await waitListening(proc, host, port, startupMs);
  assertStarted(proc, command);
  if (typeof probe === 'string') {
    ctx.list.fail(
      'server.listens',
      SERVER_CHECKS['server.listens']!,
      `a server on ${host}:${port}`,
      proc.output,
      probe,
    );
    for (const id of ids.slice(1))
      ctx.list.fail(id, SERVER_CHECKS[id]!, undefined, undefined, 'not run: the server never listened');
    return;
  }
  ctx.track(probe); // kept open and silent until the end
  ctx.list.pass('server.listens', SERVER_CHECKS['server.listens']!);
  const scenario = new Scenario(ctx, proc);
  if (step === 3) await scenario.step03();
  else if (step === 4) await scenario.step04();
  else await scenario.chat(step);
}

class Scenario {
  private readonly wait: number;
  constructor(
    private readonly ctx: Context,
    private readonly proc: Proc,
  ) {
    this.wait = ctx.options.waitMs;
  }

  private title(id: string): string {
    return SERVER_CHECKS[id]!;
  }

  /** A new client; undefined (and the reason recorded in `lastError`) when the server refuses it. */
  private lastError = '';
  private async connect(): Promise<Peer | undefined> {
    try {
      return this.ctx.track(await Peer.connect(this.ctx.options.host, this.ctx.options.port, this.wait));
    } catch (error) {
      this.lastError = `could not connect: ${(error as Error).message}`;
      return undefined;
    }
  }

  private expect(peer: Peer | undefined, message: string, from = 0): Promise<Observation> {
    this.ctx.known.push(message);
    if (!peer) return Promise.resolve({ kind: 'missing', seen: '' });
    return peer.expect(message, this.wait, { from, known: this.ctx.known });
  }

  private notRun(id: string, why: string): void {
    this.ctx.list.fail(id, this.title(id), undefined, undefined, `not run: ${why}`);
  }

  /** The program's stdout, waited on for a line. */
  private async expectPrinted(message: string): Promise<Observation> {
    await procUntil(this.proc, () => this.proc.stdout.includes(message), this.wait);
    return findMessage({ text: this.proc.stdout, boundaries: new Set() }, message, this.ctx.known);
  }

  async step03(): Promise<void> {
    const { list } = this.ctx;
    const a = await this.connect();
    if (!a) {
      list.fail('server.hello', this.title('server.hello'), 'a connection', '', this.lastError);
    } else {
      a.send('Hello');
      list.observe(
        'server.hello',
        this.title('server.hello'),
        `Hello ${a.localAddress}`,
        await this.expect(a, `Hello ${a.localAddress}`),
      );
    }
    const b = await this.connect();
    if (!b) {
      list.fail('server.several', this.title('server.several'), 'a second connection', '', this.lastError);
    } else {
      b.send('Hello');
      const seen = await this.expect(b, `Hello ${b.localAddress}`);
      const stillThere = a !== undefined && (!a.closed || this.ctx.variant === 'ii_2'); // ii_2 may hang up after its answer
      if (seen.kind === 'exact' && !stillThere)
        list.fail(
          'server.several',
          this.title('server.several'),
          'the first client still connected',
          '',
          `the first client's connection was closed (${a?.closeReason ?? 'never opened'})`,
        );
      else list.observe('server.several', this.title('server.several'), `Hello ${b.localAddress}`, seen);
    }
    if (this.ctx.variant === 'ii_2') return;
    if (!a || !b) return this.notRun('server.received-log', 'the server refused a connection');
    const first = await this.expectPrinted(`Message received from ${a.localAddress} : Hello`);
    if (first.kind !== 'exact') {
      list.observe(
        'server.received-log',
        this.title('server.received-log'),
        `Message received from ${a.localAddress} : Hello`,
        first.kind === 'near' ? first : { kind: 'missing', seen: this.proc.stdout },
      );
      return;
    }
    list.observe(
      'server.received-log',
      this.title('server.received-log'),
      `Message received from ${b.localAddress} : Hello`,
      await this.expectPrinted(`Message received from ${b.localAddress} : Hello`),
    );
  }

  async step04(): Promise<void> {
    const { list } = this.ctx;
    // Each client says Hello first, as the lab's client does: a lab server registers a client on its first message.
    const peers: Peer[] = [];
    let relaysSeen = true;
    for (let i = 0; i < 3; i++) {
      const peer = await this.connect();
      if (!peer) {
        for (const id of ['server.relay', 'server.relay-all', 'server.no-echo'])
          list.fail(id, this.title(id), 'three connections', '', this.lastError);
        return;
      }
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
    list.observe('server.relay', this.title('server.relay'), expected, toB);
    list.observe('server.relay-all', this.title('server.relay-all'), expected, toC);
    // a barrier: if the server ever sent A its own message, it did before it relays B's answer to A
    b.send('bien reçu');
    await this.expect(a, said(b.localAddress, 'bien reçu'), marks[0]);
    this.noEcho(a, expected, marks[0]!);
  }

  private noEcho(peer: Peer, own: string, from: number): void {
    const echo = findMessage(peer.since(from), own, this.ctx.known);
    this.ctx.list.check(
      'server.no-echo',
      this.title('server.no-echo'),
      echo.kind === 'missing',
      `nothing like ${JSON.stringify(own)} sent back to its sender`,
      echo.kind === 'missing' ? undefined : peer.since(from).text,
    );
  }

  /** A client that says Hello|pseudo and waits for its announcement. */
  private async join(
    pseudo: string,
    others: (Peer | undefined)[] = [],
  ): Promise<{ peer: Peer | undefined; self: Observation; toOthers: Observation[] }> {
    const peer = await this.connect();
    const marks = others.map((other) => other?.mark() ?? 0);
    if (!peer)
      return {
        peer,
        self: { kind: 'missing', seen: '' },
        toOthers: others.map(() => ({ kind: 'missing', seen: '' })),
      };
    peer.send(`Hello|${pseudo}`);
    const [self, ...toOthers] = await Promise.all([
      this.expect(peer, joined(pseudo)),
      ...others.map((other, i) => this.expect(other, joined(pseudo), marks[i])),
    ]);
    return { peer, self: self!, toOthers };
  }

  async chat(step: number): Promise<void> {
    const { list } = this.ctx;
    const alice = await this.join('alice');
    const bob = await this.join('bob', [alice.peer]);
    const a = alice.peer;
    const b = bob.peer;
    if (!a || !b) {
      for (const id of serverCheckIds(step, null).slice(1))
        list.fail(id, this.title(id), 'two connections', '', this.lastError);
      return;
    }
    // the newcomer sees its own announcement: alice's then bob's
    if (alice.self.kind !== 'exact')
      list.observe('server.join-self', this.title('server.join-self'), joined('alice'), alice.self);
    else list.observe('server.join-self', this.title('server.join-self'), joined('bob'), bob.self);
    list.observe('server.join-all', this.title('server.join-all'), joined('bob'), bob.toOthers[0]!);

    const markA = a.mark();
    const markB = b.mark();
    a.send('bonjour à tous');
    const relay = await this.expect(b, said('alice', 'bonjour à tous'), markB);
    b.send('salut alice');
    const back = await this.expect(a, said('bob', 'salut alice'), markA); // also the barrier for the echo check
    if (relay.kind !== 'exact')
      list.observe(
        'server.relay-pseudo',
        this.title('server.relay-pseudo'),
        said('alice', 'bonjour à tous'),
        relay,
      );
    else
      list.observe(
        'server.relay-pseudo',
        this.title('server.relay-pseudo'),
        said('bob', 'salut alice'),
        back,
      );
    this.noEcho(a, said('alice', 'bonjour à tous'), markA);

    await this.badHello(a, b);
    if (step < 6) return;
    await this.departures(a, b);
  }

  private async badHello(a: Peer, b: Peer): Promise<void> {
    const id = 'server.bad-hello';
    const c = await this.connect();
    if (!c) return this.ctx.list.fail(id, this.title(id), 'a connection', '', this.lastError);
    const marks = [a.mark(), b.mark()];
    c.send('salut sans hello');
    await c.until(() => c.text !== '' || c.closed, this.wait); // an error line, a close, or nothing
    // a barrier: a message sent after the bad one reached bob, so the bad one was handled before
    a.send('encore moi');
    await this.expect(b, said('alice', 'encore moi'), marks[1]);
    const leaks = [a.since(marks[0]!).text, b.since(marks[1]!).text].filter(
      (text) => text.includes('salut sans hello') || /a rejoint/.test(text),
    );
    this.ctx.list.check(
      id,
      this.title(id),
      leaks.length === 0,
      'no relay of "salut sans hello" and no announcement',
      leaks.join(' | '),
    );
  }

  private async departures(a: Peer, b: Peer): Promise<void> {
    const { list } = this.ctx;
    const carol = await this.join('carol', [a, b]);
    const c = carol.peer;
    if (!c)
      list.fail('server.leave-close', this.title('server.leave-close'), 'a connection', '', this.lastError);
    else {
      const marks = [a.mark(), b.mark()];
      c.end();
      const [toA, toB] = await Promise.all([
        this.expect(a, left('carol'), marks[0]),
        this.expect(b, left('carol'), marks[1]),
      ]);
      list.observe(
        'server.leave-close',
        this.title('server.leave-close'),
        left('carol'),
        toA.kind !== 'exact' ? toA : toB,
      );
    }
    const markA = a.mark();
    b.reset();
    list.observe(
      'server.leave-reset',
      this.title('server.leave-reset'),
      left('bob'),
      await this.expect(a, left('bob'), markA),
    );

    const dave = await this.join('dave', [a]);
    const d = dave.peer;
    if (!d)
      list.fail(
        'server.still-serving',
        this.title('server.still-serving'),
        'a connection',
        '',
        this.lastError,
      );
    else list.observe('server.still-serving', this.title('server.still-serving'), joined('dave'), dave.self);
    const id = 'server.others-unaffected';
    if (a.closed)
      return list.fail(
        id,
        this.title(id),
        'alice still connected',
        '',
        `alice's connection was closed (${a.closeReason})`,
      );
    if (dave.toOthers[0]!.kind !== 'exact')
      return void list.observe(id, this.title(id), joined('dave'), dave.toOthers[0]!);
    a.send('toujours là');
    list.observe(
      id,
      this.title(id),
      said('alice', 'toujours là'),
      await this.expect(d, said('alice', 'toujours là')),
    );
  }
}
