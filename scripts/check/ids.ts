// The checks of bonus III.2 (IDs), on the wire format of steps/08-identifiants: a newcomer receives
// "ID|<id>", a returning client says "Hello|<PSEUDO>|<id>"; the client keeps its ID in the file CHAT_ID_FILE.
// The step 06 part of the scenario is the chat-server's and chat-client's own, run first.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from './context.ts';
import { chatClientSuite, checkClient, ClientScenario } from './client.ts';
import { lab, robustness, type Suite } from './define.ts';
import { pieces } from './match.ts';
import { chatServerSuite, Scenario, startServer } from './server.ts';
import { startTarget } from './target.ts';
import type { Peer } from './tcp.ts';

const SERVER_CHECKS = [
  lab(
    'ids.welcome-back',
    'a client back with its ID receives "Welcome back <PSEUDO> !"',
    'un client revenu avec son ID reçoit « Welcome back <PSEUDO> ! »',
  ),
  lab(
    'ids.back-others',
    'the others, and only they, receive "<PSEUDO> est de retour !"',
    'les autres, et eux seuls, reçoivent « <PSEUDO> est de retour ! »',
  ),
  lab(
    'ids.away-nothing',
    'a user who left receives nothing, not even when back',
    'un utilisateur parti ne reçoit rien, pas même à son retour',
  ),
  robustness(
    'ids.unknown-is-new',
    'an unknown or malformed ID is a first connection',
    'un ID inconnu ou mal formé vaut une première connexion',
  ),
  robustness(
    'ids.no-takeover',
    'the ID of someone connected takes nothing over: a new user, the other one undisturbed',
    "l'ID de quelqu'un de connecté ne prend rien : un nouvel utilisateur, l'autre n'est pas dérangé",
  ),
  robustness(
    'ids.unguessable',
    'IDs cannot be guessed from one another (random, at least 16 characters)',
    "les ID ne se devinent pas l'un à partir de l'autre (aléatoires, 16 caractères au moins)",
  ),
];

const CLIENT_CHECKS = [
  lab(
    'ids.client-keeps',
    'writes the ID the server gives ("ID|<id>") to the file CHAT_ID_FILE',
    "écrit l'ID que donne le serveur (« ID|<id> ») dans le fichier CHAT_ID_FILE",
  ),
  lab(
    'ids.client-sends-id',
    'run again, sends "Hello|<PSEUDO>|<id>" with the ID of that file',
    "relancé, envoie « Hello|<PSEUDO>|<id> » avec l'ID de ce fichier",
  ),
];

export const idsServerSuite: Suite = {
  name: 'ids-server',
  description: {
    en: 'The chat-server checks, then the checker (gina, erin, frank…) leaves, comes back with its ID, borrows IDs.',
    fr: 'Les vérifications chat-server, puis le vérificateur (gina, erin, frank…) part, revient avec son ID, emprunte des ID.',
  },
  checks: [...chatServerSuite.checks, ...SERVER_CHECKS],
  run: async (ctx) => {
    const proc = await startServer(ctx);
    if (!proc) return;
    const scenario = new IdsScenario(ctx, proc);
    if (ctx.wants(...chatServerSuite.checks.map((check) => check.id).filter((id) => id !== 'server.listens')))
      await scenario.pseudos();
    if (ctx.wants(...SERVER_CHECKS.map((check) => check.id))) await scenario.ids();
  },
};

export const idsClientSuite: Suite = {
  name: 'ids-client',
  description: {
    en: 'The chat-client checks with CHAT_ID_FILE set; the checker gives an ID, then starts the client again.',
    fr: 'Les vérifications chat-client avec CHAT_ID_FILE défini ; le vérificateur donne un ID, puis relance le client.',
  },
  checks: [...chatClientSuite.checks, ...CLIENT_CHECKS],
  run: async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'tp6-check-id-'));
    ctx.cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    ID_FILES.set(ctx, join(dir, 'id'));
    await checkClient(ctx, IdsClientScenario, { CHAT_ID_FILE: join(dir, 'id') });
  },
};

/** The ID file given to the client under test (CHAT_ID_FILE), per run of the checker. */
const ID_FILES = new WeakMap<Context, string>();

/** The ID in an "ID|<id>" line received after `from`, waited for. */
async function idOf(peer: Peer | undefined, waitMs: number, from = 0): Promise<string | undefined> {
  if (!peer) return undefined;
  const find = (): string | undefined =>
    pieces(peer.since(from))
      .map((piece) => /^ID\|(\S+)$/.exec(piece)?.[1])
      .find((id) => id !== undefined);
  await peer.until(() => find() !== undefined || peer.closed, waitMs);
  return find();
}

/** How many positions hold different characters: IDs made from a counter or a clock differ in a few. */
function differences(a: string, b: string): number {
  let count = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) count++;
  return count;
}

class IdsScenario extends Scenario {
  /** gina watches; erin leaves and comes back with her ID; frank's ID is borrowed; made-up IDs are tried. */
  async ids(): Promise<void> {
    const { list } = this.ctx;
    const ids = SERVER_CHECKS.map((check) => check.id);
    const wait = this.wait;
    const gina = await this.join('gina');
    const erin = await this.join('erin', [gina.peer]);
    const g = gina.peer;
    const e = erin.peer;
    if (!g || !e) return list.failRest(ids, this.lastError, 'two connections', '');
    const erinId = await idOf(e, wait);
    if (!erinId) return list.failRest(ids, 'erin never received her ID', 'a line "ID|<id>"', e.text);
    const frank = await this.join('frank', [g, e]);
    const f = frank.peer;
    const frankId = await idOf(f, wait);
    if (!f || !frankId) return list.failRest(ids, 'frank never received his ID', 'a line "ID|<id>"', f?.text);
    const apart = differences(erinId, frankId);
    list.check(
      'ids.unguessable',
      erinId.length >= 16 && frankId.length >= 16 && apart >= 16,
      'two random IDs of 16 characters or more (crypto.randomUUID)',
      `${erinId} and ${frankId}`,
      `${apart} characters differ`,
    );

    // erin leaves; frank speaks while she is away
    const markG = g.mark();
    e.end();
    await this.expect(g, 'Annonce : erin a quitté la chatroom', markG);
    f.send('pendant ton absence');
    const relayed = await this.expect(g, 'frank a dit : pendant ton absence', markG);

    // erin comes back with her ID
    const back = await this.connect();
    const [markG2, markF2] = [g.mark(), f.mark()];
    back?.send(`Hello|erin|${erinId}`);
    const [welcome, toG, toF] = await Promise.all([
      this.expect(back, 'Welcome back erin !'),
      this.expect(g, 'erin est de retour !', markG2),
      this.expect(f, 'erin est de retour !', markF2),
    ]);
    list.observe('ids.welcome-back', 'Welcome back erin !', welcome);
    // a barrier: once erin got frank's next message, whatever the server sent her before it is in
    f.send('te revoilà');
    const barrier = await this.expect(back, 'frank a dit : te revoilà');
    if (toG.kind !== 'exact' || toF.kind !== 'exact')
      list.observe('ids.back-others', 'erin est de retour !', toG.kind !== 'exact' ? toG : toF);
    else if (barrier.kind !== 'exact')
      list.notJudged('ids.back-others', 'erin never received a relay after her return');
    else {
      const toErin = back!.text.includes('est de retour');
      const joinedAgain = /Annonce : erin a rejoint/.test(g.since(markG2).text + back!.text);
      list.check(
        'ids.back-others',
        !toErin && !joinedAgain,
        '"erin est de retour !" to the others only, and no new join announcement',
        `to erin: ${back!.text} | to gina: ${g.since(markG2).text}`,
      );
    }
    if (relayed.kind !== 'exact' || barrier.kind !== 'exact')
      list.notJudged('ids.away-nothing', 'no relay was seen, so its absence proves nothing');
    else {
      const received = back!.text.includes('pendant ton absence');
      list.check('ids.away-nothing', !received, 'nothing said while erin was away', back!.text);
    }

    await this.unknownIds();
    await this.takeover(g, f, frankId);
  }

  /** A well-formed ID nobody has, and a malformed one: each is a first connection. */
  private async unknownIds(): Promise<void> {
    const { ctx, wait } = this;
    const id = 'ids.unknown-is-new';
    for (const [pseudo, claimed] of [
      ['hugo', randomUUID()],
      ['ines', 'pas-un-id'],
    ] as const) {
      const peer = await this.connect();
      peer?.send(`Hello|${pseudo}|${claimed}`);
      const joined = await this.expect(peer, `Annonce : ${pseudo} a rejoint la chatroom`);
      const given = await idOf(peer, joined.kind === 'exact' ? wait : 0);
      if (joined.kind !== 'exact' || !given || given === claimed) {
        const seen = peer?.text ?? this.lastError;
        return ctx.list.fail(
          id,
          `Annonce : ${pseudo} a rejoint la chatroom, and a new ID`,
          seen,
          `ID ${claimed}`,
        );
      }
    }
    ctx.list.pass(id);
  }

  /** mallory says she is frank (his ID, while he is connected): she is a new user, and frank is undisturbed. */
  private async takeover(g: Peer, f: Peer, frankId: string): Promise<void> {
    const { ctx, wait } = this;
    const id = 'ids.no-takeover';
    const m = await this.connect();
    m?.send(`Hello|mallory|${frankId}`);
    const joined = await this.expect(m, 'Annonce : mallory a rejoint la chatroom');
    const given = await idOf(m, joined.kind === 'exact' ? wait : 0);
    const markF = f.mark();
    g.send('frank, tu es toujours là ?');
    const stillFrank = await this.expect(f, 'gina a dit : frank, tu es toujours là ?', markF);
    const ok =
      joined.kind === 'exact' && given !== undefined && given !== frankId && stillFrank.kind === 'exact';
    ctx.list.check(
      id,
      ok && !f.closed,
      'mallory joins as a new user with a new ID; frank still receives',
      `to mallory: ${m?.text ?? this.lastError} | to frank: ${f.since(markF).text}`,
    );
  }
}

/** Polls the file (a client writes it whenever it likes) until it holds `text`, or after `waitMs`. */
async function fileHolds(file: string, text: string, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      if (readFileSync(file, 'utf8').includes(text)) return true;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
}

/** The client keeps the ID it is given; run again with an ID in its file, it sends it in its Hello. */
class IdsClientScenario extends ClientScenario {
  override async pseudo(): Promise<void> {
    await super.pseudo();
    await this.keepsId();
  }

  private async keepsId(): Promise<void> {
    const { ctx } = this;
    const { list } = ctx;
    const file = ID_FILES.get(ctx)!;
    const { waitMs, startupMs, command, cwd, host } = ctx.options;
    if (ctx.wants('ids.client-keeps')) {
      const given = randomUUID();
      this.peer.send(`ID|${given}\n`);
      const kept = await fileHolds(file, given, waitMs);
      let seen = '';
      try {
        seen = readFileSync(file, 'utf8');
      } catch (error) {
        seen = (error as NodeJS.ErrnoException).code ?? '';
      }
      list.check('ids.client-keeps', kept, given, seen, kept ? undefined : `in ${file}`);
    }
    if (!ctx.wants('ids.client-sends-id')) return;
    const known = randomUUID();
    writeFileSync(file, `${known}\n`);
    const listener = ctx.listeners[0]!;
    const proc = startTarget({
      command,
      cwd,
      env: { CHAT_ID_FILE: file, HOST: host, PORT: String(listener.port) },
    });
    ctx.procs.push(proc);
    const connection = listener.accept(startupMs, proc.exited);
    await Promise.race([
      connection,
      proc.waitFor(/\S/, { timeoutMs: 1_500, stream: 'output' }).catch(() => undefined),
    ]);
    proc.write('alice\n');
    const peer = await connection;
    if (!peer)
      return list.fail('ids.client-sends-id', 'a second connection', proc.output, 'it never connected');
    ctx.track(peer);
    await peer.until(() => peer.text.includes(known) || peer.closed, waitMs);
    list.compare('ids.client-sends-id', `Hello|alice|${known}`, peer.text, { allowTrailingNewline: true });
    await proc.stop();
  }
}
