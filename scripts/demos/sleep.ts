// `npm run step 1`: the blocking count, then the asynchronous one, and how long each took.
import { parseCommandLine } from '../cli.ts';
import { stopAllOnSignals } from '../proc.ts';
import { startStepFile } from '../stepfile.ts';
import type { SleepDemo, Step } from '../steps.ts';
import { createTranscript } from '../transcript.ts';

export default async function sleepDemo(step: Step, args: string[]): Promise<number> {
  parseCommandLine({ args, options: {} }, 'step 1 takes no option (set DELAY=<seconds> to change the pause)');
  const { sync, async } = step.demo as SleepDemo;
  const delay = process.env.DELAY ?? '0.5';
  const transcript = createTranscript(['sync', 'async']);
  stopAllOnSignals();

  const seconds: Record<string, number> = {};
  for (const [name, file] of [
    ['sync', sync],
    ['async', async],
  ] as const) {
    transcript.note(`▶ ${file} (DELAY=${delay} s)`);
    const started = performance.now();
    const run = startStepFile(file, {}, { onLine: transcript.speaker(name) });
    const exit = await run.exited;
    if (exit.code !== 0) return exit.code ?? 1;
    seconds[name] = (performance.now() - started) / 1000;
  }

  transcript.note('');
  transcript.note('Mesure ! (wall-clock time, Node start-up included)');
  console.log(`  ${sync.padEnd(26)} ${seconds.sync!.toFixed(2)} s   (one count after the other)`);
  console.log(`  ${async.padEnd(26)} ${seconds.async!.toFixed(2)} s   (both counts at once)`);
  console.log(`  ${'ratio'.padEnd(26)} ${(seconds.sync! / seconds.async!).toFixed(1)}×`);
  return 0;
}
