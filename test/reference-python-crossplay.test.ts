// Cross-play, steps 03–06: the lab's Python (reference/python/) and our TypeScript in the same rooms. Every
// server with every client, and a mixed room (two TypeScript clients, one Python client) on each server.
// Each user's screen is its client's stdout, read line by line: it must hold exactly the lab's strings,
// in order, with nothing cut, merged, or carrying a newline inside a pseudo.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVING } from '../scripts/chat-wire.ts';
import { escapeRegExp, start, type Proc } from '../scripts/proc.ts';
import { startStepFile } from '../scripts/stepfile.ts';
import { ROOT } from '../scripts/steps.ts';

type Kind = 'ts' | 'py';
const WAIT_MS = 5_000;
const NAMES = { ts: 'TypeScript', py: 'Python' };

/** A chat file of ours (steps/) or of the lab (reference/python/), by its name without extension. */
function run(kind: Kind, name: string, port: number): Proc {
  const env = { HOST: '127.0.0.1', PORT: String(port) };
  if (kind === 'ts') return startStepFile(`${name}.ts`, env);
  const file = join(ROOT, 'reference', 'python', `${name}.py`);
  return start('python3', [file], { env: { ...env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' } });
}

/** Waits for `line`, whole, in what `proc` printed; the error names `who`. */
async function waitLine(proc: Proc, line: string, who: string): Promise<void> {
  // at the start of the Python client's output, its input() prompt: a terminal would show the pseudo after it
  const whole = new RegExp(`(?:^|\\n)(?:Pseudo : )?${escapeRegExp(line)}\\n`);
  try {
    await proc.waitFor(whole, { timeoutMs: WAIT_MS });
  } catch (error) {
    throw new Error(`${who} never printed ${JSON.stringify(line)}: ${(error as Error).message}`);
  }
}

class Server {
  /** Its clients' processes, stopped with it at the end of the room. */
  readonly clients: Proc[] = [];
  private constructor(
    readonly kind: Kind,
    readonly proc: Proc,
    readonly port: number,
  ) {}

  static async start(kind: Kind, name: string): Promise<Server> {
    const proc = run(kind, name, 0);
    const port = Number((await proc.waitFor(SERVING, { timeoutMs: WAIT_MS }))[1]);
    return new Server(kind, proc, port);
  }

  /** The address of the `n`-th client that said Hello, from the server's log. */
  async helloFrom(n: number): Promise<string> {
    const hello = String.raw`Message received from (127\.0\.0\.1:\d+) : Hello\n`;
    const match = await this.proc.waitFor(new RegExp(`(?:[\\s\\S]*?${hello}){${n}}`), { timeoutMs: WAIT_MS });
    return match[1]!;
  }

  logs(line: string): Promise<void> {
    return waitLine(this.proc, line, `the ${NAMES[this.kind]} server`);
  }
}

class User {
  readonly proc: Proc;
  constructor(
    readonly kind: Kind,
    readonly name: string,
    file: string,
    server: Server,
  ) {
    this.proc = run(kind, file, server.port);
    server.clients.push(this.proc);
  }

  /** Every line the user saw, a last one without newline included (the Python input() prompt set aside). */
  get lines(): string[] {
    const text = this.proc.stdout.replace(/^Pseudo : /, '');
    return text === '' ? [] : text.replace(/\n$/, '').split('\n');
  }

  sees(line: string): Promise<void> {
    return waitLine(this.proc, line, `${this.name} (${NAMES[this.kind]} client)`);
  }

  type(line: string): void {
    this.proc.write(`${line}\n`);
  }
}

interface Room {
  name: string;
  s: Kind;
  kinds: Kind[];
}
const room = (s: Kind, kinds: Kind[]): Room => ({
  name: `${NAMES[s]} server, ${kinds.map((kind) => NAMES[kind]).join(' + ')} client${kinds[1] ? 's' : ''}`,
  s,
  kinds,
});
const PAIRS: [Kind, Kind][] = [
  ['ts', 'ts'],
  ['ts', 'py'],
  ['py', 'ts'],
  ['py', 'py'],
];
/** Every pairing, two clients of a kind, then a mixed room on each server. */
const ROOMS: Room[] = [
  ...PAIRS.map(([s, kind]) => room(s, [kind, kind])),
  room('ts', ['ts', 'ts', 'py']),
  room('py', ['ts', 'ts', 'py']),
];
const PSEUDOS = ['alice', 'bob', 'carol'];
const MESSAGES = ['bonjour à tous', 'salut alice', 'ça va ?'];

/** Starts a room, runs `scenario`, and stops whatever is left of it. */
async function inRoom(
  serverKind: Kind,
  serverFile: string,
  scenario: (server: Server) => Promise<void>,
): Promise<void> {
  const server = await Server.start(serverKind, serverFile);
  try {
    await scenario(server);
  } finally {
    await Promise.all([server.proc, ...server.clients].map((proc) => proc.stop()));
  }
}

/** Each user types its message in turn; every other user sees it as `said(i)` before the next one types. */
async function talk(users: User[], said: (i: number) => string): Promise<void> {
  for (const [i, user] of users.entries()) {
    user.type(MESSAGES[i]!);
    await Promise.all(users.filter((other) => other !== user).map((other) => other.sees(said(i))));
  }
}

const othersSaid = (users: User[], i: number, said: (k: number) => string): string[] =>
  users.flatMap((_, k) => (k === i ? [] : [said(k)]));

describe.concurrent('step 03, chat_server_ii_2 × chat_client_ii_2', () => {
  for (const [s, c] of PAIRS) {
    it(`${room(s, [c]).name}: the client prints "Hello {IP}:{Port}" and leaves`, async () => {
      await inRoom(s, 'chat_server_ii_2', async (server) => {
        const user = new User(c, 'the client', 'chat_client_ii_2', server);
        const exit = await user.proc.waitExit(WAIT_MS);
        const [, address] = await server.proc.waitFor(/ from (127\.0\.0\.1:\d+)/, { timeoutMs: WAIT_MS });
        expect(exit.code, user.proc.output).toBe(0);
        expect(user.lines).toEqual([`Hello ${address}`]);
      });
    });
  }
});

describe.concurrent('step 03, chat_server_ii_3 × chat_client_ii_3', () => {
  for (const { name, s, kinds } of ROOMS) {
    it(`${name}: Hello answered, every message logged`, async () => {
      await inRoom(s, 'chat_server_ii_3', async (server) => {
        const users: User[] = [];
        const addresses: string[] = [];
        for (const [i, kind] of kinds.entries()) {
          const user = new User(kind, PSEUDOS[i]!, 'chat_client_ii_3', server);
          users.push(user);
          addresses.push(await server.helloFrom(i + 1));
          await user.sees(`Hello ${addresses[i]}`);
        }
        for (const [i, user] of users.entries()) {
          user.type(MESSAGES[i]!);
          await server.logs(`Message received from ${addresses[i]} : ${MESSAGES[i]}`);
        }
        for (const [i, user] of users.entries()) expect(user.lines).toEqual([`Hello ${addresses[i]}`]);
      });
    });
  }
});

describe.concurrent('step 04, chat_server_ii_4 × chat_client_ii_3', () => {
  for (const { name, s, kinds } of ROOMS) {
    it(`${name}: every message relayed to the others`, async () => {
      await inRoom(s, 'chat_server_ii_4', async (server) => {
        const users: User[] = [];
        const addresses: string[] = [];
        // our server still answers the first message with "Hello {IP}:{Port}"; the lab's relays it only
        const greeting = (i: number): string[] => (s === 'ts' ? [`Hello ${addresses[i]}`] : []);
        for (const [i, kind] of kinds.entries()) {
          const user = new User(kind, PSEUDOS[i]!, 'chat_client_ii_3', server);
          addresses.push(await server.helloFrom(i + 1));
          await Promise.all([
            ...greeting(i).map((line) => user.sees(line)),
            ...users.map((other) => other.sees(`${addresses[i]} a dit : Hello`)),
          ]);
          users.push(user);
        }
        const said = (k: number): string => `${addresses[k]} a dit : ${MESSAGES[k]}`;
        await talk(users, said);
        for (const [i, user] of users.entries()) {
          const arrivals = addresses.slice(i + 1).map((address) => `${address} a dit : Hello`);
          expect(user.lines).toEqual([...greeting(i), ...arrivals, ...othersSaid(users, i, said)]);
        }
      });
    });
  }
});

for (const step of [5, 6]) {
  describe.concurrent(`step 0${step}, chat_server_ii_${step} × chat_client_ii_${step}`, () => {
    const what = step === 5 ? 'join and relay' : 'join, relay, departure and server stop';
    for (const { name, s, kinds } of ROOMS) {
      it(`${name}: ${what}, every line exact`, async () => {
        await inRoom(s, `chat_server_ii_${step}`, async (server) => {
          const users: User[] = [];
          for (const [i, kind] of kinds.entries()) {
            const user = new User(kind, PSEUDOS[i]!, `chat_client_ii_${step}`, server);
            users.push(user);
            user.type(user.name);
            await Promise.all(
              users.map((other) => other.sees(`Annonce : ${user.name} a rejoint la chatroom`)),
            );
          }
          const said = (k: number): string => `${PSEUDOS[k]} a dit : ${MESSAGES[k]}`;
          await talk(users, said);
          const seen = (i: number): string[] => [
            ...PSEUDOS.slice(i, users.length).map((pseudo) => `Annonce : ${pseudo} a rejoint la chatroom`),
            ...othersSaid(users, i, said),
          ];
          if (step === 5) {
            for (const [i, user] of users.entries()) expect(user.lines, user.name).toEqual(seen(i));
            return;
          }

          // the last one leaves (Ctrl+D), then the server is stopped (Ctrl+C): the others say so and quit
          const leaver = users.at(-1)!;
          const stay = users.slice(0, -1);
          leaver.proc.endInput();
          await Promise.all(stay.map((user) => user.sees(`Annonce : ${leaver.name} a quitté la chatroom`)));
          expect((await leaver.proc.waitExit(WAIT_MS)).code, leaver.proc.output).toBe(0);
          server.proc.signal('SIGINT');
          for (const user of stay) {
            expect((await user.proc.waitExit(WAIT_MS)).code, user.proc.output).toBe(0);
          }
          expect(leaver.lines, leaver.name).toEqual(seen(users.length - 1));
          for (const [i, user] of stay.entries()) {
            const end = [`Annonce : ${leaver.name} a quitté la chatroom`, 'Le serveur a fermé la connexion.'];
            expect(user.lines, user.name).toEqual([...seen(i), ...end]);
          }
        });
      });
    }
  });
}
