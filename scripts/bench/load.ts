// The load generator of `npm run bench`: clients spread over worker threads (./clients.ts), driven here
// phase by phase, while the server's memory and CPU time are read from /proc between the phases and
// sampled for the peak. One run: every client joins, the room is quiet (a mark sent through it came to
// everyone), then some clients send their messages all at once and every client checks what it got.
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { Burst, Joined, Order, Share, Synced } from './clients.ts';
import { groupMembers, groupUsage, type Usage } from './procfs.ts';
import { medianRun, spread, type Spread } from './stats.ts';

export interface Load {
  host: string;
  port: number;
  clients: number;
  senders: number;
  messages: number;
  /** Worker threads for the clients (default: the cores but one, at least one). */
  threads?: number;
  /** The server's process group, for its memory and CPU time (none: not measured). */
  pgrp?: number;
  quietMs?: number;
  /**
   * How long the room stays silent once everyone joined before the server's memory is read again (0: not
   * waited): a garbage-collected server frees the garbage of the joins only when its collector runs.
   */
  settleMs?: number;
  /** How long a client may wait for its own announcement. */
  joinTimeoutMs?: number;
}

export interface RunFigures {
  clients: number;
  senders: number;
  messages: number;
  threads: number;
  /** Connect → own announcement, ms; failed joins are not in it. */
  join: Spread;
  joinSeconds: number;
  failedJoins: number;
  joinError?: string;
  /** Send → delivery of every message to every other client, ms. */
  latency: Spread;
  expected: number;
  delivered: number;
  lost: number;
  cut: number;
  disorder: number;
  echoed: number;
  dropped: number;
  /** From the first write of the burst to the last delivery. */
  burstSeconds: number;
  deliveriesPerSecond: number;
  /**
   * Server memory, MiB: idle (before the first client), all joined, all joined after `settleMs` of silence
   * (when waited), the peak seen.
   */
  memory?: { idle: number; joined: number; settled?: number; peak: number; perThousand: number };
  /** The server's open descriptors with everyone joined. */
  fds?: number;
  /** CPU seconds: the server's (its process group) and the generator's (this process, all threads). */
  cpu: { serverJoin?: number; serverBurst?: number; generatorJoin: number; generatorBurst: number };
}

/** Several runs as one: the median of each figure, but the worst of what went wrong (never averaged away). */
export function together(runs: readonly RunFigures[]): RunFigures {
  const worst = (pick: (run: RunFigures) => number): number => Math.max(...runs.map(pick));
  return {
    ...medianRun(runs),
    failedJoins: worst((r) => r.failedJoins),
    joinError: runs.find((r) => r.joinError)?.joinError,
    lost: worst((r) => r.lost),
    cut: worst((r) => r.cut),
    disorder: worst((r) => r.disorder),
    echoed: worst((r) => r.echoed),
    dropped: worst((r) => r.dropped),
  };
}

const TSX_API = import.meta.resolve('tsx/esm/api');

export const defaultThreads = (): number => Math.max(1, availableParallelism() - 1);

const MiB = 2 ** 20;
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

class Thread {
  private readonly worker: Worker;
  private pending: ((value: unknown) => void) | undefined;
  private failure: Error | undefined;

  constructor(share: Share) {
    // Node 20 does not hand tsx's loader to a worker: the worker registers it, then imports the file
    const boot = `import(${JSON.stringify(TSX_API)}).then(({ register }) => {
      register();
      return import(${JSON.stringify(new URL('./clients.ts', import.meta.url).href)});
    });`;
    this.worker = new Worker(boot, { eval: true, workerData: share });
    this.worker.on('message', (value) => this.pending?.(value));
    this.worker.on('error', (error) => {
      this.failure = error;
      this.pending?.(undefined);
    });
  }

  /** Sends an order and resolves with the thread's answer (one order at a time). */
  order<T>(order: Order): Promise<T> {
    const answer = new Promise<T>((resolve, reject) => {
      this.pending = (value) => {
        this.pending = undefined;
        if (this.failure) reject(new Error(`a load thread failed: ${this.failure.message}`));
        else resolve(value as T);
      };
    });
    if (this.failure) this.pending!(undefined);
    else this.worker.postMessage(order);
    return answer;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** The server's usage now, and its peak memory sampled every `everyMs` until `stop()`. */
function sampler(pgrp: number | undefined, everyMs = 100) {
  let members = pgrp === undefined ? [] : groupMembers(pgrp);
  let peak = 0;
  const now = (refresh = false): Usage | undefined => {
    if (pgrp === undefined) return undefined;
    if (refresh) members = groupMembers(pgrp);
    const usage = groupUsage(pgrp, members);
    peak = Math.max(peak, usage.rss);
    return usage;
  };
  const timer = setInterval(() => now(), everyMs);
  return { now, peak: () => peak, stop: () => clearInterval(timer) };
}

/** The server's usage read between the phases (none when it is not measured), and its peak memory. */
interface Readings {
  idle?: Usage;
  joined?: Usage;
  /** After the silence that follows the joins, when waited. */
  settled?: Usage;
  end?: Usage;
}

/** The server's memory (MiB) at each reading, and its descriptors with everyone joined. */
export function serverFigures(
  clients: number,
  { idle, joined, settled, peak }: Readings & { peak: number },
): Pick<RunFigures, 'memory' | 'fds'> {
  if (!idle || !joined) return { memory: undefined, fds: joined?.fds };
  const memory = {
    idle: idle.rss / MiB,
    joined: joined.rss / MiB,
    settled: settled === undefined ? undefined : settled.rss / MiB,
    peak: peak / MiB,
    perThousand: ((joined.rss - idle.rss) / MiB / clients) * 1000,
  };
  return { memory, fds: joined.fds };
}

/** The server's CPU seconds for the joins and for the burst: what it did during the silence is neither's. */
export function serverCpu({ idle, joined, settled, end }: Readings): {
  serverJoin?: number;
  serverBurst?: number;
} {
  const beforeBurst = settled ?? joined;
  return {
    serverJoin: idle && joined ? joined.cpu - idle.cpu : undefined,
    serverBurst: beforeBurst && end ? end.cpu - beforeBurst.cpu : undefined,
  };
}

/** One run of the load: join, quiet, burst; the figures of each phase. */
export async function runLoad(load: Load): Promise<RunFigures> {
  const threads = Math.min(load.threads ?? defaultThreads(), load.clients);
  const senders = Array.from({ length: load.senders }, (_, i) => i);
  const epoch = performance.timeOrigin + performance.now();
  const workers = Array.from({ length: threads }, (_, t) => {
    const first = Math.floor((t * load.clients) / threads);
    const next = Math.floor(((t + 1) * load.clients) / threads);
    return new Thread({
      host: load.host,
      port: load.port,
      first,
      count: next - first,
      senders,
      messages: load.messages,
      epoch,
      concurrency: Math.max(1, Math.floor(64 / threads)),
      quietMs: load.quietMs ?? 3_000,
      joinTimeoutMs: load.joinTimeoutMs ?? 30_000,
    });
  });
  const server = sampler(load.pgrp);
  try {
    const idle = server.now(true);
    const cpu0 = cpuSeconds();
    const joinStart = performance.now();
    const joins = await Promise.all(workers.map((w) => w.order<Joined>({ do: 'join' })));
    const synced = await Promise.all(workers.map((w) => w.order<Synced>({ do: 'sync', n: 1 })));
    const joinSeconds = (performance.now() - joinStart) / 1000;
    const joined = server.now(true);
    const cpu1 = cpuSeconds();
    if (load.settleMs) await sleep(load.settleMs);
    const settled = load.settleMs ? server.now() : undefined;
    const cpuBeforeBurst = cpuSeconds();
    const failedJoins = joins.reduce((n, j) => n + j.failed, 0);
    const joinMs = joins.flatMap((j) => [...j.joinMs].filter((ms) => !Number.isNaN(ms)));

    const burstStart = performance.timeOrigin + performance.now() - epoch;
    const bursts = await Promise.all(workers.map((w) => w.order<Burst>({ do: 'burst' })));
    const cpu2 = cpuSeconds();
    const end = server.now();
    const sum = (pick: (b: Burst) => number): number => bursts.reduce((n, b) => n + pick(b), 0);
    const delivered = sum((b) => b.delivered);
    const lastMs = Math.max(...bursts.map((b) => b.lastMs));
    const burstSeconds = Math.max(0, lastMs - burstStart) / 1000;
    const latencies = new Float64Array(sum((b) => b.latencyMs.length));
    let at = 0;
    for (const b of bursts) {
      latencies.set(b.latencyMs, at);
      at += b.latencyMs.length;
    }
    const missingSync = synced.reduce((n, s) => n + s.missing, 0);
    return {
      clients: load.clients,
      senders: load.senders,
      messages: load.messages,
      threads,
      join: spread(joinMs),
      joinSeconds,
      failedJoins: failedJoins + missingSync,
      joinError:
        joins.find((j) => j.error)?.error ??
        (missingSync > 0 ? `${missingSync} clients never got the quiet mark` : undefined),
      latency: spread(latencies),
      expected: load.senders * (load.clients - 1) * load.messages,
      delivered,
      lost: sum((b) => b.lost),
      cut: sum((b) => b.cut),
      disorder: sum((b) => b.disorder),
      echoed: sum((b) => b.echoed),
      dropped: sum((b) => b.dropped),
      burstSeconds,
      deliveriesPerSecond: burstSeconds > 0 ? delivered / burstSeconds : 0,
      ...serverFigures(load.clients, { idle, joined, settled, end, peak: server.peak() }),
      cpu: {
        ...serverCpu({ idle, joined, settled, end }),
        generatorJoin: cpu1 - cpu0,
        generatorBurst: cpu2 - cpuBeforeBurst,
      },
    };
  } finally {
    server.stop();
    await Promise.all(workers.map((w) => w.order({ do: 'close' }).catch(() => undefined)));
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
