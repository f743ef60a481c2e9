// Grading a class: the same checks in every student's folder (`npm run check -- 6 --each 'rendus/*' -- …`),
// several folders at once. Each run is a checker of its own (scripts/check.ts --json --port 0) in its own
// process group, with a time limit: a hand-in that hangs or crashes gets a status in its row, never stops
// the others. The table and the reports are in grade-report.ts.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../cli.ts';
import { markedProcesses, start, tsxCommand } from '../proc.ts';
import { findStep, ROOT, type Step } from '../steps.ts';
import { visible } from './match.ts';
import type { CheckReport } from './report.ts';
import { declaredChecks, selectTarget } from './run.ts';
import type { Role } from './context.ts';

const CHECK = join(ROOT, 'scripts', 'check.ts');

/** One program to check in each folder: a column group of the class table. */
export interface GradeTarget {
  /** `05`, `06 client`, `01 async`, or the key of the plan file. */
  label: string;
  step: Step;
  role?: Role;
  variant?: string;
  command: string[];
  /** The checks it must pass, in order (from step.json, lab checks only with --lab-only). */
  checks: string[];
}

export interface GradeOptions {
  /** The folders' pattern as given, e.g. `rendus/*`. */
  pattern: string;
  /** Absolute folders, sorted by name. */
  folders: { name: string; path: string }[];
  targets: GradeTarget[];
  jobs: number;
  /** 0: each run on a free port of its own (the programs must read PORT); else all there, one at a time. */
  port: number;
  /** The time limit of one run. */
  timeoutMs: number;
  /** Options passed on to every run: --host, --delay, --wait, --lab-only. */
  runOptions: string[];
}

/** `checked`: the checker ran to its end (the checks say the rest); the others are the row's status. */
export type RunStatus = 'checked' | 'not handed in' | 'does not start' | 'timed out' | 'error';

export interface GradeRun {
  label: string;
  status: RunStatus;
  /** The file not found, the program's error line, the checker's error line. */
  detail?: string;
  report?: CheckReport;
}

export interface GradedFolder {
  name: string;
  path: string;
  runs: GradeRun[];
}

export interface ClassReport {
  pattern: string;
  targets: { label: string; step: string; role: string | null; variant: string | null; command: string[] }[];
  /** Every target's checks, by label: the columns of the CSV. */
  checks: Record<string, string[]>;
  folders: GradedFolder[];
}

// ---------------------------------------------------------------------------------------------- the folders

const WILDCARD = /[*?[]/;

/** One segment of a pattern (`dup*`, `[a-m]*`, `?oo`) as a regular expression on a file name. */
function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[' && segment.indexOf(']', i + 1) > i + 1) {
      const end = segment.indexOf(']', i + 1);
      source += `[${segment
        .slice(i + 1, end)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\')}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * The folders a pattern such as `rendus/*` matches (wildcards may be in any segment), sorted, each named
 * by its path from the pattern's fixed part (`dupont`). `*`, `?` and `[…]` within a segment, as a shell.
 */
export function expandFolders(pattern: string, cwd: string): { name: string; path: string }[] {
  const absolute = resolve(cwd, pattern);
  const segments = absolute.split(sep);
  const fixed = segments.findIndex((segment) => WILDCARD.test(segment));
  const base = fixed === -1 ? absolute : segments.slice(0, fixed).join(sep) || sep;
  let paths = [fixed === -1 ? absolute : base];
  for (const segment of fixed === -1 ? [] : segments.slice(fixed)) {
    if (!WILDCARD.test(segment)) {
      paths = paths.map((path) => join(path, segment));
      continue;
    }
    const regex = segmentRegExp(segment);
    paths = paths.flatMap((path) => {
      try {
        return readdirSync(path)
          .filter((name) => regex.test(name) && (segment.startsWith('.') || !name.startsWith('.')))
          .map((name) => join(path, name));
      } catch {
        return [];
      }
    });
  }
  const folders = paths.filter((path) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  });
  if (folders.length === 0) throw new UsageError(`--each ${pattern}: no folder matches`);
  const name = (path: string): string => (fixed === -1 ? basename(path) : relative(base, path));
  return folders
    .map((path) => ({ name: name(path), path }))
    .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

// ---------------------------------------------------------------------------------------------- the targets

function stepLabel(step: Step): string {
  return String(step.number).padStart(2, '0');
}

function makeTarget(
  label: string,
  step: Step,
  command: string[],
  role: Role | undefined,
  variant: string | undefined,
  labOnly: boolean,
): GradeTarget {
  if (command.length === 0) throw new UsageError(`${label}: no command to check`);
  const selected = selectTarget(step, command, role, variant);
  const checks = declaredChecks(selected, labOnly);
  return { label, step, role: selected.role, variant: selected.variant, command, checks };
}

/**
 * `5,6` and one command: one target per step. A command with `{stem}` (`python3 {stem}.py`) stands for
 * each program of the step (every role and version, or those of --role/--variant), with `{stem}`
 * replaced by that program's file name without its extension (`chat_server_ii_5`): a whole hand-in at once.
 */
export function targetsFromSteps(
  steps: string,
  command: string[],
  { role, variant, labOnly = false }: { role?: Role; variant?: string; labOnly?: boolean },
): GradeTarget[] {
  const queries = steps.split(',').map((query) => query.trim());
  if (queries.some((query) => query === ''))
    throw new UsageError(`steps are separated by commas: "${steps}"`);
  const targets: GradeTarget[] = [];
  for (const query of queries) {
    const step = findStep(query);
    if (!command.some((word) => word.includes('{stem}'))) {
      const label = [stepLabel(step), role, variant].filter(Boolean).join(' ');
      targets.push(makeTarget(label, step, command, role, variant, labOnly));
      continue;
    }
    const roles = new Set(step.checks.map((target) => target.role));
    const chosen = step.checks.filter(
      (target) => (!role || target.role === role) && (!variant || target.variant === variant),
    );
    if (chosen.length === 0) {
      throw new UsageError(`step ${step.id} has no ${[role, variant].filter(Boolean).join(' ')} to check`);
    }
    for (const target of chosen) {
      const stem = target.file.replace(/\.[^.]+$/, '');
      const label = [stepLabel(step), roles.size > 1 && !role ? target.role : undefined, target.variant]
        .filter(Boolean)
        .join(' ');
      const words = command.map((word) => word.replaceAll('{stem}', stem));
      targets.push(makeTarget(label, step, words, target.role, target.variant, labOnly));
    }
  }
  return targets;
}

/**
 * A plan file: `{ "5": ["python3", "chat_server_ii_5.py"], "6 client": ["python3", "chat_client_ii_6.py"] }`.
 * Each key is a step, then optionally a role and a version; each value the command (or {"command": […]}).
 */
export function targetsFromPlan(file: string, { labOnly = false } = {}): GradeTarget[] {
  let plan: unknown;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--plan ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan) || Object.keys(plan).length === 0) {
    throw new UsageError(
      `--plan ${file}: expected an object of step → command, e.g. {"5": ["python3", "x.py"]}`,
    );
  }
  return Object.entries(plan).map(([key, value]) => {
    const command: unknown = Array.isArray(value) ? value : (value as { command?: unknown })?.command;
    if (!Array.isArray(command) || command.length === 0 || !command.every((w) => typeof w === 'string')) {
      throw new UsageError(`--plan ${file}: "${key}" needs a command, a list of words: ["python3", "x.py"]`);
    }
    const [query, ...words] = key.trim().split(/\s+/);
    const step = findStep(query!);
    let role: Role | undefined;
    let variant: string | undefined;
    for (const word of words) {
      if (['server', 'client', 'script'].includes(word)) role = word as Role;
      else variant = word;
    }
    return makeTarget(key.trim(), step, command as string[], role, variant, labOnly);
  });
}

// ---------------------------------------------------------------------------------------------- the runs

/** The word of the command that names the student's file (`chat_server_ii_6.py`), if one does. */
export function fileWord(command: readonly string[]): string | undefined {
  const looksLikeFile = (word: string): boolean =>
    !word.startsWith('-') && !/\s/.test(word) && (/\.[A-Za-z0-9]+$/.test(word) || word.includes('/'));
  return command.find((word, i) => (i > 0 || word.startsWith('.')) && looksLikeFile(word));
}

/**
 * The line that says why a program failed: the exception of a Python traceback (its last line,
 * `NameError: …`, `SyntaxError: …`), or else the first line.
 */
export function errorLine(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const exception = lines.findLast((line) => /^[\w.]+(Error|Exception|Interrupt|Exit)\b/.test(line));
  const line = exception ?? lines[0];
  if (line === undefined) return undefined;
  const shown = visible(line);
  return shown.length > 120 ? `${shown.slice(0, 119)}…` : shown;
}

/** A program that ended before the checks could begin: it never listened, connected or printed. */
function notStarted(report: CheckReport): string | undefined {
  const program = report.program;
  if (!program?.exit || report.checks[0]?.status === 'pass') return undefined;
  if (report.role === null && (program.exit === 'exited (code 0)' || program.stdout.trim() !== '')) {
    return undefined;
  }
  return errorLine(program.stderr) ?? program.exit;
}

/**
 * Every process of a run (its checker, the program, whatever that starts) inherits RUN_MARK with the run's
 * own value: once the run is over, or when the grader exits (Ctrl+C included), anything still carrying it
 * is killed — a program that ignores SIGTERM and outlived its checker, say.
 */
const RUN_MARK = 'TP6_GRADE_RUN';
const liveRuns = new Set<string>();

function killRun(id: string): void {
  for (const pid of markedProcesses(id, RUN_MARK)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  liveRuns.delete(id);
}

process.on('exit', () => {
  for (const id of [...liveRuns]) killRun(id);
});

async function gradeOne(folder: string, target: GradeTarget, options: GradeOptions): Promise<GradeRun> {
  const { label } = target;
  const file = fileWord(target.command);
  if (file && !existsSync(resolve(folder, file))) return { label, status: 'not handed in', detail: file };
  const args = [target.step.id, '--port', String(options.port), '--json', '--cwd', folder];
  if (target.role) args.push('--role', target.role);
  if (target.variant) args.push('--variant', target.variant);
  const [node, nodeArgs] = tsxCommand(CHECK, [...args, ...options.runOptions, '--', ...target.command]);
  const id = randomUUID();
  liveRuns.add(id);
  // npm's variables would make the run think that npm kept its options (check.ts assertOptionsReachedUs)
  const run = start(node, nodeArgs, { cwd: folder, env: { npm_lifecycle_event: '', [RUN_MARK]: id } });
  const report: string[] = []; // all of it: the Proc keeps only the last MiB or two of a stdout
  run.child.stdout!.on('data', (chunk: string) => report.push(chunk));
  let timer: NodeJS.Timeout | undefined;
  try {
    const limit = new Promise<'timeout'>((done) => {
      timer = setTimeout(() => done('timeout'), options.timeoutMs);
    });
    if ((await Promise.race([run.exited, limit])) === 'timeout') {
      // its checker stops the program it started: SIGTERM, SIGKILL 3 s later, then whatever it left
      await run.stop('SIGTERM', 10_000);
      return { label, status: 'timed out', detail: `${(options.timeoutMs / 1000).toFixed(0)} s` };
    }
    const code = run.exit!.code;
    const read = code === 0 || code === 1 ? readReport(report.join('')) : undefined;
    if (read) {
      const why = notStarted(read);
      return why === undefined
        ? { label, status: 'checked', report: read }
        : { label, status: 'does not start', detail: why, report: read };
    }
    const line =
      errorLine(run.stderr.replace(/^error: /, '')) ??
      (code === 0 || code === 1 ? 'its report could not be read' : `the checker ended (${code})`);
    return { label, status: 'error', detail: line };
  } finally {
    clearTimeout(timer);
    killRun(id);
  }
}

function readReport(json: string): CheckReport | undefined {
  try {
    return JSON.parse(json) as CheckReport;
  } catch {
    return undefined;
  }
}

/**
 * Runs every target in every folder, `jobs` at a time; `onProgress(done, total)` after each folder. Once
 * `signal` is aborted (Ctrl+C: proc.ts is stopping every run), no run starts any more.
 */
export async function grade(
  options: GradeOptions,
  onProgress: (done: number, total: number) => void = () => {},
  signal?: AbortSignal,
): Promise<ClassReport> {
  const { folders, targets } = options;
  const results = folders.map((folder) => ({ ...folder, runs: new Array<GradeRun>(targets.length) }));
  const tasks = results.flatMap((folder) => targets.map((target, t) => ({ folder, target, t })));
  const left = results.map(() => targets.length);
  let done = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && !signal?.aborted) {
      const { folder, target, t } = tasks[next++]!;
      folder.runs[t] = await gradeOne(folder.path, target, options);
      if (--left[results.indexOf(folder)]! === 0) onProgress(++done, folders.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, tasks.length)) }, worker));
  return {
    pattern: options.pattern,
    targets: targets.map(({ label, step, role, variant, command }) => ({
      label,
      step: step.id,
      role: role ?? null,
      variant: variant ?? null,
      command,
    })),
    checks: Object.fromEntries(targets.map((target) => [target.label, target.checks])),
    folders: results,
  };
}

export const defaultJobs = (): number => availableParallelism();
