// `npm run bench`: the figures behind the lessons, measured rather than asserted by timed tests.
//   web   — the lab's "Mesure !": sync vs async downloads against the fake web (3 URLs as in the brief, then 10)
//   sleep — the two counts of step 1 at the lab's 0.5 s (15 s)
//   chat  — the step 06 server: join time, broadcast throughput and memory with many clients
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError, isEntryPoint, parseCommandLine, runMain } from './cli.ts';
import { connectMany, startChatServer, type WireClient } from './chat-wire.ts';
import { reportedSeconds } from './web-lines.ts';
import { DEFAULT_SITES, startFakeWeb, writeUrlList } from './fakeweb.ts';
import { startTs, stopAll, stopAllOnSignals } from './proc.ts';
import { filePath } from './steps.ts';

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const row = (label: string, value: string, note = ''): void =>
  console.log(`  ${label.padEnd(34)} ${value.padStart(12)}  ${note}`);

async function benchWeb(runs: number): Promise<void> {
  const web = await startFakeWeb();
  // the pages the scripts write go to a folder of ours, removed at the end with the URL lists
  const pagesDir = mkdtempSync(join(tmpdir(), 'tp6-bench-'));
  const listDirs: string[] = [];
  try {
    for (const count of [3, 10]) {
      const sites = DEFAULT_SITES.slice(0, count);
      const list = await writeUrlList(web.urls.slice(0, count));
      listDirs.push(dirname(list));
      const latencies = sites.map((s) => s.latencyMs / 1000);
      console.log(`\nweb: ${count} URLs on the fake web, median of ${runs} runs (each script's own figure)`);
      const seconds: Record<string, number> = {};
      for (const script of ['web_sync_multiple.ts', 'web_async_multiple.ts']) {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const run = startTs(filePath(script), [list], { env: { TMPDIR: pagesDir } });
          const exit = await run.exited;
          if (exit.code !== 0) throw new Error(`${script} failed: ${run.stderr.trim()}`);
          times.push(reportedSeconds(run.stdout)!);
        }
        seconds[script] = median(times);
        row(
          script,
          `${seconds[script].toFixed(2)} s`,
          `min ${Math.min(...times).toFixed(2)}, max ${Math.max(...times).toFixed(2)}`,
        );
      }
      row(
        'sync / async',
        `${(seconds['web_sync_multiple.ts']! / seconds['web_async_multiple.ts']!).toFixed(1)}×`,
      );
      row(
        'floors: sum / max of latencies',
        `${latencies.reduce((a, b) => a + b, 0).toFixed(2)} / ${Math.max(...latencies).toFixed(2)} s`,
      );
    }
    console.log('  the brief, 3 real sites:                2.08 s sync, 0.35 s async');
  } finally {
    await web.close();
    for (const dir of [pagesDir, ...listDirs]) rmSync(dir, { recursive: true, force: true });
  }
}

async function benchSleep(): Promise<void> {
  console.log("\nsleep: the two counts of step 1 at the lab's 0.5 s (wall clock, Node start-up included)");
  const seconds: number[] = [];
  for (const script of ['sleep_and_print.ts', 'sleep_and_print_async.ts']) {
    const started = performance.now();
    const exit = await startTs(filePath(script), [], { env: { DELAY: '0.5' } }).exited;
    if (exit.code !== 0) throw new Error(`${script} failed`);
    seconds.push((performance.now() - started) / 1000);
    row(script, `${seconds.at(-1)!.toFixed(2)} s`);
  }
  row('ratio', `${(seconds[0]! / seconds[1]!).toFixed(2)}×`, '(the lab: about 10 s against 5 s)');
}

/** Resident memory of a process in MiB (Linux), or undefined elsewhere. */
function rssMiB(pid: number | undefined): number | undefined {
  try {
    const kib = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m)?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/** How many lines a client has received, counted incrementally over its text. */
function lineCounter(client: WireClient): () => number {
  let scanned = 0;
  let lines = 0;
  return () => {
    for (; scanned < client.text.length; scanned++) if (client.text[scanned] === '\n') lines++;
    return lines;
  };
}

async function benchChat(clientCount: number, senders: number, messages: number): Promise<void> {
  console.log(
    `\nchat: chat_server_ii_6, ${clientCount} clients, ${senders} of them sending ${messages} messages each`,
  );
  const server = await startChatServer('chat_server_ii_6.ts');
  const pid = server.proc.pid;
  const idle = rssMiB(pid);
  try {
    const joinStart = performance.now();
    const clients = await connectMany(server.port, clientCount);
    const counters = clients.map(lineCounter);
    // One after the other, so that client i sees exactly the arrivals of clients i … N-1.
    for (const [i, client] of clients.entries()) {
      await client.send(`Hello|user${i}\n`);
      await client.until(() => counters[i]!() >= 1, 'its own announcement', 10_000);
    }
    await Promise.all(
      clients.map((client, i) =>
        client.until(() => counters[i]!() >= clientCount - i, 'the join announcements', 60_000),
      ),
    );
    const joinSeconds = (performance.now() - joinStart) / 1000;
    const joined = rssMiB(pid);
    const baseline = counters.map((count) => count());

    const sendStart = performance.now();
    await Promise.all(
      clients.slice(0, senders).map(async (client, s) => {
        for (let m = 0; m < messages; m++) await client.send(`message ${m} de user${s}\n`);
      }),
    );
    const expected = (i: number): number => (senders - (i < senders ? 1 : 0)) * messages;
    await Promise.all(
      clients.map((client, i) =>
        client.until(() => counters[i]!() - baseline[i]! >= expected(i), 'every message', 60_000),
      ),
    );
    const seconds = (performance.now() - sendStart) / 1000;
    const deliveries = clients.reduce((sum, _, i) => sum + expected(i), 0);
    const peak = rssMiB(pid);

    row('connect + Hello + announcements', `${joinSeconds.toFixed(2)} s`, `${clientCount} clients`);
    row('messages delivered', `${deliveries}`, `${senders * messages} sent, each to every other client`);
    row('broadcast time', `${seconds.toFixed(2)} s`, `${Math.round(deliveries / seconds)} deliveries/s`);
    const mib = (value: number | undefined): string =>
      value === undefined ? 'n/a' : `${value.toFixed(1)} MiB`;
    row('server memory (RSS)', mib(idle), 'idle');
    row('', mib(joined), `with ${clientCount} clients`);
    row('', mib(peak), 'after the broadcast');
    for (const client of clients) client.end();
  } finally {
    await server.proc.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseCommandLine(
    {
      options: {
        only: { type: 'string', multiple: true },
        runs: { type: 'string', default: '3' },
        clients: { type: 'string', default: '200' },
        senders: { type: 'string', default: '10' },
        messages: { type: 'string', default: '20' },
      },
    },
    'npm run bench -- [--only web|sleep|chat] [--runs N] [--clients N] [--senders N] [--messages N]',
  );
  const numbers = Object.fromEntries(
    ['runs', 'clients', 'senders', 'messages'].map((key) => [key, Number(values[key as 'runs'])]),
  );
  for (const [key, value] of Object.entries(numbers)) {
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${key} takes a whole number ≥ 1`);
  }
  if (numbers.senders! > numbers.clients!) throw new UsageError('--senders cannot exceed --clients');
  const only = new Set(values.only ?? ['web', 'sleep', 'chat']);
  for (const part of only)
    if (!['web', 'sleep', 'chat'].includes(part))
      throw new UsageError(`--only takes web, sleep or chat, not "${part}"`);

  stopAllOnSignals();
  console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
  try {
    if (only.has('web')) await benchWeb(numbers.runs!);
    if (only.has('sleep')) await benchSleep();
    if (only.has('chat')) await benchChat(numbers.clients!, numbers.senders!, numbers.messages!);
  } finally {
    await stopAll();
  }
}

if (isEntryPoint(import.meta)) runMain(main);
