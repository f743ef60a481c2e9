// The checks of bonus III.1 (cosmetics), on the wire format of steps/07-cosmetique: the sender gets
// "Vous avez dit : {msg}", the others "Message|<ISO 8601 time>|#rrggbb|<PSEUDO>|<msg>". The step 06 part
// of the scenario (joins, departures) is the chat-server's and chat-client's own.
import { chatClientSuite, checkClient, ClientScenario } from './client.ts';
import { lab, robustness, type Suite } from './define.ts';
import { pieces } from './match.ts';
import { chatServerSuite, Scenario, startServer } from './server.ts';
import type { Peer } from './tcp.ts';

const FORMAT = 'Message|<time>|#rrggbb|<PSEUDO>|<msg>';
/** A moment, with its time zone: `2026-11-24T21:56:34.137Z` or `…T22:56:34.137000+01:00`. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
const COLOUR = /^#[0-9a-fA-F]{6}$/;

const SERVER_CHECKS = [
  lab(
    'cosmetics.own-echo',
    'the sender receives "Vous avez dit : {msg}"',
    "l'expéditeur reçoit « Vous avez dit : {msg} »",
  ),
  lab(
    'cosmetics.echo-sender-only',
    'the others do not receive "Vous avez dit : {msg}"',
    'les autres ne reçoivent pas « Vous avez dit : {msg} »',
  ),
  lab(
    'cosmetics.relay-time-colour',
    `the others receive the message with a time and a colour: "${FORMAT}"`,
    `les autres reçoivent le message avec une heure et une couleur : « ${FORMAT} »`,
  ),
  lab(
    'cosmetics.time-of-reception',
    'the time is when the server received the message',
    "l'heure est celle à laquelle le serveur a reçu le message",
  ),
  lab(
    'cosmetics.colour-kept',
    'a client keeps the colour it was given at its arrival',
    'un client garde la couleur reçue à son arrivée',
  ),
];

const CLIENT_CHECKS = [
  lab(
    'cosmetics.client-time',
    'shows "Message|<time>|…|<PSEUDO>|<msg>" as "[hh:mm] <PSEUDO> a dit : <msg>" (local time)',
    'affiche « Message|<heure>|…|<PSEUDO>|<msg> » sous la forme « [hh:mm] <PSEUDO> a dit : <msg> » (heure locale)',
  ),
  robustness(
    'cosmetics.client-plain',
    'no colour codes when the output is not a terminal or NO_COLOR is set',
    "pas de codes de couleur quand la sortie n'est pas un terminal ou que NO_COLOR est défini",
  ),
];

export const cosmeticsServerSuite: Suite = {
  name: 'cosmetics-server',
  description: {
    en: 'The chat-server checks, then the checker (erin, frank) reads what the sender and the others receive.',
    fr: 'Les vérifications chat-server, puis le vérificateur (erin, frank) lit ce que reçoivent l’expéditeur et les autres.',
  },
  checks: [...chatServerSuite.checks, ...SERVER_CHECKS],
  run: async (ctx) => {
    const proc = await startServer(ctx);
    if (!proc) return;
    const scenario = new CosmeticsScenario(ctx, proc);
    if (ctx.wants('server.join-self', 'server.join-all', 'server.leave-close', 'server.leave-reset'))
      await scenario.pseudos();
    if (ctx.wants(...SERVER_CHECKS.map((check) => check.id))) await scenario.cosmetics();
  },
};

export const cosmeticsClientSuite: Suite = {
  name: 'cosmetics-client',
  description: {
    en: 'The chat-client checks; the checker, as the server, also sends messages in the format of step 07.',
    fr: 'Les vérifications chat-client ; le vérificateur, en serveur, envoie aussi des messages au format de l’étape 07.',
  },
  checks: [...chatClientSuite.checks, ...CLIENT_CHECKS],
  run: (ctx) => checkClient(ctx, CosmeticsClientScenario),
};

/** The piece of text (a line, or a write without newline) received after `from` that relays `text`. */
async function pieceWith(
  peer: Peer,
  text: string,
  from: number,
  waitMs: number,
): Promise<string | undefined> {
  const find = (): string | undefined =>
    pieces(peer.since(from)).find((piece) => piece.includes(text) && !piece.startsWith('Vous avez dit'));
  await peer.until(() => find() !== undefined || peer.closed, waitMs);
  return find();
}

interface Relay {
  time: string;
  colour: string;
  pseudo: string;
  message: string;
}

function parseRelay(piece: string | undefined): Relay | undefined {
  const [kind, time = '', colour = '', pseudo = '', ...message] = (piece ?? '').split('|');
  return kind === 'Message' && message.length > 0
    ? { time, colour, pseudo, message: message.join('|') }
    : undefined;
}

class CosmeticsScenario extends Scenario {
  /** erin speaks, frank listens: the echo, the relay's format, its time, erin's colour from one message to the next. */
  async cosmetics(): Promise<void> {
    const { list } = this.ctx;
    const wait = this.wait;
    const erin = await this.join('erin');
    const frank = await this.join('frank', [erin.peer]);
    const e = erin.peer;
    const f = frank.peer;
    const ids = SERVER_CHECKS.map((check) => check.id);
    if (!e || !f) return list.failRest(ids, this.lastError, 'two connections', '');

    const markE = e.mark();
    const markF = f.mark();
    e.send('bonjour frank');
    const [echo, piece] = await Promise.all([
      this.expect(e, 'Vous avez dit : bonjour frank', markE),
      pieceWith(f, 'bonjour frank', markF, wait),
    ]);
    list.observe('cosmetics.own-echo', 'Vous avez dit : bonjour frank', echo);
    const relay = parseRelay(piece);
    const expected = FORMAT.replace('<PSEUDO>', 'erin').replace('<msg>', 'bonjour frank');
    const wellFormed =
      relay !== undefined &&
      ISO_TIME.test(relay.time) &&
      COLOUR.test(relay.colour) &&
      relay.pseudo === 'erin' &&
      relay.message === 'bonjour frank';
    const why =
      relay === undefined ? undefined : 'the time must be ISO 8601 with its zone, the colour #rrggbb';
    list.check('cosmetics.relay-time-colour', wellFormed, expected, piece ?? f.since(markF).text, why);
    const sent = relay ? Date.parse(relay.time) : Number.NaN;
    if (Number.isNaN(sent))
      list.notJudged('cosmetics.time-of-reception', 'no time could be read in the relay');
    else {
      const late = Math.abs(Date.now() - sent) / 1000;
      list.check(
        'cosmetics.time-of-reception',
        late < 60,
        'the time of now',
        relay!.time,
        late < 60 ? undefined : `${late.toFixed(0)} s away from the checker's clock`,
      );
    }

    // a barrier: once erin got frank's answer, anything the server sent frank about erin's message came before
    const markE2 = e.mark();
    f.send('salut erin');
    await pieceWith(e, 'salut erin', markE2, wait);
    if (echo.kind !== 'exact' || piece === undefined)
      list.notJudged('cosmetics.echo-sender-only', 'the echo to erin, or the relay to frank, was never seen');
    else {
      const leaked = f.since(markF).text.includes('Vous avez dit : bonjour frank');
      list.check(
        'cosmetics.echo-sender-only',
        !leaked,
        'no "Vous avez dit : bonjour frank" to frank',
        f.since(markF).text,
      );
    }

    const markF2 = f.mark();
    e.send('encore moi');
    const second = parseRelay(await pieceWith(f, 'encore moi', markF2, wait));
    if (!relay || !second)
      return list.notJudged('cosmetics.colour-kept', `two relays in the form ${FORMAT} were not seen`);
    list.check(
      'cosmetics.colour-kept',
      second.colour === relay.colour,
      relay.colour,
      second.colour,
      'erin has two colours',
    );
  }
}

/** What the client shows for messages in the format of step 07 (run with pipes and NO_COLOR). */
class CosmeticsClientScenario extends ClientScenario {
  override async pseudo(): Promise<void> {
    await super.pseudo();
    if (this.ctx.wants('cosmetics.client-time', 'cosmetics.client-plain')) await this.display();
  }

  private async display(): Promise<void> {
    const { list } = this.ctx;
    const time = '2026-01-15T08:05:00.000Z'; // shown in the local time zone, which the client shares
    const hhmm = new Date(time).toTimeString().slice(0, 5);
    let shown = await this.showsOnScreen(
      `[${hhmm}] bob a dit : coucou`,
      `Message|${time}|#ff8000|bob|coucou\n`,
    );
    if (shown.kind === 'exact') {
      // the message is the last field: it may hold a "|" of its own
      shown = await this.showsOnScreen(`[${hhmm}] bob a dit : a | b`, `Message|${time}|#00c0ff|bob|a | b\n`);
    }
    const why = shown.kind === 'near' ? shown.why : undefined;
    const seen = shown.kind === 'exact' ? '' : shown.seen;
    list.check('cosmetics.client-time', shown.kind === 'exact', `[${hhmm}] bob a dit : …`, seen, why);
    if (shown.kind === 'missing') return list.notJudged('cosmetics.client-plain', 'no message was shown');
    const output = this.proc.stdout;
    list.check(
      'cosmetics.client-plain',
      !output.includes('\x1b'),
      'no escape code',
      output,
      'NO_COLOR is set and the output is a pipe',
    );
  }
}
