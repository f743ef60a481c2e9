// The diff computation shared by `npm run docs` and `npm run diff`: which file is compared with which
// (the lineage of step.json), and the hunks themselves (the `diff` library). No rendering here.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { structuredPatch } from 'diff';
import { ROOT, filePath, loadSteps, stepOfFile, type Step } from '../steps.ts';

export const CONTEXT_LINES = 3;

export interface DiffLine {
  kind: 'context' | 'add' | 'del';
  text: string;
  /** 1-based line numbers in the old and the new file (absent on the side the line is not in). */
  oldNo?: number;
  newNo?: number;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface FileDiff {
  /** File names (no folder); `oldName` is undefined for a file that appears for the first time. */
  oldName?: string;
  newName: string;
  hunks: Hunk[];
  added: number;
  removed: number;
}

export function hunkHeader(h: Hunk): string {
  return `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
}

/** Line diff of two texts with a few lines of context; an absent old text means a new file. */
export function diffTexts(
  oldName: string | undefined,
  oldText: string,
  newName: string,
  newText: string,
  context = CONTEXT_LINES,
): FileDiff {
  const patch = structuredPatch(
    oldName ?? '/dev/null',
    newName,
    normalise(oldText),
    normalise(newText),
    undefined,
    undefined,
    { context },
  );
  let added = 0;
  let removed = 0;
  const hunks = patch.hunks.map((h): Hunk => {
    let oldNo = h.oldStart;
    let newNo = h.newStart;
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      const sign = raw[0];
      const text = raw.slice(1);
      if (sign === '+') {
        lines.push({ kind: 'add', text, newNo: newNo++ });
        added++;
      } else if (sign === '-') {
        lines.push({ kind: 'del', text, oldNo: oldNo++ });
        removed++;
      } else if (sign === ' ') lines.push({ kind: 'context', text, oldNo: oldNo++, newNo: newNo++ });
      // '\ No newline at end of file' is not a line of either file.
    }
    return { oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines };
  });
  return { oldName, newName, hunks, added, removed };
}

function normalise(text: string): string {
  return text.replace(/\r\n/g, '\n');
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
