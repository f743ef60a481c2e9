// A worker thread of the load generator: its share of the clients, each a raw TCP connection that joins
// with `Hello|<pseudo>` and checks every byte it receives (./deliveries.ts). The main thread (./load.ts)
// drives the phases; this thread only connects, writes and counts, so that the measure stays cheap.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { Receiver, messageLine } from './deliveries.ts';
import { Samples } from './stats.ts';

export interface Share {
  host: string;
  port: number;
  /** Global number of this thread's first client, and how many it holds. */
  first: number;
  count: number;
  /** Global numbers of the clients that send, and how many messages each sends. */
  senders: number[];
  messages: number;
  /** Absolute time (ms) the run's clocks start from: every thread reads the same. */
  epoch: number;
  /** Joins in flight at once in this thread. */
  concurrency: number;
  /** A wait ends this long after the last byte came in: what has not come by then is lost. */
  quietMs: number;
  joinTimeoutMs: number;
}

export type Order = { do: 'join' } | { do: 'sync'; n: number } | { do: 'burst' } | { do: 'close' };

export interface Joined {
  joinMs: Float64Array;
  failed: number;
  error?: string;
}
export interface Synced {
  missing: number;
}
export interface Burst {
  latencyMs: Float64Array;
  delivered: number;
  lost: number;
  cut: number;
  disorder: number;
  echoed: number;
  /** When the last token came, ms since the epoch. */
  lastMs: number;
  /** Connections the server closed during the burst. */
  dropped: number;
}

const share = workerData as Share;
const since = (): number => performance.timeOrigin + performance.now() - share.epoch;
const pseudo = (n: number): string => `c${n}`;

interface Client {
  n: number;
  socket?: net.Socket;
  receiver: Receiver;
  closed: boolean;
  /** Called after each chunk and at the close, while someone waits on this client. */
  wake?: () => void;
  /** When the chunk holding its own announcement came (not when it was checked). */
  joinedAt?: number;
}

const latencies = new Samples();
let lastByte = since();
let lastToken = 0;
/** Checked after each chunk: the current phase's condition, and what to do once it holds. */
let waiting: { done: () => boolean; resolve: () => void } | undefined;

const clients: Client[] = Array.from({ length: share.count }, (_, i) => {
  const n = share.first + i;
  return {
    n,
    closed: false,
    receiver: new Receiver(n, pseudo(n), (_sender, _seq, sentMs) => {
      lastToken = arrivedAt;
      latencies.push(arrivedAt - sentMs);
    }),
  };
});

/** Resolves when `done()` holds, or once nothing came in for quietMs (then what is missing stays missing). */
function until(done: () => boolean): Promise<void> {
  if (done()) return Promise.resolve();
  lastByte = since(); // quiet from now on, not from the previous phase
  return new Promise((resolve) => {
    const quiet = setInterval(() => {
      if (since() - lastByte >= share.quietMs) finish();
    }, 100);
    const finish = (): void => {
      clearInterval(quiet);
      waiting = undefined;
      resolve();
    };
    waiting = { done, resolve: finish };
  });
}

/**
 * Chunks read, stamped with their arrival, not yet checked. During the burst this thread reads while
 * anything comes and checks what came once nothing did for QUIET_READS_MS, so that the latency measured is
 * the server's, not the time this thread takes to check a million deliveries between two reads. Joins,
 * one after the other on each lane, are checked as soon as they are read.
 */
let inbox: { client: Client; chunk: string; at: number }[] = [];
const QUIET_READS_MS = 5;
let inBurst = false;
/** When the chunk being checked came. */
let arrivedAt = 0;

/** Checks the inbox: during the burst, once nothing was read for QUIET_READS_MS. */
function readInboxWhenQuiet(): void {
  const quietFor = since() - lastByte;
  if (inBurst && quietFor < QUIET_READS_MS) setTimeout(readInboxWhenQuiet, QUIET_READS_MS - quietFor);
  else readInbox();
}

function readInbox(): void {
  const chunks = inbox;
  inbox = [];
  for (const { client, chunk, at } of chunks) {
    arrivedAt = at;
    client.receiver.feed(chunk);
    client.wake?.();
  }
  if (chunks.length > 0 && waiting?.done()) waiting.resolve();
}

/**
 * Every socket of this thread reads into this one buffer, copied out at once as text: no buffer allocated
 * and no stream event per read, so that reading keeps up with a server that writes a lot at once.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

function connect(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    const onRead = (length: number): boolean => {
      lastByte = since();
      if (inbox.length === 0) setImmediate(readInboxWhenQuiet);
      const chunk = READ_BUFFER.toString('latin1', 0, length); // tokens are ASCII
      inbox.push({ client, chunk, at: lastByte });
      return true; // go on reading
    };
    const socket = net.connect({
      port: share.port,
      host: share.host,
      onread: { buffer: READ_BUFFER, callback: onRead },
    });
    client.socket = socket;
    socket.setNoDelay(true);
    socket.once('connect', () => resolve());
    socket.on('error', (error) => reject(error));
    socket.on('close', () => {
      readInbox(); // what came before the close counts
      client.closed = true;
      reject(new Error('closed before it connected'));
      client.wake?.();
      if (waiting?.done()) waiting.resolve();
    });
  });
}

/** Resolves once the client saw its own announcement; rejects when it is closed first or too late. */
function announced(client: Client): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      clearTimeout(timer);
      client.wake = undefined;
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => settle(new Error(`no announcement within ${share.joinTimeoutMs / 1000} s`)),
      share.joinTimeoutMs,
    );
    client.wake = () => {
      if (client.receiver.joined) {
        client.joinedAt ??= arrivedAt;
        settle();
      } else if (client.closed)
        settle(new Error(`closed by the server: ${JSON.stringify(client.receiver.tail)}`));
    };
    client.wake();
  });
}

async function join(): Promise<Joined> {
  const joinMs = new Float64Array(share.count).fill(Number.NaN);
  let next = 0;
  let failed = 0;
  let error: string | undefined;
  // a server that does not speak the protocol would make every client wait the whole timeout: give up
  const enough = Math.max(5, Math.ceil(share.count / 20));
  const lane = async (): Promise<void> => {
    for (let i = next++; i < share.count; i = next++) {
      if (failed >= enough) {
        failed++; // not even tried
        continue;
      }
      const client = clients[i]!;
      const started = since();
      try {
        await connect(client);
        client.socket!.write(`Hello|${pseudo(client.n)}`); // no newline: the lab's client sends none
        await announced(client);
        joinMs[i] = client.joinedAt! - started;
      } catch (e) {
        failed++;
        error ??= `client ${client.n}: ${(e as Error).message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(share.concurrency, share.count) }, lane));
  return { joinMs, failed, error };
}

/** Resolves once `ok` holds for every client in `group` (checked when a client gets a chunk or is closed). */
function all(group: Client[], ok: (client: Client) => boolean): Promise<void> {
  let remaining = group.length;
  for (const client of group) {
    client.wake = () => {
      if (!client.closed && !ok(client)) return;
      client.wake = undefined;
      remaining--;
    };
  }
  for (const client of group) client.wake?.();
  return until(() => remaining === 0).finally(() => {
    for (const client of group) client.wake = undefined;
  });
}

/** Client 0 writes the mark `[sync:n]`; every other joined client of this thread waits for it. */
async function sync(n: number): Promise<Synced> {
  const others = clients.filter((client) => client.n !== 0 && client.receiver.joined);
  const waited = all(others, (client) => client.receiver.synced >= n);
  clients.find((client) => client.n === 0)?.socket?.write(`[sync:${n}]\n`);
  await waited;
  return { missing: others.filter((c) => c.receiver.synced < n && !c.closed).length };
}

/** Every sender of this thread writes its messages at once; every client waits for all the others'. */
async function burst(): Promise<Burst> {
  const expected = (client: Client): number =>
    share.senders.filter((s) => s !== client.n).length * share.messages;
  const waited = all(clients, (client) => client.receiver.delivered >= expected(client));
  inBurst = true;
  for (const client of clients.filter((c) => share.senders.includes(c.n))) {
    for (let seq = 0; seq < share.messages; seq++) client.socket!.write(messageLine(client.n, seq, since()));
  }
  await waited;
  inBurst = false;
  const sum = (pick: (client: Client) => number): number =>
    clients.reduce((total, client) => total + pick(client), 0);
  return {
    latencyMs: latencies.toArray(),
    delivered: sum((c) => c.receiver.delivered),
    lost: sum((c) => c.receiver.lost(share.senders, share.messages)),
    cut: sum((c) => c.receiver.cut),
    disorder: sum((c) => c.receiver.disorder),
    echoed: sum((c) => c.receiver.echoed),
    lastMs: lastToken,
    dropped: sum((c) => (c.closed ? 1 : 0)),
  };
}

parentPort!.on('message', async (order: Order) => {
  if (order.do === 'join') parentPort!.postMessage(await join());
  else if (order.do === 'sync') parentPort!.postMessage(await sync(order.n));
  else if (order.do === 'burst') parentPort!.postMessage(await burst());
  else {
    for (const client of clients) client.socket?.destroy();
    parentPort!.postMessage({ closed: true });
  }
});
