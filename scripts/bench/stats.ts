// Percentiles and growth, the arithmetic of `npm run bench`.

export interface Spread {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** The value below which `p` percent of the sorted values lie (nearest rank); NaN for no value. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** p50, p99 and max of any values (sorted here, on a copy). */
export function spread(values: ArrayLike<number>): Spread {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

/** `a / b` as the bench prints it: `0.63×`, or `—` when either side is missing or zero. */
export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
  const r = a / b;
  return `${r < 10 ? r.toFixed(2) : r.toFixed(0)}×`;
}

/** An array of numbers that grows without copying on every push (latencies of a million deliveries). */
export class Samples {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values, as a copy that can be sent to another thread. */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Memory per client, KiB: the slope of the server's memory (MiB, everyone joined) between two numbers of
 * clients, so that what any server holds before its first client (a runtime, a loader) is left out.
 */
export function kibPerClient(
  small: { clients: number; mib: number },
  large: { clients: number; mib: number },
): number {
  return ((large.mib - small.mib) * 1024) / (large.clients - small.clients);
}

interface MemoryRun {
  clients: number;
  memory?: { joined: number; settled?: number };
}

/**
 * Memory per client between two runs, KiB: right after the joins, and after the silence that lets a
 * garbage-collected server free what the joins left (when both runs waited for it).
 */
export function memoryPerClient(small: MemoryRun, large: MemoryRun): { joined?: number; settled?: number } {
  const [a, b] = [small.memory, large.memory];
  if (!a || !b) return {};
  const slope = (from: number | undefined, to: number | undefined): number | undefined =>
    from === undefined || to === undefined
      ? undefined
      : kibPerClient({ clients: small.clients, mib: from }, { clients: large.clients, mib: to });
  return { joined: slope(a.joined, b.joined), settled: slope(a.settled, b.settled) };
}

/**
 * Whether a server's memory failed to go down during the silence: it had little garbage left, or its
 * collector had not run yet, and then the figure after the silence says nothing more than the other.
 */
export function notLowerAfterSilence(memory: { joined: number; settled?: number } | undefined): boolean {
  return memory?.settled !== undefined && memory.settled > 0.99 * memory.joined;
}

/** The middle value (the upper one of an even count); NaN when none is a number. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Several runs' figures as one, field by field: the median of each number (nested objects alike), the first
 * run's value that has one for anything else. One run disturbed by the machine then moves no figure.
 */
export function medianRun<T>(runs: readonly T[]): T {
  const first = runs.find((run) => run !== undefined); // a figure one run lacks is taken from the others
  if (typeof first === 'number') return median(runs as readonly number[]) as T;
  if (first === null || typeof first !== 'object' || ArrayBuffer.isView(first)) return first as T;
  const keys = new Set(runs.flatMap((run) => (run ? Object.keys(run) : [])));
  const fields = [...keys].map((key) => [
    key,
    medianRun(runs.map((run) => (run as Record<string, unknown> | undefined)?.[key])),
  ]);
  return Object.fromEntries(fields) as T;
}
