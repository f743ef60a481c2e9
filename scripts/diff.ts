// `npm run diff 4 5`, `npm run diff 5` (against the step before), `--stat`, `--no-color`: the unified diff
// between two steps in the terminal, each file paired with the file it descends from (step.json lineage).
import { UsageError, colourer, isEntryPoint, parseCommandLine, runMain } from './cli.ts';
import { findStep, pairSteps, previousStep, readStepFile, repoPath, type Step } from './steps.ts';
import { diffTexts, hunkHeader, type Hunk } from './textdiff.ts';

const USAGE =
  'usage: npm run diff -- <step> [<step>] [--stat] [--no-color]   (a step is 5, 05 or 05-pseudos)';

export interface Options {
  from: Step;
  to: Step;
  stat: boolean;
  colour?: boolean;
}

export function parseArgs(argv: readonly string[]): Options | 'help' {
  const { values, positionals } = parseCommandLine(
    {
      args: [...argv],
      allowPositionals: true,
      options: {
        stat: { type: 'boolean' },
        color: { type: 'boolean' },
        colour: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        'no-colour': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) return 'help';
  const colour =
    values['no-color'] || values['no-colour'] ? false : values.color || values.colour ? true : undefined;
  const stat = values.stat === true;
  if (positionals.length === 0 || positionals.length > 2) throw new UsageError(USAGE);
  if (positionals.length === 1) {
    const to = findStep(positionals[0]!);
    const from = previousStep(to);
    if (!from) throw new UsageError(`step ${to.id} is the first one: give two steps`);
    return { from, to, stat, colour };
  }
  return { from: findStep(positionals[0]!), to: findStep(positionals[1]!), stat, colour };
}

/** One file's diff as shown in the terminal: labels are repository paths or /dev/null. */
interface Shown {
  oldLabel: string;
  newLabel: string;
  title: string;
  hunks: Hunk[];
  added: number;
  removed: number;
}

export interface StepDiff {
  files: Shown[];
  unchanged: string[];
  onlyIn: { step: string; file: string }[];
}

/** The diffs from one step to another; when `from` is the later step, every diff runs backwards. */
export function stepDiff(from: Step, to: Step): StepDiff {
  const backwards = from.number > to.number;
  const [older, newer] = backwards ? [to, from] : [from, to];
  const { pairs, unchanged, onlyInOld } = pairSteps(older, newer);
  const missing = pairs
    .flatMap((p) => [p.oldName, p.newName])
    .filter((f): f is string => f !== undefined && readStepFile(f) === undefined);
  if (missing.length > 0) throw new Error(`not yet available: ${missing.map(repoPath).join(', ')}`);
  const files = pairs.map(({ oldName, newName }): Shown => {
    const d = diffTexts(oldName, oldName ? readStepFile(oldName)! : '', newName, readStepFile(newName)!);
    const oldLabel = oldName ? repoPath(oldName) : '/dev/null';
    const newLabel = repoPath(newName);
    const title = oldName ? `${oldName} → ${newName}` : `${newName} (new)`;
    if (!backwards) return { oldLabel, newLabel, title, hunks: d.hunks, added: d.added, removed: d.removed };
    const hunks = d.hunks.map(
      (h): Hunk => ({
        oldStart: h.newStart,
        oldLines: h.newLines,
        newStart: h.oldStart,
        newLines: h.oldLines,
        lines: h.lines.map((l) => ({
          kind: l.kind === 'add' ? 'del' : l.kind === 'del' ? 'add' : 'context',
          text: l.text,
          oldNo: l.newNo,
          newNo: l.oldNo,
        })),
      }),
    );
    const backTitle = oldName ? `${newName} → ${oldName}` : `${newName} (gone)`;
    return {
      oldLabel: newLabel,
      newLabel: oldLabel,
      title: backTitle,
      hunks,
      added: d.removed,
      removed: d.added,
    };
  });
  return { files, unchanged, onlyIn: onlyInOld.map((file) => ({ step: older.id, file })) };
}

/** One file's unified diff, as `diff -u` shows it (also used by `npm run solution`). */
export function unifiedLines(oldLabel: string, newLabel: string, hunks: readonly Hunk[], c: Paint): string[] {
  const out = [
    c('bold', `diff ${oldLabel} ${newLabel}`),
    c('bold', `--- ${oldLabel}`),
    c('bold', `+++ ${newLabel}`),
  ];
  for (const h of hunks) {
    out.push(c('cyan', hunkHeader(h)));
    for (const line of h.lines) {
      if (line.kind === 'add') out.push(c('green', `+${line.text}`));
      else if (line.kind === 'del') out.push(c('red', `-${line.text}`));
      else out.push(` ${line.text}`);
    }
  }
  return out;
}

type Paint = ReturnType<typeof colourer>;

export function renderUnified(from: Step, to: Step, colourOn: boolean): string {
  const c = colourer(process.stdout, colourOn);
  const { files, unchanged, onlyIn } = stepDiff(from, to);
  const out = files.flatMap((f) => unifiedLines(f.oldLabel, f.newLabel, f.hunks, c));
  for (const f of unchanged) out.push(c('dim', `# unchanged: ${repoPath(f)}`));
  for (const o of onlyIn) out.push(c('dim', `# only in step ${o.step}: ${repoPath(o.file)}`));
  return out.join('\n') + '\n';
}

export function renderStat(from: Step, to: Step, colourOn: boolean): string {
  const c = colourer(process.stdout, colourOn);
  const { files, unchanged, onlyIn } = stepDiff(from, to);
  const width = Math.max(0, ...files.map((f) => f.title.length));
  const most = Math.max(1, ...files.map((f) => f.added + f.removed));
  const scale = Math.min(1, 40 / most);
  const out = files.map((f) => {
    const bar =
      c('green', '+'.repeat(Math.round(f.added * scale))) +
      c('red', '-'.repeat(Math.round(f.removed * scale)));
    return ` ${f.title.padEnd(width)} | ${String(f.added + f.removed).padStart(4)} ${bar}`;
  });
  const added = files.reduce((n, f) => n + f.added, 0);
  const removed = files.reduce((n, f) => n + f.removed, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  out.push(
    ` ${plural(files.length, 'file')} changed, ${plural(added, 'insertion')}(+), ${plural(removed, 'deletion')}(-)`,
  );
  for (const f of unchanged) out.push(c('dim', ` unchanged: ${f}`));
  for (const o of onlyIn) out.push(c('dim', ` only in step ${o.step}: ${o.file}`));
  return out.join('\n') + '\n';
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  // `npm run diff 4 5 --stat` (without `--`) hands the flags to npm, which leaves them in the environment.
  if (process.env.npm_config_stat === 'true') args.push('--stat');
  if (process.env.npm_config_color === '' || process.env.npm_config_color === 'false')
    args.push('--no-color');
  if (process.env.npm_config_color === 'always') args.push('--color');
  const options = parseArgs(args);
  if (options === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const colourOn = options.colour ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  process.stdout.write(
    options.stat
      ? renderStat(options.from, options.to, colourOn)
      : renderUnified(options.from, options.to, colourOn),
  );
  return 0;
}

if (isEntryPoint(import.meta)) runMain(main);
