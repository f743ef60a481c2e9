// The single source of truth about the steps: each steps/NN-name/step.json, read here and nowhere else.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from './cli.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const STEPS_DIR = join(ROOT, 'steps');

export type Lang = 'en' | 'fr';
export const LANGS: readonly Lang[] = ['en', 'fr'];

/** What the demo shows, in a few words, for the docs. */
type DemoNote = { note: Record<Lang, string> };
export interface SleepDemo extends DemoNote {
  kind: 'sleep';
  sync: string;
  async: string;
}
export interface WebDemo extends DemoNote {
  kind: 'web';
  single: string[];
  multiple: string[];
  onlineList: string;
}
/** The chat demo's scenario lives in step.json too; its shape is owned by scripts/demos/chat.ts. */
export interface ChatDemo extends DemoNote {
  kind: 'chat';
  [key: string]: unknown;
}
export type Demo = SleepDemo | WebDemo | ChatDemo;

/** Who plays which part in a chat step: `npm run step N server|client`. */
export type Roles = { server?: string; client?: string };

/**
 * One program that `npm run check` can check for this step. A role may have several versions (`variant`:
 * `sync` / `async`, `ii_2` / `ii_3`): the one whose `match` (a regular expression) fits the words of the command
 * is chosen, the one without `match` otherwise.
 */
export interface CheckTarget {
  role: 'server' | 'client' | 'script';
  variant?: string;
  match?: string;
  /** The deliverable it checks: a file of this step or of an earlier one. */
  file: string;
  /** The suite that plays the other side (scripts/check/registry.ts). */
  suite: string;
  /** The checks this program must pass, in the order they are shown. */
  checks: string[];
}

/** What a student is asked to do at this step (exercise mode), and hints from the most general to nearly the answer. */
export interface Exercise {
  brief: Record<Lang, string>;
  hints: Record<Lang, string[]>;
}

export interface Step {
  number: number;
  /** Folder name, e.g. `05-pseudos`. */
  id: string;
  dir: string;
  title: Record<Lang, string>;
  section: string;
  /** The lab's part, from the section (`II.5 …` → `II`). */
  part: string;
  files: string[];
  /** file → the files it is diffed against, the main predecessor first. */
  lineage: Record<string, string[]>;
  roles?: Roles;
  /** The arguments a file takes (`web_sync.ts` → `<url>`); a file not listed takes none. */
  usage?: Record<string, string>;
  /** More ways to run the step than its demo and its files, shown in its docs. */
  commands?: { command: string; note: Record<Lang, string> }[];
  demo: Demo;
  /** What the checker checks; none declared means the checker refuses the step. */
  checks: CheckTarget[];
  exercise?: Exercise;
  /** False while some of its files are not written yet. */
  available: boolean;
}

let cache: Step[] | undefined;

/** The steps of `stepsDir` (the repository's own by default), in order. */
export function loadSteps(stepsDir = STEPS_DIR): Step[] {
  if (stepsDir === STEPS_DIR && cache) return cache;
  const steps = readdirSync(stepsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d\d-/.test(entry.name))
    .map((entry) => readStep(stepsDir, entry.name))
    .sort((a, b) => a.number - b.number);
  if (stepsDir === STEPS_DIR) cache = steps;
  return steps;
}

function readStep(stepsDir: string, id: string): Step {
  const dir = join(stepsDir, id);
  const file = join(dir, 'step.json');
  // which file, as the user would open it: relative to the repository when it is in it
  const shown =
    relative(ROOT, file).startsWith('..') || isAbsolute(relative(ROOT, file)) ? file : relative(ROOT, file);
  let meta: Partial<Step>;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as Partial<Step>;
  } catch (error) {
    throw new Error(`${shown}: ${(error as Error).message}`);
  }
  const problem = invalidField(meta);
  if (problem) throw new Error(`${shown}: ${problem}`);
  const { title, section, files, demo } = meta as Step;
  const available = files.every((name) => existsSync(join(dir, name)));
  return {
    ...meta,
    title,
    section,
    files,
    demo,
    part: /^([IVX]+)\./.exec(section)?.[1] ?? '',
    lineage: meta.lineage ?? {},
    checks: meta.checks ?? [],
    number: Number(id.slice(0, 2)),
    id,
    dir,
    available,
  };
}

/** What is wrong with a step.json, in a few words, or undefined. */
function invalidField(meta: Partial<Step>): string | undefined {
  const text = (value: unknown): boolean => typeof value === 'string' && value !== '';
  if (!meta.title || !LANGS.every((lang) => text(meta.title![lang]))) return 'title needs "en" and "fr"';
  if (!text(meta.section)) return 'section is missing (e.g. "II.5 Gérer des pseudos")';
  if (!Array.isArray(meta.files) || meta.files.length === 0) return "files must list the step's files";
  if (!meta.demo || !text(meta.demo.kind)) return 'demo.kind is missing (sleep, web or chat)';
  for (const [name, from] of Object.entries(meta.lineage ?? {})) {
    if (!meta.files.includes(name)) return `lineage names "${name}", which is not in files`;
    if (!Array.isArray(from)) return `lineage of "${name}" must be a list of files`;
  }
  for (const target of meta.checks ?? []) {
    if (!['server', 'client', 'script'].includes(target.role))
      return `checks: role is server, client or script`;
    if (!text(target.file) || !text(target.suite) || !Array.isArray(target.checks)) {
      return 'checks: each entry needs file, suite and checks';
    }
  }
  return undefined;
}

/** Accepts `5`, `05` or `05-pseudos`. */
export function findStep(query: string): Step {
  const steps = loadSteps();
  const step = steps.find((s) => s.id === query || (/^\d{1,2}$/.test(query) && s.number === Number(query)));
  if (!step) throw new UsageError(`unknown step "${query}"; steps are ${steps.map((s) => s.id).join(', ')}`);
  return step;
}

/** Every file name is unique across the steps, so a bare name is enough to find a file. */
export function stepOfFile(file: string): Step {
  const step = loadSteps().find((s) => s.files.includes(file));
  if (!step) throw new UsageError(`no step has a file named "${file}"`);
  return step;
}

export function filePath(file: string): string {
  return join(stepOfFile(file).dir, file);
}

/** A program of the step, or one it uses from an earlier step (its roles): `web_sync`, `web_sync.ts` or `server`.
 * Only `.ts` files can be run: a step's data files (`urls.txt`) are not programs. */
export function findFile(step: Step, query: string): string {
  const runnable = [...new Set([...step.files, ...Object.values(step.roles ?? {})])].filter((f) =>
    f.endsWith('.ts'),
  );
  const roleFile = step.roles?.[query as 'server' | 'client'];
  const file = roleFile ?? runnable.find((f) => f === query || f === `${query}.ts`);
  if (!file) {
    const choices = [...Object.keys(step.roles ?? {}), ...runnable].join(', ');
    if (step.files.includes(query))
      throw new UsageError(`${step.id}/${query} is not a program to run; choose from ${choices}`);
    throw new UsageError(`step ${step.id} has no file "${query}"; choose from ${choices}`);
  }
  return filePath(file);
}

/** The text of a step file, or undefined while it is not written yet. */
export function readStepFile(file: string): string | undefined {
  const path = filePath(file);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** `steps/05-pseudos/chat_server_ii_5.ts`, with forward slashes (stable across systems). */
export function repoPath(file: string): string {
  return relative(ROOT, filePath(file)).split('\\').join('/');
}

/** Every file a step uses: its own files, then the ones it takes from earlier steps (its roles). */
export function stepFileSet(step: Step): string[] {
  return [
    ...new Set([
      ...step.files,
      ...Object.values(step.roles ?? {}).filter((f): f is string => typeof f === 'string'),
    ]),
  ];
}

/** The direct predecessors of a file (main first), from the step that owns it. */
export function predecessors(file: string): string[] {
  return stepOfFile(file).lineage[file] ?? [];
}

/** Every ancestor of a file, nearest first (breadth-first along the lineage, main predecessors first). */
export function ancestors(file: string): string[] {
  const seen = new Set<string>();
  const queue = [...predecessors(file)];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...predecessors(next));
  }
  return [...seen];
}

export interface FilePair {
  oldName?: string;
  newName: string;
}

export interface StepPairing {
  /** Files of the newer step, each with the file of the older step it descends from (if any). */
  pairs: FilePair[];
  /** Files both steps use unchanged (e.g. step 04 still runs `chat_client_ii_3.ts`). */
  unchanged: string[];
  /** Files of the older step with no descendant in the newer one (and not superseded within it). */
  onlyInOld: string[];
}

/** Pairs the files of two steps by lineage; `from` is the older step. */
export function pairSteps(from: Step, to: Step): StepPairing {
  const oldSet = stepFileSet(from);
  const newSet = stepFileSet(to);
  const pairs: FilePair[] = [];
  const unchanged: string[] = [];
  const used = new Set<string>();
  for (const file of newSet) {
    if (oldSet.includes(file)) {
      unchanged.push(file);
      used.add(file);
      continue;
    }
    const oldName = ancestors(file).find((a) => oldSet.includes(a));
    if (oldName) used.add(oldName);
    pairs.push({ oldName, newName: file });
  }
  const superseded = new Set([...used].flatMap((f) => ancestors(f)));
  const onlyInOld = oldSet.filter((f) => !used.has(f) && !superseded.has(f));
  return { pairs, unchanged, onlyInOld };
}

/** The step just before this one, if any. */
export function previousStep(step: Step): Step | undefined {
  const steps = loadSteps();
  return steps[steps.findIndex((s) => s.id === step.id) - 1];
}

export function nextStep(step: Step): Step | undefined {
  const steps = loadSteps();
  const i = steps.findIndex((s) => s.id === step.id);
  return i < 0 ? undefined : steps[i + 1];
}
