// The checks of bonus III.2 (IDs), on the wire format of steps/08-identifiants: a newcomer receives
// "ID|<id>", a returning client says "Hello|<PSEUDO>|<id>"; the client keeps its ID in the file CHAT_ID_FILE.
// The step 06 part of the scenario is the chat-server's and chat-client's own, run first.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from './context.ts';
import { chatClientSuite, checkClient, type ClientScenario } from './client.ts';
import { lab, robustness, type Suite } from './define.ts';
import { pieces } from './match.ts';
import { chatServerSuite, checkServer, Scenario } from './server.ts';
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
    if (await checkServer(ctx)) await checkIds(ctx);
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
    const file = join(dir, 'id');
    await checkClient(ctx, (scenario) => checkKeepsId(ctx, scenario, file), { CHAT_ID_FILE: file });
  },
};

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

async function checkIds(ctx: Context): Promise<void> {
  const { list } = ctx;
  const ids = SERVER_CHECKS.map((check) => check.id);
  if (!ctx.wants(...ids)) return;
  const wait = ctx.options.waitMs;
  const s = new Scenario(ctx, ctx.program!);
  const gina = await s.join('gina');
  const erin = await s.join('erin', [gina.peer]);
  const g = gina.peer;
  const e = erin.peer;
  if (!g || !e) return list.failRest(ids, s.lastError, 'two connections', '');
  const erinId = await idOf(e, wait);
  if (!erinId) return list.failRest(ids, 'erin never received her ID', 'a line "ID|<id>"', e.text);
  const frank = await s.join('frank', [g, e]);
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
  await s.expect(g, 'Annonce : erin a quitté la chatroom', markG);
  f.send('pendant ton absence');
  const relayed = await s.expect(g, 'frank a dit : pendant ton absence', markG);

  // erin comes back with her ID
  const back = await s.connect();
  const [markG2, markF2] = [g.mark(), f.mark()];
  back?.send(`Hello|erin|${erinId}`);
  const [welcome, toG, toF] = await Promise.all([
    s.expect(back, 'Welcome back erin !'),
    s.expect(g, 'erin est de retour !', markG2),
    s.expect(f, 'erin est de retour !', markF2),
  ]);
  list.observe('ids.welcome-back', 'Welcome back erin !', welcome);
  // a barrier: once erin got frank's next message, whatever the server sent her before it is in
  f.send('te revoilà');
  const barrier = await s.expect(back, 'frank a dit : te revoilà');
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

  await unknownIds(ctx, s, wait);
  await takeover(ctx, s, g, f, frankId, wait);
}

/** A well-formed ID nobody has, and a malformed one: each is a first connection. */
async function unknownIds(ctx: Context, s: Scenario, wait: number): Promise<void> {
  const id = 'ids.unknown-is-new';
  for (const [pseudo, claimed] of [
    ['hugo', randomUUID()],
    ['ines', 'pas-un-id'],
  ] as const) {
    const peer = await s.connect();
    peer?.send(`Hello|${pseudo}|${claimed}`);
    const joined = await s.expect(peer, `Annonce : ${pseudo} a rejoint la chatroom`);
    const given = await idOf(peer, joined.kind === 'exact' ? wait : 0);
    if (joined.kind !== 'exact' || !given || given === claimed) {
      const seen = peer?.text ?? s.lastError;
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
async function takeover(
  ctx: Context,
  s: Scenario,
  g: Peer,
  f: Peer,
  frankId: string,
  wait: number,
): Promise<void> {
  const id = 'ids.no-takeover';
  const m = await s.connect();
  m?.send(`Hello|mallory|${frankId}`);
  const joined = await s.expect(m, 'Annonce : mallory a rejoint la chatroom');
  const given = await idOf(m, joined.kind === 'exact' ? wait : 0);
  const markF = f.mark();
  g.send('frank, tu es toujours là ?');
  const stillFrank = await s.expect(f, 'gina a dit : frank, tu es toujours là ?', markF);
  const ok =
    joined.kind === 'exact' && given !== undefined && given !== frankId && stillFrank.kind === 'exact';
  ctx.list.check(
    id,
    ok && !f.closed,
    'mallory joins as a new user with a new ID; frank still receives',
    `to mallory: ${m?.text ?? s.lastError} | to frank: ${f.since(markF).text}`,
  );
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
async function checkKeepsId(ctx: Context, scenario: ClientScenario, file: string): Promise<void> {
  const { list } = ctx;
  const { waitMs, startupMs, command, cwd, host } = ctx.options;
  if (ctx.wants('ids.client-keeps')) {
    const given = randomUUID();
    scenario.peer.send(`ID|${given}\n`);
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
