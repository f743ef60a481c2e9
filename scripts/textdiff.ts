// A line diff of two texts with a few lines of context (the `diff` library), shared by `npm run docs` and
// `npm run diff`. Which file is compared with which is the step model's business (scripts/steps.ts).
import { structuredPatch } from 'diff';

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
