// The log checks of III.3. The program runs with LOG_DIR set to a folder of the checker's own; a program
// that ignores LOG_DIR is read where it then writes (the lab's /var/log/chat_room, or ./logs/), from the
// size each file had before it started: the checker only ever reads those files.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkClient, chatClientSuite, ClientScenario } from './client.ts';
import type { Context } from './context.ts';
import { lab, robustness, type Suite } from './define.ts';
import { chatScenario, chatServerSuite, startServer } from './server.ts';
import { Peer } from './tcp.ts';

/** What was appended to a log file wherever the program may write it, since the checker started it. */
class LogFiles {
  private readonly starts: [string, number][];

  constructor(readonly paths: string[]) {
    this.starts = paths.map((path) => [path, sizeOf(path)]);
  }

  get text(): string {
    return this.starts.map(([path, size]) => readFrom(path, size)).join('');
  }

  get lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }

  /** Waits until `ready(text)` holds (a file has no event to wait on: it is read again every 50 ms). */
  async until(ready: (text: string) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!ready(this.text)) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  }

  where(): string {
    return `nothing written to ${this.paths.join(', ')}`;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readFrom(path: string, offset: number): string {
  try {
    return readFileSync(path).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

/** A fresh LOG_DIR, removed at the end, and the files the program `name` may write. */
function logFiles(ctx: Context, name: string): { dir: string; files: LogFiles } {
  const dir = mkdtempSync(join(tmpdir(), 'tp6-check-logs-'));
  ctx.cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const paths = [join(dir, name), join('/var/log/chat_room', name), join(ctx.options.cwd, 'logs', name)];
  return { dir, files: new LogFiles(paths) };
}

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/; // what a terminal would act on (a tab and the newlines are fine)

export const logsServerSuite: Suite = {
  name: 'logs-server',
  description: {
    en: 'The chat-server checks with LOG_DIR set, then clients that arrive, talk and leave while the checker reads server.log.',
    fr: 'Les vérifications du serveur de chat avec LOG_DIR, puis des clients qui arrivent, parlent et partent pendant que le vérificateur lit server.log.',
  },
  checks: [
    ...chatServerSuite.checks,
    lab(
      'logs.arrival',
      'each arrival appears in the log file (server.log)',
      'chaque arrivée apparaît dans le fichier de log (server.log)',
    ),
    lab(
      'logs.message',
      'each message appears in the log file',
      'chaque message apparaît dans le fichier de log',
    ),
    lab(
      'logs.departure',
      'each departure appears in the log file',
      'chaque départ apparaît dans le fichier de log',
    ),
    robustness(
      'logs.harmless',
      'control characters from the network are not written raw to the log',
      'les caractères de contrôle venus du réseau ne sont pas écrits tels quels dans le log',
    ),
  ],
  async run(ctx) {
    const { dir, files } = logFiles(ctx, 'server.log');
    const proc = await startServer(ctx, { env: { LOG_DIR: dir } });
    if (!proc) return;
    await chatScenario(ctx, proc);
    await serverLogScenario(ctx, files);
  },
};

/** luc and mia join, luc talks, mia leaves: each event must show up in the log, on a line of its own. */
async function serverLogScenario(ctx: Context, log: LogFiles): Promise<void> {
  const { list, options } = ctx;
  const wait = options.waitMs;
  const ids = ['logs.arrival', 'logs.message', 'logs.departure', 'logs.harmless'];
  const join = async (pseudo: string): Promise<Peer | undefined> => {
    try {
      const peer = ctx.track(await Peer.connect(options.host, options.port, wait));
      peer.send(`Hello|${pseudo}`);
      const seen = await peer.expect(`Annonce : ${pseudo} a rejoint la chatroom`, wait, { known: ctx.known });
      return seen.kind === 'exact' ? peer : undefined;
    } catch {
      return undefined;
    }
  };
  const luc = await join('luc');
  if (!luc) return list.failRest(ids, 'not run: luc could not join (Hello|luc, then its announcement)');
  const arrival = await log.until((text) => text.includes('luc'), wait);
  list.check('logs.arrival', arrival, 'a line with "luc" once luc joined', log.text);
  if (log.text === '') {
    list.failRest(['logs.message', 'logs.departure'], log.where());
    return list.notJudged('logs.harmless', log.where());
  }

  const mia = await join('mia');
  if (!mia) return list.failRest(ids, 'not run: mia could not join (Hello|mia, then its announcement)');
  const message = 'le journal garde tout 4242';
  luc.send(`${message}\n`);
  const logged = await log.until((text) => text.includes(message), wait);
  list.check('logs.message', logged, `a line with "${message}"`, log.text);

  const trap = 'piège \x1b[2J\x07 fin';
  luc.send(`${trap}\n`);
  if (!(await log.until((text) => /piège.*fin/.test(text), wait)))
    list.notJudged('logs.harmless', 'the message with control characters was never logged');
  else {
    const raw = log.lines.find((line) => CONTROL.test(line));
    list.check(
      'logs.harmless',
      raw === undefined,
      'no raw control character in the log',
      JSON.stringify(raw),
    );
  }

  const before = log.text.length;
  const address = mia.localAddress;
  mia.end();
  const gone = await log.until(
    (text) => /mia/.test(text.slice(before)) || text.slice(before).includes(address),
    wait,
  );
  list.check(
    'logs.departure',
    gone,
    `a new line with "mia" or ${address} once mia left`,
    log.text.slice(before),
  );
}

export const logsClientSuite: Suite = {
  name: 'logs-client',
  description: {
    en: 'The chat-client checks with LOG_DIR set, then the checker reads client.log: the whole conversation must be there.',
    fr: 'Les vérifications du client de chat avec LOG_DIR, puis le vérificateur lit client.log : toute la conversation doit y être.',
  },
  checks: [
    ...chatClientSuite.checks,
    lab(
      'logs.client-conversation',
      'the log file (client.log) holds the conversation: what was received and what was typed',
      'le fichier de log (client.log) garde la conversation : ce qui a été reçu et ce qui a été tapé',
    ),
  ],
  async run(ctx) {
    const { dir, files } = logFiles(ctx, 'client.log');
    await checkClient(ctx, ClientScenario, { LOG_DIR: dir });
    if (!ctx.wants('logs.client-conversation')) return;
    // what the chat-client scenario sends (as the server) and types (as the user)
    const conversation = [
      'Annonce : alice a rejoint la chatroom',
      'bob a dit : coucou',
      'bonjour',
      'ça va ?',
    ];
    const missing = (text: string): string[] => conversation.filter((line) => !text.includes(line));
    await files.until((text) => missing(text).length === 0, ctx.options.waitMs);
    const absent = missing(files.text);
    const note =
      files.text === '' ? files.where() : `missing: ${absent.map((l) => JSON.stringify(l)).join(', ')}`;
    ctx.list.check(
      'logs.client-conversation',
      absent.length === 0,
      conversation.join(' / '),
      files.text,
      note,
    );
  },
};
