import { describe, expect, it } from 'vitest';
import { startStepFile } from '../scripts/stepfile.ts';
import { expectOneLineError } from './helpers.ts';

const SYNC = 'sleep_and_print.ts';
const ASYNC = 'sleep_and_print_async.ts';
const COUNT = Array.from({ length: 10 }, (_, i) => String(i + 1));

/** Runs a sleep script and times it from its first printed number to its exit (Node start-up left out). */
async function runTimed(file: string, delay: string): Promise<{ lines: string[]; seconds: number }> {
  const run = startStepFile(file, { DELAY: delay });
  await run.waitFor(/^1$/m);
  const firstLine = performance.now();
  const exit = await run.waitExit(20_000);
  expect(exit.code, run.output).toBe(0);
  return { lines: run.stdout.trim().split('\n'), seconds: (performance.now() - firstLine) / 1000 };
}

describe('step 01 · sleep', () => {
  it('sleep_and_print counts 1..10 then 1..10', async () => {
    const { lines } = await runTimed(SYNC, '0.01');
    expect(lines).toEqual([...COUNT, ...COUNT]);
  });

  it('sleep_and_print_async interleaves the two counts', async () => {
    const { lines } = await runTimed(ASYNC, '0.01');
    expect(lines).toEqual(COUNT.flatMap((n) => [n, n]));
  });

  it('the blocking version takes the sum of the pauses, the asynchronous one about half', async () => {
    const [sync, async] = await Promise.all([runTimed(SYNC, '0.1'), runTimed(ASYNC, '0.1')]);
    // 20 pauses of 0.1 s one after the other; 10 pauses for the asynchronous version (the first number
    // is printed before the first pause, hence 1.9 s and 0.9 s at least)
    expect(sync.seconds).toBeGreaterThanOrEqual(1.9);
    expect(async.seconds).toBeGreaterThanOrEqual(0.9);
    expect(async.seconds).toBeLessThan(1.6);
    expect(sync.seconds / async.seconds).toBeGreaterThan(1.4);
  });

  it.each([
    ['sleep_and_print', SYNC],
    ['sleep_and_print_async', ASYNC],
  ])('%s refuses a DELAY that is not a number of seconds', async (_, file) => {
    await expectOneLineError(startStepFile(file, { DELAY: 'abc' }), 2, /^Erreur : DELAY doit être un nombre/);
  });
});
