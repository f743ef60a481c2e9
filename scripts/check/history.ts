// The history bonus (III.7). Server side: the chat-server checks, then a newcomer must receive the earlier
// messages in order, before the live ones, and again once the server has been stopped (Ctrl+C) and started
// anew. The lab does not fix how the history travels (JSON, plain lines…): the checker looks for the earlier
// messages' texts, made of plain ASCII words so that any encoding shows them as they are. Client side: the
// chat-client checks, and the history sent this course's way (steps/13-historique) shown as it was said.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatClientSuite, checkClient, ClientScenario } from './client.ts';
import type { Context } from './context.ts';
import { lab, type Suite } from './define.ts';
import { stripAnsi } from './match.ts';
import { chatServerSuite, said, Scenario, startServer } from './server.ts';
import type { Peer } from './tcp.ts';

const IN_ORDER = 'history.in-order';
const RESTART = 'history.restart';
const CLIENT_SHOWS = 'history.client-shows';

export const historyServerSuite: Suite = {
  name: 'history-server',
  description: {
    en: 'The checker is the clients, as for chat-server; then newcomers, before and after it restarts the server (HISTORY_FILE in a temp folder).',
    fr: 'Le vérificateur joue les clients, comme pour chat-server ; puis des nouveaux venus, avant et après avoir redémarré le serveur (HISTORY_FILE dans un dossier temporaire).',
  },
  checks: [
    ...chatServerSuite.checks,
    lab(
      IN_ORDER,
      'a newcomer receives the earlier messages, in order, before the live ones',
      'un nouveau venu reçoit les messages précédents, dans l’ordre, avant ceux en direct',
    ),
    lab(
      RESTART,
      'the history survives a restart: stopped with Ctrl+C and started again, the server still sends it',
      "l'historique survit à un redémarrage : arrêté par Ctrl+C puis relancé, le serveur l'envoie encore",
    ),
  ],
  run: checkHistory,
};

export const historyClientSuite: Suite = {
  name: 'history-client',
  description: {
    en: 'The checker is the server and the person at the keyboard, as for chat-client; after the Hello it sends a history ("Historique : [JSON]").',
    fr: 'Le vérificateur joue le serveur et la personne au clavier, comme pour chat-client ; après le Hello il envoie un historique (« Historique : [JSON] »).',
  },
  checks: [
    ...chatClientSuite.checks,
    lab(
      CLIENT_SHOWS,
      'shows the history the server sends ("Historique : [JSON]") as the messages were said, in order',
      "affiche l'historique envoyé par le serveur (« Historique : [JSON] ») comme les messages ont été dits, dans l'ordre",
    ),
  ],
  run: (ctx) => checkClient(ctx, HistoryClientScenario),
};

async function checkHistory(ctx: Context): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tp6-check-history-'));
  ctx.cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const env = { HISTORY_FILE: join(dir, 'history.json') };
  const proc = await startServer(ctx, { env });
  if (!proc) return;
  const scenario = new HistoryScenario(ctx, proc);
  if (ctx.wants(...chatServerSuite.checks.map((check) => check.id).filter((id) => id !== 'server.listens')))
    await scenario.pseudos();
  if (ctx.wants(IN_ORDER, RESTART)) await scenario.history(env);
}

/** Where each text is in `text`, in order; -1 for a missing one. */
const positions = (text: string, texts: string[]): number[] => texts.map((t) => text.indexOf(t));

class HistoryScenario extends Scenario {
  async history(env: Record<string, string>): Promise<void> {
    const { list } = this.ctx;
    const tag = randomBytes(4).toString('hex');
    const earlier = [1, 2, 3].map((n) => `souvenir ${n} ${tag}`);
    const shown = `${earlier.map((m) => JSON.stringify(m)).join(', ')}, in this order`;
    const eve = (await this.join('eve')).peer;
    const frank = (await this.join('frank', [eve])).peer;
    if (!eve || !frank) return list.failRest([IN_ORDER, RESTART], this.lastError, 'two connections', '');
    // one at a time, as a person types them: each one relayed to frank is in the server's hands
    for (const message of earlier) {
      const mark = frank.mark();
      eve.send(`${message}\n`); // a newline: no pause needed to tell where it ends
      await this.expect(frank, said('eve', message), mark);
    }

    const gina = (await this.join('gina', [eve, frank])).peer;
    if (!gina) list.fail(IN_ORDER, 'a connection', '', this.lastError);
    else {
      const live = `en direct ${tag}`;
      eve.send(`${live}\n`);
      const arrived = (await this.expect(gina, said('eve', live))).kind === 'exact';
      const at = positions(gina.text, arrived ? [...earlier, live] : earlier);
      const inOrder = at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1]!));
      const note = arrived
        ? undefined
        : 'the live message never came: only the order of the earlier ones was judged';
      list.check(IN_ORDER, inOrder, arrived ? `${shown}, then "${live}"` : shown, gina.text, note);
    }

    if (!this.ctx.wants(RESTART)) return;
    await this.proc.stop('SIGINT', this.ctx.options.exitMs); // Ctrl+C; killed if it lingers
    const again = await startServer(this.ctx, { env, again: true });
    if (!again) return;
    const hugo = (await this.join('hugo')).peer;
    if (!hugo) return list.fail(RESTART, 'a connection', '', this.lastError);
    await hugo.until(() => hasAll(hugo, earlier) || hugo.closed, this.wait);
    list.check(RESTART, hasAll(hugo, earlier), earlier.map((m) => JSON.stringify(m)).join(', '), hugo.text);
  }
}

const hasAll = (peer: Peer, texts: string[]): boolean => texts.every((text) => peer.text.includes(text));

class HistoryClientScenario extends ClientScenario {
  /** Before the announcement, as a history server does: `Historique : [{"pseudo": …, "message": …}, …]`. */
  protected override async afterHello(): Promise<undefined> {
    const history = [
      { pseudo: 'bob', message: 'premier message' },
      { pseudo: 'carol', message: 'et le second' },
    ];
    const lines = history.map(({ pseudo, message }) => said(pseudo, message));
    const from = this.proc.stdout.length;
    this.peer.send(`Historique : ${JSON.stringify(history)}\n`);
    const screen = (): string => stripAnsi(this.proc.stdout.slice(from));
    await this.proc.until(() => lines.every((line) => screen().includes(line)), this.wait);
    const at = lines.map((line) => screen().indexOf(line));
    const inOrder = at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1]!));
    this.ctx.list.check(CLIENT_SHOWS, inOrder, lines.join(', then '), screen());
    return undefined;
  }
}
