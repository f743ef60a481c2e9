// The rooms bonus (III.8). The lab does not fix how a room is chosen; the checker speaks this course's way
// (steps/14-salons): the server answers a valid Hello with one line listing the rooms, the client then sends
// `Salon|<NOM>`, and the room's members receive the lab's announcement. Server side: the chat-server checks
// (everyone in one room), then two rooms that must not hear each other. Client side: the chat-client checks,
// with the room chosen between the Hello and the loops.
import type { Context } from './context.ts';
import { lab, type Suite } from './define.ts';
import { chatClientSuite, checkClient, ClientScenario } from './client.ts';
import type { Observation } from './match.ts';
import { chatServerSuite, joined, left, said, Scenario, startServer } from './server.ts';
import type { Peer } from './tcp.ts';

const NO_CROSSING = 'rooms.no-crossing';
const OWN_ANNOUNCEMENTS = 'rooms.own-announcements';
const CLIENT_CHOICE = 'rooms.client-choice';

export const roomsServerSuite: Suite = {
  name: 'rooms-server',
  description: {
    en: 'The checker is the clients, as for chat-server, each choosing a room with "Salon|<NOM>" once the server answered its Hello.',
    fr: 'Le vérificateur joue les clients, comme pour chat-server, chacun choisissant un salon par « Salon|<NOM> » une fois son Hello répondu.',
  },
  checks: [
    ...chatServerSuite.checks,
    lab(
      NO_CROSSING,
      'a message reaches the members of its room, and no one in another room',
      "un message atteint les membres de son salon, et personne d'un autre salon",
    ),
    lab(
      OWN_ANNOUNCEMENTS,
      'arrivals and departures are announced to the members of that room only',
      'les arrivées et départs ne sont annoncés qu’aux membres de ce salon',
    ),
  ],
  run: checkRoomsServer,
};

export const roomsClientSuite: Suite = {
  name: 'rooms-client',
  description: {
    en: 'The checker is the server and the person at the keyboard, as for chat-client; after the Hello it lists the rooms, and the person types one.',
    fr: 'Le vérificateur joue le serveur et la personne au clavier, comme pour chat-client ; après le Hello il liste les salons, et la personne en tape un.',
  },
  checks: [
    ...chatClientSuite.checks,
    lab(
      CLIENT_CHOICE,
      'after the Hello, shows the rooms the server lists, then sends the room typed as "Salon|<NOM>"',
      'après le Hello, affiche les salons listés par le serveur, puis envoie le salon tapé sous la forme « Salon|<NOM> »',
    ),
  ],
  run: (ctx) => checkClient(ctx, RoomsClientScenario),
};

async function checkRoomsServer(ctx: Context): Promise<void> {
  const proc = await startServer(ctx);
  if (!proc) return;
  const scenario = new RoomsScenario(ctx, proc);
  if (ctx.wants(...chatServerSuite.checks.map((check) => check.id).filter((id) => id !== 'server.listens')))
    await scenario.pseudos();
  if (ctx.wants(NO_CROSSING, OWN_ANNOUNCEMENTS)) await scenario.rooms();
}

class RoomsScenario extends Scenario {
  /** The room the next client joins. */
  private room = 'general';

  /**
   * Hello, the server's answer (the rooms), then the room: each waits for the other side, as a person does.
   * A server that announces the newcomer at once has no rooms to offer: no room is chosen there.
   */
  protected override async introduce(peer: Peer, pseudo: string): Promise<void> {
    peer.send(`Hello|${pseudo}`);
    await peer.until(() => peer.text !== '' || peer.closed, this.wait);
    if (!peer.text.includes(joined(pseudo))) peer.send(`Salon|${this.room}`);
  }

  private async joinRoom(room: string, pseudo: string, others: Peer[] = []) {
    this.room = room;
    return this.join(pseudo, others);
  }

  /** Two rooms of two: "jeux" (jade, jules) and "cuisine" (chloe, cyril). */
  async rooms(): Promise<void> {
    const { list } = this.ctx;
    const ids = [NO_CROSSING, OWN_ANNOUNCEMENTS];
    const jade = await this.joinRoom('jeux', 'jade');
    const chloe = await this.joinRoom('cuisine', 'chloe');
    if (!jade.peer || !chloe.peer) return list.failRest(ids, this.lastError, 'two connections', '');
    const jules = await this.joinRoom('jeux', 'jules', [jade.peer]);
    const cyril = await this.joinRoom('cuisine', 'cyril', [chloe.peer]);
    if (!jules.peer || !cyril.peer) return list.failRest(ids, this.lastError, 'four connections', '');
    const [j1, c1, j2, c2] = [jade.peer, chloe.peer, jules.peer, cyril.peer];

    // Each exchange is also a barrier: what its receiver got before it was sent earlier by the server.
    const relays: Observation[] = [];
    const exchange = async (from: Peer, who: string, to: Peer, message: string): Promise<void> => {
      const mark = to.mark();
      from.send(`${message}\n`); // a newline: no pause needed to tell where it ends
      relays.push(await this.expect(to, said(who, message), mark));
    };
    const jeux = ['on joue ?', 'partie lancée', 'je prends les noirs'];
    const cuisine = ['la soupe est prête', 'je mets la table'];
    await exchange(j1, 'jade', j2, jeux[0]!);
    await exchange(c1, 'chloe', c2, cuisine[0]!); // c2: after jeux[0]
    await exchange(c2, 'cyril', c1, cuisine[1]!); // c1: after jeux[0] and jules' arrival
    await exchange(j2, 'jules', j1, jeux[1]!); // j1: after the cuisine messages and cyril's arrival
    await exchange(j1, 'jade', j2, jeux[2]!); // j2: after them too
    const heard = (peer: Peer, name: string, texts: string[]): string[] =>
      texts.filter((text) => peer.text.includes(text)).map((text) => `${name} got "${text}"`);
    const crossed = [
      ...heard(c1, 'chloe', jeux),
      ...heard(c2, 'cyril', jeux),
      ...heard(j1, 'jade', cuisine),
      ...heard(j2, 'jules', cuisine),
    ];
    if (relays.some((relay) => relay.kind !== 'exact'))
      list.notJudged(
        NO_CROSSING,
        'a message never reached its own room, so its absence elsewhere proves nothing',
      );
    else
      list.check(NO_CROSSING, crossed.length === 0, 'each message in its own room only', crossed.join(' | '));

    const mark = c1.mark();
    c2.end();
    const gone = await this.expect(c1, left('cyril'), mark);
    await exchange(j2, 'jules', j1, 'cyril est parti ?'); // j1: after cyril's departure, if it was sent to j1
    await exchange(j1, 'jade', j2, 'je ne sais pas'); // and j2
    const own: [string, Observation][] = [
      [joined('jules'), jules.toOthers[0]!],
      [joined('cyril'), cyril.toOthers[0]!],
      [left('cyril'), gone],
    ];
    const missed = own.find(([, seen]) => seen.kind !== 'exact');
    if (missed) return void list.observe(OWN_ANNOUNCEMENTS, missed[0], missed[1]);
    const leaks = [
      ...heard(c1, 'chloe', [joined('jules')]),
      ...heard(j1, 'jade', [joined('cyril'), left('cyril')]),
      ...heard(j2, 'jules', [joined('cyril'), left('cyril')]),
    ];
    list.check(
      OWN_ANNOUNCEMENTS,
      leaks.length === 0,
      'each announcement in its own room only',
      leaks.join(' | '),
    );
  }
}

class RoomsClientScenario extends ClientScenario {
  /** The rooms, as the server lists them; the person types one; the client must send `Salon|jeux`. */
  protected override async afterHello(): Promise<number> {
    const rooms = 'Salons : jeux (2), cuisine (1)';
    const shown = await this.showsOnScreen(rooms);
    const helloEnd = this.peer.mark(); // the client sends nothing more until the person types
    this.proc.write('jeux\n');
    await this.peer.until(
      () =>
        this.peer.since(helloEnd).text.includes('jeux') || this.peer.closed || this.proc.exit !== undefined,
      this.wait,
    );
    if (shown.kind !== 'exact') this.ctx.list.observe(CLIENT_CHOICE, rooms, shown);
    else
      this.ctx.list.compare(CLIENT_CHOICE, 'Salon|jeux', this.peer.since(helloEnd).text, {
        allowTrailingNewline: true,
      });
    return helloEnd;
  }
}
