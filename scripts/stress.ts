// `npm run stress [-- --small] [--step N] [--only NAME]`: what a chat server survives, measured in one run on
// 127.0.0.1 and printed as a table. Every loop is bounded in count and in time; nothing leaves this machine.
//   cycles     connect, Hello, leave, again and again with the same pseudo (a leftover entry would refuse it)
//   idle       connections that never say Hello: the Hello deadline closes them
//   slow-hello connections that dribble a byte at a time
//   flood      one client sends megabytes at full speed; a normal and a slow reader get every line, in order
//   resets     clients that vanish without a word: each departure announced, the room still works
//   injection  terminal escapes, \r, bidi characters: shown harmlessly by the server and by our client
import { readFileSync, readdirSync } from 'node:fs';
import { WireClient, connectMany, startChatServer, type ChatServer } from './chat-wire.ts';
import { UsageError, colourer, isEntryPoint, parseCommandLine, runMain } from './cli.ts';
import { stopAll, stopAllOnSignals } from './proc.ts';
import { startStepFile } from './stepfile.ts';
import { findStep, loadSteps, type Step } from './steps.ts';

export interface Scale {
  cycles: number;
  idle: number;
  slow: number;
  floodBytes: number;
  resets: number;
  helloTimeoutMs: number;
}

export const FULL: Scale = {
  cycles: 10_000,
  idle: 2_000,
  slow: 200,
  floodBytes: 50e6,
  resets: 600,
  helloTimeoutMs: 10_000,
};
export const SMALL: Scale = {
  cycles: 300,
  idle: 200,
  slow: 30,
  floodBytes: 2e6,
  resets: 60,
  helloTimeoutMs: 1_000,
};

/** Strings a hostile classmate sends (issue "Classroom-safe chat"): none may act on a terminal. */
export const INJECTIONS = [
  'hi\x1b[2J\x1b[H',
  '\x1b]0;pwned\x07',
  '\x1b[8minvisible',
  'x\rAnnonce : admin a rejoint la chatroom',
  '\rbob a dit : faux',
  'abc\b\b\bxyz',
  '\x1b[2A\x1b[2K',
  'droite\u202egauche',
  'zéro\u200blargeur',
];

/** Characters a terminal acts on (the newline aside). */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

export interface Row {
  name: string;
  ok: boolean;
  result: string;
  seconds: number;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const count = (n: number): string => n.toLocaleString('en');

/** Resident memory (bytes) and open descriptors of a process (Linux /proc). */
function usage(pid: number): { rss: number; fds: number } {
  const kib = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m)?.[1] ?? 0);
  return { rss: kib * 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** A deadline for a whole scenario: it fails rather than runs on. */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function join(port: number, pseudo: string): Promise<WireClient> {
  const client = await WireClient.connect(port);
  await client.send(`Hello|${pseudo}`);
  await client.waitForLine(`Annonce : ${pseudo} a rejoint la chatroom`);
  return client;
}

async function cycles(server: ChatServer, scale: Scale): Promise<string> {
  const pid = server.proc.pid!;
  const before = usage(pid);
  for (let i = 0; i < scale.cycles; i++) {
    const client = await WireClient.connect(server.port);
    await client.send('Hello|cycle'); // the same pseudo each time: an entry left in CLIENTS would refuse it
    await client.until(() => client.lines.length > 0, 'an answer');
    if (client.lines[0] !== 'Annonce : cycle a rejoint la chatroom') {
      throw new Error(`cycle ${i + 1}: ${JSON.stringify(client.lines[0])}`);
    }
    client.end();
    await client.waitForClose();
  }
  const after = usage(pid);
  if (after.fds > before.fds + 2) throw new Error(`descriptors ${before.fds} → ${after.fds}: a leak`);
  return `${count(scale.cycles)} joined, none refused; RSS ${mib(before.rss)} → ${mib(after.rss)}; fds ${before.fds} → ${after.fds}`;
}

async function idle(server: ChatServer, scale: Scale): Promise<string> {
  const clients = await connectMany(server.port, scale.idle);
  const started = performance.now();
  try {
    await Promise.all(clients.map((client) => client.waitForClose(scale.helloTimeoutMs + 2_000)));
  } finally {
    for (const client of clients) client.socket.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  const told = clients.filter((client) => client.text.startsWith('Erreur : ')).length;
  return `${count(scale.idle)} closed by the ${scale.helloTimeoutMs / 1000} s deadline in ${seconds.toFixed(1)} s, ${count(told)} told why`;
}

async function slowHello(server: ChatServer, scale: Scale): Promise<string> {
  const clients = await connectMany(server.port, scale.slow);
  const started = performance.now();
  let held = 0;
  try {
    await Promise.all(
      clients.map(async (client) => {
        for (const char of 'Hello|lent') {
          if (client.ended) break;
          await client.send(char).catch(() => undefined);
          await client.until(() => client.ended, 'a close', 150).catch(() => undefined); // a byte every 150 ms
        }
        await client.waitForClose(scale.helloTimeoutMs + 2_000);
        held = Math.max(held, performance.now() - started);
      }),
    );
  } finally {
    for (const client of clients) client.socket.destroy();
  }
  return `${count(scale.slow)} dribbling connections, each closed within ${(held / 1000).toFixed(1)} s`;
}

async function flood(server: ChatServer, scale: Scale): Promise<string> {
  const normal = await join(server.port, 'lecteur');
  const slow = await join(server.port, 'lent');
  const sender = await join(server.port, 'flot');
  const line = `${'x'.repeat(90)}`;
  const lines = Math.floor(scale.floodBytes / (line.length + 10));
  // the slow reader takes a little at a time, as a terminal that draws slower than loopback sends
  const slowReading = setInterval(() => {
    slow.socket.pause();
    setTimeout(() => slow.socket.resume(), 20);
  }, 40);
  let peak = 0;
  const sampling = setInterval(() => {
    peak = Math.max(peak, usage(server.proc.pid!).rss);
  }, 50);
  const sendStart = performance.now();
  try {
    for (let i = 0; i < lines; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, lines - i) }, (_, k) => `${i + k} ${line}\n`).join(
        '',
      );
      await sender.send(batch); // resolves once the kernel took it: the server's pace, not ours
    }
    const sendSeconds = (performance.now() - sendStart) / 1000;
    const last = `flot a dit : ${lines - 1} ${line}`;
    await Promise.all([normal.waitForLine(last, 1, 120_000), slow.waitForLine(last, 1, 120_000)]);
    const lost = [normal, slow].map((reader) => {
      const got = reader.lines.filter((l) => l.startsWith('flot a dit : '));
      return got.length === lines && got.every((l, k) => l === `flot a dit : ${k} ${line}`)
        ? 0
        : lines - got.length || 1;
    });
    if (lost.some((n) => n > 0))
      throw new Error(`lines lost or out of order: normal ${lost[0]}, slow ${lost[1]}`);
    return `${mib(scale.floodBytes)} in ${count(lines)} lines, 0 lost for both readers; sender paced over ${sendSeconds.toFixed(1)} s; server peak ${mib(peak)}`;
  } finally {
    clearInterval(slowReading);
    clearInterval(sampling);
    for (const client of [normal, slow, sender]) client.socket.destroy();
  }
}

async function resets(server: ChatServer, scale: Scale): Promise<string> {
  const witness = await join(server.port, 'témoin');
  const crowd = await connectMany(server.port, scale.resets);
  await Promise.all(crowd.map((client, i) => client.send(`Hello|r${i}`)));
  await Promise.all(crowd.map((client, i) => client.waitForLine(`Annonce : r${i} a rejoint la chatroom`)));
  for (const client of crowd) client.reset();
  await witness.until(
    () =>
      witness.lines.filter((l) => /^Annonce : r\d+ a quitté la chatroom$/.test(l)).length === scale.resets,
    'every departure',
    5_000 + 20 * scale.resets,
  );
  const after = await join(server.port, 'après');
  await after.send('toujours là\n');
  await witness.waitForLine('après a dit : toujours là');
  after.socket.destroy();
  witness.socket.destroy();
  return `${count(scale.resets)} resets, each departure announced once; the room still relays`;
}

async function injection(server: ChatServer, step: Step): Promise<string> {
  const reader = step.roles?.client;
  if (!reader) throw new Error(`step ${step.id} has no client`);
  const client = startStepFile(reader, { HOST: '127.0.0.1', PORT: String(server.port) });
  client.write('victime\n');
  await client.waitFor('Annonce : victime a rejoint la chatroom');
  const hostile = await join(server.port, 'hostile');
  for (const text of INJECTIONS) await hostile.send(`${text}\n`);
  await hostile.send('fin\n');
  await client.waitFor('hostile a dit : fin');
  hostile.socket.destroy();
  client.endInput();
  await client.waitExit();
  const raw = [client.stdout, server.proc.stdout].filter((text) =>
    text.split('\n').some((l) => UNSAFE.test(l)),
  );
  if (raw.length > 0) throw new Error('a control or bidi character reached a terminal unescaped');
  return `${INJECTIONS.length} hostile strings shown escaped by the server's console and by ${reader}`;
}

const SCENARIOS = {
  cycles: { label: 'connect, Hello, leave (same pseudo)', run: cycles },
  idle: { label: 'idle connections (no Hello)', run: idle },
  'slow-hello': { label: 'a Hello dribbled a byte at a time', run: slowHello },
  flood: { label: 'a flood, a normal and a slow reader', run: flood },
  resets: { label: 'resets', run: resets },
  injection: {
    label: 'terminal injection',
    run: (server: ChatServer, _scale: Scale, step: Step) => injection(server, step),
  },
} as const;
type Name = keyof typeof SCENARIOS;

/** Runs the scenarios, each against a fresh server, and returns a row each (a failure is a row, not a crash). */
export async function stress(
  step: Step,
  scale: Scale,
  only: readonly Name[] = Object.keys(SCENARIOS) as Name[],
): Promise<Row[]> {
  const file = step.roles?.server;
  if (!file) throw new UsageError(`step ${step.id} has no server to stress`);
  const rows: Row[] = [];
  for (const name of only) {
    const { label, run } = SCENARIOS[name];
    const started = performance.now();
    // room for the idle crowd, and the deadline at the scale's length
    const server = await startChatServer(file, {
      MAX_CLIENTS: String(scale.idle + scale.resets + 50),
      HELLO_TIMEOUT_MS: String(scale.helloTimeoutMs),
    });
    try {
      const result = await within(180_000, name, run(server, scale, step));
      rows.push({
        name: label,
        ok: server.proc.exit === undefined,
        result,
        seconds: (performance.now() - started) / 1000,
      });
    } catch (error) {
      rows.push({
        name: label,
        ok: false,
        result: (error as Error).message.split('\n')[0]!,
        seconds: (performance.now() - started) / 1000,
      });
    } finally {
      await server.proc.stop();
    }
  }
  return rows;
}

async function main(): Promise<number> {
  const { values } = parseCommandLine(
    {
      options: {
        small: { type: 'boolean' },
        step: { type: 'string' },
        only: { type: 'string', multiple: true },
      },
    },
    `usage: npm run stress -- [--small] [--step N] [--only ${Object.keys(SCENARIOS).join('|')}]`,
  );
  const only = (values.only ?? Object.keys(SCENARIOS)) as Name[];
  const unknown = only.find((name) => !(name in SCENARIOS));
  if (unknown) throw new UsageError(`--only takes ${Object.keys(SCENARIOS).join(', ')}, not "${unknown}"`);
  // by default the first step whose server is checked for departures: the one a classroom runs
  const step = values.step
    ? findStep(values.step)
    : loadSteps().find((s) =>
        s.checks.some((t) => t.role === 'server' && t.checks.includes('server.leave-reset')),
      );
  if (!step) throw new UsageError('no step has a server checked for departures; pass --step');
  const scale = values.small ? SMALL : FULL;
  const needed = scale.idle * 2 + 100;
  const limit = Number(
    readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+)/m)?.[1] ?? needed,
  );
  if (limit < needed) {
    throw new UsageError(
      `${needed} open files are needed, the limit is ${limit}: raise it first (ulimit -n ${needed})`,
    );
  }
  stopAllOnSignals();
  const paint = colourer(process.stdout);
  console.log(
    `Stress of ${step.roles?.server} (${values.small ? 'small' : 'full'} scale), Node ${process.version}, 127.0.0.1 only`,
  );
  try {
    const rows = await stress(step, scale, only);
    const width = Math.max(...rows.map((row) => row.name.length));
    for (const row of rows) {
      const mark = row.ok ? paint('green', '✓') : paint('red', '✗');
      console.log(
        `${mark} ${row.name.padEnd(width)}  ${row.result} ${paint('dim', `(${row.seconds.toFixed(1)} s)`)}`,
      );
    }
    return rows.every((row) => row.ok) ? 0 : 1;
  } finally {
    await stopAll();
  }
}

if (isEntryPoint(import.meta)) runMain(main);
