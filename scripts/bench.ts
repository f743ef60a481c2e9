// `npm run bench`: the figures behind the lessons, ours beside the lab's Python in one run, with ratios.
//   web   — the lab's "Mesure !": the sync and async downloads, ours and the lab's Python, at 3, 10 and 50
//           URLs on the fake web, each against its floor (sum / max of the latencies)
//   chat  — the step 06 server, ours then the lab's Python under the same load (scripts/bench/load.ts),
//           or any program: `npm run bench -- chat -- python3 chat_server_ii_6.py`
//   sleep — the two counts of step 1 at the lab's 0.5 s (15 s; only when asked)
// `--save` writes the figures and the machine to docs-src/bench.json; `npm run docs` draws them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SERVING } from './chat-wire.ts';
import { HelpRequest, UsageError, isEntryPoint, parseCommandLine, runMain } from './cli.ts';
import { DEFAULT_SITES, type Site, startFakeWeb, writeUrlList } from './fakeweb.ts';
import { launchServer } from './bench/launcher.ts';
import { defaultThreads, runLoad, together, type RunFigures } from './bench/load.ts';
import { openFileLimit } from './bench/procfs.ts';
import { median, memoryPerClient, notLowerAfterSilence, ratio } from './bench/stats.ts';
import { start, stopAll, stopAllOnSignals } from './proc.ts';
import { startStepFile, stepCommand } from './stepfile.ts';
import { ROOT } from './steps.ts';
import { reportedSeconds } from './web-lines.ts';

const USAGE =
  'usage: npm run bench -- [web] [chat] [sleep] [--clients N,N…] [--senders N] [--messages N] ' +
  '[--threads N] [--runs N] [--settle S] [--save] [--cwd DIR] [-- <server command…>]';
/** Chat figures move with whatever else the machine does: each is the median of this many runs a side. */
const CHAT_RUNS = 5;
/**
 * Seconds of silence after the joins before the server's memory is read again: V8's memory reducer
 * collects the garbage of a process that has gone quiet some seconds (8 in Node 20) after its last major
 * collection, where Python frees each object at once. Every run of a command; the first run a side of ours.
 */
const SETTLE_SECONDS = 10;
export const BENCH_JSON = join(ROOT, 'docs-src', 'bench.json');
/** The Python of the lab's web scripts: Debian packages requests, aiohttp and aiofiles for it only. */
const WEB_PYTHON = '/usr/bin/python3';
const CHAT_PYTHON = existsSync(WEB_PYTHON) ? WEB_PYTHON : 'python3';
const PY_CHAT = join(ROOT, 'reference', 'python', 'chat_server_ii_6.py');

export interface WebFigures {
  urls: number;
  floor: { sum: number; max: number };
  ours: { sync: number; async: number };
  python?: { sync: number; async: number };
}
export interface ChatPair {
  clients: number;
  ours: RunFigures;
  python?: RunFigures;
}
export interface BenchFile {
  machine: { cores: number; model: string; node: string; python: string; os: string; load: number };
  date: string;
  load: { senders: number; messages: number; threads: number };
  /** Runs of the chat load per side and size (each figure is their median), and how ours was started. */
  runs: number;
  /** Seconds of silence after the joins before the settled memory is read (in the first run a side). */
  settle?: number;
  ours: string;
  /** Seconds from the command to `Serving on`: the course's `npm run step 6 server`, and the server alone. */
  start?: { npm: number; alone: number; runs: number };
  chat: ChatPair[];
  web: WebFigures[];
}

const sec = (s: number | undefined): string => (s === undefined ? '—' : `${s.toFixed(2)} s`);

/** A table: a label column, then one column per run, right-aligned. */
function table(head: string[], rows: (string | undefined)[][]): void {
  const all = [head, ...rows.map((r) => r.map((c) => c ?? '—'))];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  for (const r of all)
    console.log(
      `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ')}`,
    );
}

/** The ten sites, then the same again under distinct paths until there are `count`. */
export function sitesFor(count: number): Site[] {
  return Array.from({ length: count }, (_, i) => {
    const site = DEFAULT_SITES[i % DEFAULT_SITES.length]!;
    const round = Math.floor(i / DEFAULT_SITES.length);
    return round === 0 ? site : { ...site, path: `${site.path.replace(/\/$/, '')}/copie-${round}/` };
  });
}

function pythonWebMissing(): string | undefined {
  try {
    execFileSync(WEB_PYTHON, ['-c', 'import requests, aiohttp, aiofiles'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return (
      `the lab's Python web scripts skipped: ${WEB_PYTHON} lacks requests/aiohttp/aiofiles ` +
      '(sudo apt-get install python3-requests python3-aiohttp python3-aiofiles)'
    );
  }
}

async function benchWeb(counts: number[], runs: number): Promise<WebFigures[]> {
  const web = await startFakeWeb(sitesFor(Math.max(...counts)));
  const pagesDir = mkdtempSync(join(tmpdir(), 'tp6-bench-')); // where the scripts write their pages
  const listDirs: string[] = [];
  const missing = pythonWebMissing();
  const figures: WebFigures[] = [];
  try {
    for (const count of counts) {
      const list = await writeUrlList(web.urls.slice(0, count));
      listDirs.push(dirname(list));
      const latencies = web.sites.slice(0, count).map((s) => s.latencyMs / 1000);
      const time = async (run: () => ReturnType<typeof start>, what: string): Promise<number> => {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const proc = run();
          const exit = await proc.exited;
          const seconds = reportedSeconds(proc.stdout);
          if (exit.code !== 0 || seconds === undefined)
            throw new Error(`${what} failed: ${proc.stderr.trim().split('\n').at(-1)}`);
          times.push(seconds);
        }
        return median(times);
      };
      const env = { TMPDIR: pagesDir };
      const ours = (script: string) => () => startStepFile(script, env, { args: [list] });
      const python = (script: string) => () =>
        start(WEB_PYTHON, [join(ROOT, 'reference', 'python', script), list], { env });
      const row: WebFigures = {
        urls: count,
        floor: { sum: latencies.reduce((a, b) => a + b, 0), max: Math.max(...latencies) },
        ours: {
          sync: await time(ours('web_sync_multiple.ts'), 'web_sync_multiple.ts'),
          async: await time(ours('web_async_multiple.ts'), 'web_async_multiple.ts'),
        },
      };
      if (!missing)
        row.python = {
          sync: await time(python('web_sync_multiple.py'), 'web_sync_multiple.py'),
          async: await time(python('web_async_multiple.py'), 'web_async_multiple.py'),
        };
      figures.push(row);
      const how =
        count > DEFAULT_SITES.length ? 'the ten sites repeated under distinct paths' : 'the first sites';
      console.log(
        `\nweb: ${count} URLs on the fake web (${how}), ` +
          `${runs > 1 ? `median of ${runs} runs` : 'one run'}, ` +
          "each script's own figure",
      );
      table(
        ['', 'ours', 'Python', 'ours/Python', 'floor'],
        [
          [
            'sync (web_sync_multiple)',
            sec(row.ours.sync),
            sec(row.python?.sync),
            ratio(row.ours.sync, row.python?.sync),
            `sum ${sec(row.floor.sum)}`,
          ],
          [
            'async (web_async_multiple)',
            sec(row.ours.async),
            sec(row.python?.async),
            ratio(row.ours.async, row.python?.async),
            `max ${sec(row.floor.max)}`,
          ],
          [
            'sync / async',
            ratio(row.ours.sync, row.ours.async),
            ratio(row.python?.sync, row.python?.async),
            '',
            '',
          ],
        ],
      );
    }
    if (missing) console.log(`  ${missing}`);
  } finally {
    await web.close();
    for (const dir of [pagesDir, ...listDirs]) rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

async function benchSleep(): Promise<void> {
  console.log("\nsleep: the two counts of step 1 at the lab's 0.5 s (wall clock, Node start-up included)");
  const seconds: number[] = [];
  for (const script of ['sleep_and_print.ts', 'sleep_and_print_async.ts']) {
    const started = performance.now();
    const exit = await startStepFile(script, { DELAY: '0.5' }).exited;
    if (exit.code !== 0) throw new Error(`${script} failed`);
    seconds.push((performance.now() - started) / 1000);
    table([script, sec(seconds.at(-1))], []);
  }
  table(['ratio', ratio(seconds[0], seconds[1])], []);
}

/** Seconds from spawning `command` to its `Serving on` line: the median of `runs`, each stopped after. */
async function timeToServing(command: readonly string[], runs: number): Promise<number> {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const proc = start(command[0]!, command.slice(1), { cwd: ROOT, env: { PORT: '0' } });
    try {
      await proc.waitFor(SERVING, { timeoutMs: 20_000 });
      seconds.push((performance.now() - started) / 1000);
    } finally {
      await proc.stop();
    }
  }
  return median(seconds);
}

/** How long the step 06 server takes to listen, as the course starts it and alone (its floor). */
async function benchStart(runs: number): Promise<NonNullable<BenchFile['start']>> {
  const figures = {
    npm: await timeToServing(['npm', 'run', '--silent', 'step', '6', 'server'], runs),
    alone: await timeToServing(stepCommand('chat_server_ii_6.ts'), runs),
    runs,
  };
  console.log(`\nstart: from the command to "Serving on", median of ${runs} runs`);
  table(
    ['', 'seconds'],
    [
      ['npm run step 6 server (the course)', sec(figures.npm)],
      ['the server alone (npm and the runner left out)', sec(figures.alone)],
    ],
  );
  return figures;
}

interface ChatLoad {
  senders: number;
  messages: number;
  threads: number;
}

/** One run of the load against a command, started and stopped here. */
async function measure(
  command: readonly string[],
  clients: number,
  load: ChatLoad,
  { cwd = ROOT, settleMs = 0 }: { cwd?: string; settleMs?: number } = {},
): Promise<RunFigures> {
  const server = await launchServer(command, {
    cwd,
    env: { MAX_CLIENTS: String(clients + 10) }, // our servers' limit; others ignore it
  });
  try {
    const where = { host: server.host, port: server.port, pgrp: server.pgrp };
    return await runLoad({ ...where, clients, settleMs, ...load });
  } finally {
    await server.stop();
  }
}

const ms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : '—');
const mib = (v: number | undefined): string | undefined =>
  v === undefined ? undefined : `${v.toFixed(1)} MiB`;
const cpu = (v: number | undefined): string | undefined =>
  v === undefined ? undefined : `${v.toFixed(2)} s`;
const whole = (v: number): string => Math.round(v).toLocaleString('en');

/** The figures of a run, one row each: label, text, and the number the ratio is taken on. */
const METRICS: {
  label: string;
  /** Only when the memory is read again after a silence. */
  silence?: true;
  value: (r: RunFigures) => number | undefined;
  text: (r: RunFigures) => string | undefined;
}[] = [
  { label: 'join p50 (connect → own announcement)', value: (r) => r.join.p50, text: (r) => ms(r.join.p50) },
  { label: 'join p99', value: (r) => r.join.p99, text: (r) => ms(r.join.p99) },
  {
    label: 'everyone joined and the room quiet',
    value: (r) => r.joinSeconds,
    text: (r) => sec(r.joinSeconds),
  },
  { label: 'fan-out latency p50', value: (r) => r.latency.p50, text: (r) => ms(r.latency.p50) },
  { label: 'fan-out latency p99', value: (r) => r.latency.p99, text: (r) => ms(r.latency.p99) },
  { label: 'fan-out latency max', value: (r) => r.latency.max, text: (r) => ms(r.latency.max) },
  {
    label: 'deliveries per second',
    value: (r) => r.deliveriesPerSecond,
    text: (r) => whole(r.deliveriesPerSecond),
  },
  {
    label: 'lost (of which cut) / expected',
    value: (r) => r.lost,
    text: (r) => `${whole(r.lost)} (${whole(r.cut)}) / ${whole(r.expected)}`,
  },
  { label: 'server memory idle', value: (r) => r.memory?.idle, text: (r) => mib(r.memory?.idle) },
  { label: 'server memory, all joined', value: (r) => r.memory?.joined, text: (r) => mib(r.memory?.joined) },
  {
    label: '… and after the silence (one run)',
    silence: true,
    value: (r) => r.memory?.settled,
    text: (r) => mib(r.memory?.settled),
  },
  { label: 'server memory peak', value: (r) => r.memory?.peak, text: (r) => mib(r.memory?.peak) },
  {
    label: 'server memory per 1,000 clients',
    value: (r) => r.memory?.perThousand,
    text: (r) => mib(r.memory?.perThousand),
  },
  { label: 'server CPU: joins', value: (r) => r.cpu.serverJoin, text: (r) => cpu(r.cpu.serverJoin) },
  { label: 'server CPU: burst', value: (r) => r.cpu.serverBurst, text: (r) => cpu(r.cpu.serverBurst) },
  { label: 'generator CPU: joins', value: (r) => r.cpu.generatorJoin, text: (r) => cpu(r.cpu.generatorJoin) },
  {
    label: 'generator CPU: burst',
    value: (r) => r.cpu.generatorBurst,
    text: (r) => cpu(r.cpu.generatorBurst),
  },
];

function notes(name: string, r: RunFigures): void {
  if (r.failedJoins > 0) console.log(`  ${name}: ${r.failedJoins} clients did not join (${r.joinError})`);
  if (r.dropped > 0) console.log(`  ${name}: ${r.dropped} connections closed by the server during the burst`);
  if (r.disorder > 0) console.log(`  ${name}: ${r.disorder} messages doubled or out of order`);
  if (r.echoed > 0) console.log(`  ${name}: ${r.echoed} messages sent back to their own sender`);
  if (r.cut > 0) console.log(`  ${name}: ${r.cut} messages cut (a relayed read ended inside a line)`);
}

/** Whether this machine lets `clients` connections be opened on both sides; a line saying why not. */
function descriptorsShortfall(clients: number): string | undefined {
  const needed = 2 * clients + 200; // the clients here, the server's ends (when it inherits our limit)
  const limit = openFileLimit();
  return limit < needed
    ? `${clients} clients skipped: they need about ${needed} open files, the limit is ${limit} ` +
        `(ulimit -n ${needed} first)`
    : undefined;
}

/** How our server is started, as the course starts it (stepfile.ts). */
const oursLaunch = (): string =>
  `node ${stepCommand('chat_server_ii_6.ts').slice(1, -1).join(' ')} chat_server_ii_6.ts (type-stripped)`;

async function benchChat(
  sizes: number[],
  load: ChatLoad,
  runs: number,
  command: string[] | undefined,
  cwd: string,
  settle: number,
): Promise<ChatPair[]> {
  const pairs: ChatPair[] = [];
  const settleMs = settle * 1000;
  const silence = `after ${settle} s of silence`;
  const threads = `${load.threads} load thread${load.threads > 1 ? 's' : ''}`;
  const what = `${load.senders} senders × ${load.messages} messages at once, ${threads}`;
  const commandRuns: RunFigures[] = [];
  const ourCommand = stepCommand('chat_server_ii_6.ts');
  const metrics = METRICS.filter((m) => settleMs > 0 || !m.silence);
  if (!command) console.log(`\nours: ${oursLaunch()}, as npm run step 6 server starts it`);
  if (settleMs > 0)
    console.log(
      `the memory is read again ${silence} once everyone joined, in ` +
        `${command ? 'each run' : 'the first run of each side'} (--settle 0: not waited)`,
    );
  for (const clients of sizes) {
    const shortfall = descriptorsShortfall(clients);
    if (shortfall) {
      console.log(`\n${shortfall}`);
      continue;
    }
    if (command) {
      commandRuns.push(await measure(command, clients, load, { cwd, settleMs }));
      continue;
    }
    const of = runs > 1 ? `median of ${runs} runs each, in turn` : 'one run each';
    console.log(`\nchat: step 06 server, ${clients.toLocaleString('en')} clients, ${what}; ${of}`);
    const both: { ours: RunFigures[]; python: RunFigures[] } = { ours: [], python: [] };
    for (let i = 0; i < runs; i++) {
      // The silence in one run a side, to keep the bench short: its figure moves from run to run like the
      // others, and that run's burst starts from a collected heap.
      const wait = { settleMs: i === 0 ? settleMs : 0 };
      both.ours.push(await measure(ourCommand, clients, load, wait));
      both.python.push(await measure([CHAT_PYTHON, PY_CHAT], clients, load, wait));
    }
    const [ours, python] = [together(both.ours), together(both.python)];
    pairs.push({ clients, ours, python });
    table(
      ['', 'ours (node)', 'Python', 'ours/Python'],
      metrics.map((m) => [m.label, m.text(ours), m.text(python), ratio(m.value(ours), m.value(python))]),
    );
    notes('ours', ours);
    notes('Python', python);
    const waited = both.ours[0]!; // the first run: the one with the silence
    if (notLowerAfterSilence(waited.memory))
      console.log(
        `  ours: its memory did not go down ${silence}: little garbage was left, or the collector ` +
          'had not run yet (a longer --settle tells)',
      );
  }
  if (pairs.length > 1) {
    const [a, b] = [pairs[0]!, pairs.at(-1)!];
    const ours = memoryPerClient(a.ours, b.ours);
    const python = a.python && b.python ? memoryPerClient(a.python, b.python) : {};
    const kib = (v: number | undefined): string => (v === undefined ? '—' : `${v.toFixed(1)} KiB`);
    const both = (pick: 'joined' | 'settled'): string =>
      `ours ${kib(ours[pick])}, Python ${kib(python[pick])} (${ratio(ours[pick], python[pick])})`;
    console.log(
      `\nmemory per client between ${a.clients} and ${b.clients} joined: ${both('joined')}` +
        (settleMs > 0 ? `; ${silence}: ${both('settled')}` : ''),
    );
  }
  if (command && commandRuns.length > 0) {
    console.log(`\nchat: ${command.join(' ')}, ${what}`);
    const growth =
      commandRuns.length > 1 ? [`×${commandRuns.at(-1)!.clients / commandRuns[0]!.clients} clients`] : [];
    table(
      ['', ...commandRuns.map((r) => `${r.clients.toLocaleString('en')} clients`), ...growth],
      metrics.map((m) => [
        m.label,
        ...commandRuns.map(m.text),
        ...(commandRuns.length > 1 ? [ratio(m.value(commandRuns.at(-1)!), m.value(commandRuns[0]!))] : []),
      ]),
    );
    for (const r of commandRuns) {
      notes(`${r.clients} clients`, r);
      if (notLowerAfterSilence(r.memory))
        console.log(
          `  ${r.clients} clients: the memory did not go down ${silence} ` +
            '(a garbage-collected server whose collector had not run yet, or one that frees at once)',
        );
    }
    const [a, b] = [commandRuns[0]!, commandRuns.at(-1)!];
    const { joined, settled } = memoryPerClient(a, b);
    if (a !== b && joined !== undefined)
      console.log(
        `\nmemory per client between ${a.clients} and ${b.clients} joined: ${joined.toFixed(1)} KiB` +
          (settled === undefined ? '' : `; ${silence}: ${settled.toFixed(1)} KiB`),
      );
  }
  return pairs;
}

function machine(): BenchFile['machine'] {
  const version = (cmd: string): string => {
    try {
      return execFileSync(cmd, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return 'none';
    }
  };
  return {
    cores: availableParallelism(),
    model: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    python: version(CHAT_PYTHON),
    os: `${process.platform} ${release()}`,
    load: Math.round(loadavg()[0]! * 10) / 10,
  };
}

const wholeNumber = (name: string, text: string, min = 1): number => {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} takes a whole number ≥ ${min}, not "${text}"`);
  return n;
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dashes = argv.indexOf('--');
  const command = dashes >= 0 ? argv.slice(dashes + 1) : undefined;
  const { values, positionals } = parseCommandLine(
    {
      args: dashes >= 0 ? argv.slice(0, dashes) : argv,
      allowPositionals: true,
      options: {
        clients: { type: 'string', default: '100,1000' },
        senders: { type: 'string', default: '20' },
        messages: { type: 'string', default: '50' },
        threads: { type: 'string', default: String(defaultThreads()) },
        runs: { type: 'string' },
        settle: { type: 'string', default: String(SETTLE_SECONDS) },
        save: { type: 'boolean' },
        cwd: { type: 'string', default: '.' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) throw new HelpRequest(USAGE);
  const parts = new Set(positionals.length > 0 ? positionals : command ? ['chat'] : ['web', 'chat']);
  for (const part of parts)
    if (!['web', 'chat', 'sleep'].includes(part)) throw new UsageError(`no part "${part}"; ${USAGE}`);
  if (command !== undefined && (command.length === 0 || !parts.has('chat')))
    throw new UsageError(
      `a command goes after "chat --", e.g. npm run bench -- chat -- python3 chat_server_ii_6.py`,
    );
  const sizes = values.clients.split(',').map((s) => wholeNumber('clients', s));
  const load = {
    senders: wholeNumber('senders', values.senders),
    messages: wholeNumber('messages', values.messages),
    threads: wholeNumber('threads', values.threads),
  };
  if (sizes.some((n) => n < Math.max(2, load.senders)))
    throw new UsageError('--clients must be at least 2 and at least --senders');
  // web figures hardly move from run to run (one run unless asked); chat ones take CHAT_RUNS
  const runs = values.runs === undefined ? undefined : wholeNumber('runs', values.runs);
  const settle = wholeNumber('settle', values.settle, 0);
  if (values.save && command)
    throw new UsageError('--save keeps the figures of our servers, not of a command');

  stopAllOnSignals();
  const box = machine();
  console.log(`${box.cores} cores (${box.model}), load ${box.load}; Node ${box.node}, ${box.python}`);
  try {
    const web = parts.has('web') ? await benchWeb([3, 10, 50], runs ?? 1) : [];
    if (parts.has('sleep')) await benchSleep();
    const started = parts.has('chat') && !command ? await benchStart(5) : undefined;
    const chat = parts.has('chat')
      ? await benchChat(
          sizes,
          load,
          runs ?? CHAT_RUNS,
          command,
          resolve(process.env.INIT_CWD ?? process.cwd(), values.cwd),
          settle,
        )
      : [];
    if (values.save) {
      const file: BenchFile = {
        machine: box,
        date: new Date().toISOString().slice(0, 10),
        load,
        runs: runs ?? CHAT_RUNS,
        settle,
        ours: oursLaunch(),
        start: started,
        chat,
        web,
      };
      writeFileSync(BENCH_JSON, `${JSON.stringify(file, null, 2)}\n`);
      console.log(`\nsaved to docs-src/bench.json; npm run docs draws it`);
    }
  } finally {
    await stopAll();
  }
}

if (isEntryPoint(import.meta)) runMain(main);
