// `npm run step 2`: the four web scripts against the local fake web (or real sites with --online),
// then the lab's "Mesure !" table.
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseCommandLine } from '../cli.ts';
import { startFakeWeb, writeUrlList, type FakeWeb } from '../fakeweb.ts';
import { stopAllOnSignals } from '../proc.ts';
import { startStepFile } from '../stepfile.ts';
import { filePath, type Step, type WebDemo } from '../steps.ts';
import { createTranscript } from '../transcript.ts';
import { reportedSeconds } from '../web-lines.ts';

export default async function webDemo(step: Step, args: string[]): Promise<number> {
  const options = { online: { type: 'boolean', default: false } } as const;
  const { online } = parseCommandLine({ args, options }, 'step 2 takes only --online').values;
  const demo = step.demo as WebDemo;
  let web: FakeWeb | undefined;
  let listFile: string;
  let urls: string[];
  /** The fake web's URL list lives in a temp folder of its own, removed at the end (on Ctrl+C too). */
  let listDir: string | undefined;
  let interrupted = false; // Ctrl+C: proc.ts stops the script that runs; start no other
  stopAllOnSignals(() => {
    interrupted = true;
    if (listDir) rmSync(listDir, { recursive: true, force: true });
  });
  if (online) {
    listFile = filePath(demo.onlineList);
    urls = parseUrlList(await readFile(listFile, 'utf8'));
  } else {
    web = await startFakeWeb();
    urls = web.urls;
    listFile = await writeUrlList(urls);
    listDir = dirname(listFile);
  }
  // The pages go to a folder of their own rather than straight into the system's temp folder.
  const outputDir = await mkdtemp(join(tmpdir(), 'tp6-web-'));
  const transcript = createTranscript([...demo.single, ...demo.multiple].map((f) => f.replace(/\.ts$/, '')));
  transcript.note(
    online
      ? `Real sites from ${listFile}`
      : `Fake web on ${web!.origin}: ${urls.length} sites, latencies ${latencyRange(web!)}`,
  );
  transcript.note(`Pages written to ${outputDir}\n`);

  const results = new Map<string, RunResult>();
  try {
    for (const file of [...demo.single, ...demo.multiple]) {
      if (interrupted) break;
      const name = file.replace(/\.ts$/, '');
      const target = demo.single.includes(file) ? urls[0]! : listFile;
      transcript.note(`▶ ${file} ${target}`);
      const run = startStepFile(
        file,
        { TMPDIR: outputDir },
        { args: [target], onLine: transcript.speaker(name) },
      );
      const exit = await run.exited;
      results.set(file, { ok: exit.code === 0, seconds: reportedSeconds(run.stdout) });
    }
  } finally {
    await web?.close();
    // the pages stay (their folder is printed above); the URL list was only ours
    if (listDir) await rm(listDir, { recursive: true, force: true });
  }

  transcript.note('');
  transcript.note(`Mesure ! (${urls.length} URLs, times as each script reports them)`);
  for (const line of measureLines(
    demo,
    urls.length,
    results,
    web?.sites.map((s) => s.latencyMs / 1000),
  ))
    console.log(line);
  return [...results.values()].every((result) => result.ok) ? 0 : 1;
}

/** How one script's run went: `seconds` is its own figure, if it printed one. */
export interface RunResult {
  ok: boolean;
  seconds?: number;
}

/**
 * The rows of "Mesure !". A script that failed (a site down with --online…) gets no time, since its
 * figure would not measure the same work; the sync / async ratio needs both multiple scripts to succeed.
 */
export function measureLines(
  demo: Pick<WebDemo, 'single' | 'multiple'>,
  urlCount: number,
  results: ReadonlyMap<string, RunResult>,
  latencies?: number[],
): string[] {
  const fmt = (s: number): string => `${s.toFixed(2)} s`;
  const timeOf = (file: string): number | undefined => {
    const result = results.get(file);
    return result?.ok ? result.seconds : undefined;
  };
  const lines = [...demo.single, ...demo.multiple].map((file) => {
    const what = demo.single.includes(file) ? '1 URL' : `${urlCount} URLs`;
    const seconds = timeOf(file);
    const failed = results.get(file)?.ok === false ? ', failed' : '';
    return `  ${file.padEnd(24)} ${(seconds === undefined ? '—   ' : fmt(seconds)).padStart(8)}   ${what}${failed}`;
  });
  const [syncMultiple, asyncMultiple] = demo.multiple.map(timeOf);
  if (syncMultiple !== undefined && asyncMultiple !== undefined) {
    lines.push(
      `  ${'sync / async'.padEnd(24)} ${`${(syncMultiple / asyncMultiple).toFixed(1)}×`.padStart(8)}`,
    );
  }
  if (latencies) {
    const sum = latencies.reduce((a, b) => a + b, 0);
    lines.push(`  ${'floor, one by one'.padEnd(24)} ${fmt(sum).padStart(8)}   sum of the latencies`);
    lines.push(
      `  ${'floor, all at once'.padEnd(24)} ${fmt(Math.max(...latencies)).padStart(8)}   the longest latency`,
    );
  }
  return lines;
}

/** The URLs of a list file such as urls.txt: one a line, blank lines and `#` comments skipped. */
export function parseUrlList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function latencyRange(web: FakeWeb): string {
  const latencies = web.sites.map((s) => s.latencyMs);
  return `${Math.min(...latencies)}–${Math.max(...latencies)} ms`;
}
