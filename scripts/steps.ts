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

export interface Step {
  number: number;
  /** Folder name, e.g. `05-pseudos`. */
  id: string;
  dir: string;
  title: Record<Lang, string>;
  section: string;
  files: string[];
  /** file → the files it is diffed against, the main predecessor first. */
  lineage: Record<string, string[]>;
  roles?: { server?: string; client?: string };
  /** More ways to run the step than its demo and its files, shown in its docs. */
  commands?: { command: string; note: Record<Lang, string> }[];
  demo: Demo;
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
  let meta: Omit<Step, 'number' | 'id' | 'dir' | 'available'>;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as typeof meta;
  } catch (error) {
    // which file, as the user would open it: relative to the repository when it is in it
    const shown = relative(ROOT, file);
    throw new Error(
      `${shown.startsWith('..') || isAbsolute(shown) ? file : shown}: ${(error as Error).message}`,
    );
  }
  const available = meta.files.every((file) => existsSync(join(dir, file)));
  return { ...meta, lineage: meta.lineage ?? {}, number: Number(id.slice(0, 2)), id, dir, available };
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
