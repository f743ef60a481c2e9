// The student's workspace for the exercise mode: work/NN-name/ holds their files for each step (git-ignored),
// work/.state.json what happened (verified when, verify attempts, hints shown). What a step asks for comes from
// its step.json (files, lineage, exercise brief and hints), the starting point from their previous step.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, filePath, loadSteps, stepOfFile, type Lang, type Step } from '../steps.ts';

/** `TP6_WORK` moves the workspace elsewhere (the tests do). */
export const WORK_DIR = process.env.TP6_WORK ? join(process.env.TP6_WORK) : join(ROOT, 'work');
export const PYTHON_DIR = join(ROOT, 'reference', 'python');

export type Track = 'ts' | 'python';

export interface StepState {
  track: Track;
  /** ISO date of the last successful verify. */
  verified?: string;
  attempts: number;
  hintsShown: number;
}

type State = Record<string, StepState>;

const statePath = (): string => join(WORK_DIR, '.state.json');

export function readState(): State {
  try {
    return JSON.parse(readFileSync(statePath(), 'utf8')) as State;
  } catch {
    return {};
  }
}

export function updateState(step: Step, change: (state: StepState) => void): StepState {
  const state = readState();
  const entry = (state[step.id] ??= { track: trackOf(step), attempts: 0, hintsShown: 0 });
  change(entry);
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(statePath(), `${JSON.stringify(state, null, 2)}\n`);
  return entry;
}

export const workDir = (step: Step): string => join(WORK_DIR, step.id);

/** A file name in the track's language: `chat_server_ii_5.ts` → `chat_server_ii_5.py`. */
export function inTrack(file: string, track: Track): string {
  return track === 'python' ? file.replace(/\.ts$/, '.py') : file;
}

/** The step's programs (its data files, such as urls.txt, come along but are not the exercise). */
export function programs(step: Step): string[] {
  return step.files.filter((file) => file.endsWith('.ts'));
}

/** The track of a step's workspace: Python when it holds .py files, TypeScript otherwise. */
export function trackOf(step: Step): Track {
  const dir = workDir(step);
  const recorded = readState()[step.id]?.track;
  if (recorded) return recorded;
  return existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.py')) ? 'python' : 'ts';
}

/** Where the student's own version of a file is: in the workspace of the step that owns it. */
export function ownFile(file: string, track: Track): string {
  return join(workDir(stepOfFile(file)), inTrack(file, track));
}

/** The lab's answer for a file, in the track's language. */
export function referenceFile(file: string, track: Track): string {
  return track === 'python' ? join(PYTHON_DIR, inTrack(file, 'python')) : filePath(file);
}

export interface Prepared {
  file: string;
  /** Where it came from: the student's own earlier file, the course's reference, or a blank start. */
  from: { kind: 'own' | 'reference'; path: string } | { kind: 'blank' };
}

/**
 * Fills work/NN-name/ with the step's files, each from the file it grows from (its main predecessor in
 * step.json's lineage): the student's own version when there is one, else the reference. A file that grows
 * from a file of the same step, or from nothing, starts blank: copying the answer of this very step would
 * give it away. Data files are copied as they are.
 */
export function prepare(step: Step, track: Track): Prepared[] {
  const dir = workDir(step);
  mkdirSync(dir, { recursive: true });
  // ES modules, as in the repository (the workspace may be elsewhere: TP6_WORK)
  writeFileSync(join(WORK_DIR, 'package.json'), '{ "type": "module", "private": true }\n');
  const prepared: Prepared[] = [];
  for (const file of step.files) {
    const target = join(dir, inTrack(file, track));
    if (!file.endsWith('.ts')) {
      copyFileSync(
        track === 'python' && existsSync(join(PYTHON_DIR, file)) ? join(PYTHON_DIR, file) : filePath(file),
        target,
      );
      continue;
    }
    const parent = step.lineage[file]?.[0];
    if (parent === undefined || step.files.includes(parent)) {
      writeFileSync(target, blank(step, file, parent, track));
      prepared.push({ file: inTrack(file, track), from: { kind: 'blank' } });
      continue;
    }
    const own = ownFile(parent, track);
    const source = existsSync(own) ? own : referenceFile(parent, track);
    if (!existsSync(source))
      throw new Error(`no ${relative(ROOT, source)} to start ${inTrack(file, track)} from`);
    copyFileSync(source, target);
    prepared.push({
      file: inTrack(file, track),
      from: { kind: source === own ? 'own' : 'reference', path: source },
    });
  }
  return prepared;
}

function blank(step: Step, file: string, parent: string | undefined, track: Track): string {
  const comment = track === 'python' ? '#' : '//';
  const start = parent ? ` Start from your ${inTrack(parent, track)} (copy it here).` : '';
  return `${comment} ${inTrack(file, track)} — ${step.section}.${start}\n`;
}

/** Removes the step's workspace (--reset). */
export function clear(step: Step): void {
  rmSync(workDir(step), { recursive: true, force: true });
}

/** True when work/NN-name/ exists and holds something. */
export function hasWork(step: Step): boolean {
  const dir = workDir(step);
  return existsSync(dir) && readdirSync(dir).length > 0;
}

/** The brief, in the student's language: French when LANG starts with fr, unless --lang says otherwise. */
export function studentLang(given?: string, env: NodeJS.ProcessEnv = process.env): Lang {
  if (given === 'fr' || given === 'en') return given;
  return /^fr/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'fr' : 'en';
}

/** The first step not verified yet after `after` (the one just done), or else from the start. */
export function nextToDo(after?: Step): Step | undefined {
  const state = readState();
  const todo = loadSteps().filter((step) => step.exercise && !state[step.id]?.verified);
  return todo.find((step) => after !== undefined && step.number > after.number) ?? todo[0];
}
