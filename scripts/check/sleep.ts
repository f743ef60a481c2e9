// Step 01: the two counts, one after the other (sync) or interleaved (async), and how long they take.
// The pause is passed as DELAY (seconds, 0.5 in the lab); the expected durations scale with it.
import type { Context } from './context.ts';
import { lab, type Suite } from './define.ts';
import { assertStarted, startTarget } from './target.ts';

export const sleepSuite: Suite = {
  name: 'sleep',
  description: {
    en: 'The checker runs the script with DELAY set, and times each number it prints.',
    fr: "Le vérificateur lance le script avec DELAY, et note l'heure de chaque nombre affiché.",
  },
  checks: [
    lab(
      'sleep.counts',
      'prints the integers 1 to 10, twice, one per line',
      'affiche les entiers de 1 à 10, deux fois, un par ligne',
    ),
    lab(
      'sleep.order-sync',
      'the two counts run one after the other (1…10, then 1…10)',
      'les deux comptages se suivent (1…10, puis 1…10)',
    ),
    lab(
      'sleep.order-async',
      'the two counts interleave (1 1 2 2 … 10 10)',
      "les deux comptages s'entremêlent (1 1 2 2 … 10 10)",
    ),
    lab(
      'sleep.duration-sync',
      'takes about 20 pauses (≈ 10 s at 0.5 s): the sleep blocks',
      'dure environ 20 pauses (≈ 10 s à 0,5 s) : la pause bloque',
    ),
    lab(
      'sleep.duration-async',
      'takes about 10 pauses (≈ 5 s at 0.5 s): both counts wait at the same time',
      'dure environ 10 pauses (≈ 5 s à 0,5 s) : les deux comptages attendent en même temps',
    ),
  ],
  run: checkSleep,
};

const ONE_TO_TEN = Array.from({ length: 10 }, (_, i) => i + 1);

/** The accepted span from the first number printed to the end, in seconds, for a pause `d`. */
export function expectedSpan(variant: string, d: number): [number, number] {
  const pauses = variant === 'sync' ? 20 : 10;
  return [0.85 * (pauses - 1) * d, 1.2 * pauses * d + 0.3];
}

async function checkSleep(ctx: Context): Promise<void> {
  const { command, cwd, delay, exitMs } = ctx.options;
  const variant = ctx.wants('sleep.order-async', 'sleep.duration-async') ? 'async' : 'sync';
  const { list } = ctx;
  const lines: { text: string; at: number }[] = [];
  const proc = startTarget({
    command,
    cwd,
    env: { DELAY: String(delay) },
    onLine: (text, stream) => {
      if (stream === 'stdout') lines.push({ text, at: performance.now() });
    },
  });
  ctx.procs.push(proc);
  ctx.program = proc;
  const timeoutMs = exitMs + 25 * delay * 1000;
  const exit = await proc.waitExit(timeoutMs).catch(() => undefined);
  const end = performance.now();
  assertStarted(proc, command);

  const numbers = lines.filter((line) => /^\s*\d+\s*$/.test(line.text));
  const values = numbers.map((line) => Number(line.text));
  const expectedSorted = ONE_TO_TEN.flatMap((n) => [n, n]);
  const sorted = [...values].sort((x, y) => x - y);
  const countsOk = sorted.join(' ') === expectedSorted.join(' ');
  const decorated = lines.filter((line) => /\d/.test(line.text) && !/^\s*\d+\s*$/.test(line.text));
  if (countsOk) list.pass('sleep.counts');
  else if (decorated.length > 0 && values.length < 20)
    list.near('sleep.counts', '1\n2\n…\n10 (twice)', proc.stdout, 'numbers with other text on their lines');
  else
    list.fail(
      'sleep.counts',
      `${ONE_TO_TEN.join(' ')} ${ONE_TO_TEN.join(' ')} (one per line, in some order)`,
      proc.stdout,
      exit ? undefined : `still running after ${(timeoutMs / 1000).toFixed(0)} s`,
    );

  const order = values.join(' ');
  if (variant === 'sync') {
    const expected = [...ONE_TO_TEN, ...ONE_TO_TEN].join(' ');
    list.check('sleep.order-sync', order === expected, expected, order);
  } else {
    // the second count starts before the first ends
    const secondOne = values.indexOf(1, values.indexOf(1) + 1);
    const firstTen = values.indexOf(10);
    list.check(
      'sleep.order-async',
      secondOne !== -1 && firstTen !== -1 && secondOne < firstTen,
      expectedSorted.join(' '),
      order,
    );
  }

  const id = `sleep.duration-${variant}`;
  const [low, high] = expectedSpan(variant, delay);
  if (numbers.length === 0 || !exit) {
    list.fail(
      id,
      `${low.toFixed(2)}–${high.toFixed(2)} s`,
      numbers.length === 0 ? 'no number printed' : 'did not finish',
      'not measured',
    );
    return;
  }
  const span = (end - numbers[0]!.at) / 1000;
  const note =
    delay !== 0.5
      ? `with DELAY=${delay}: does the script read DELAY? The lab's 0.5 s pause is the default`
      : undefined;
  list.check(
    id,
    span >= low && span <= high,
    `${low.toFixed(2)}–${high.toFixed(2)} s from the first number to the end`,
    `${span.toFixed(2)} s`,
    note,
  );
}
