// The lab's Python beside our TypeScript: reference/python/<name>.py for steps/…/<name>.ts, aligned
// function by function (`def get_content` beside `function getContent`), top-aligned where nothing matches.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../steps.ts';

export const PYTHON_DIR = 'reference/python';

/** `reference/python/chat_server_ii_5.py` for `chat_server_ii_5.ts`; undefined for a data file. */
export function pythonName(file: string): string | undefined {
  return file.endsWith('.ts') ? file.replace(/\.ts$/, '.py') : undefined;
}

/** The lab's Python for a step file, or undefined while reference/python/ does not have it. */
export function readPython(file: string): string | undefined {
  const name = pythonName(file);
  if (!name) return undefined;
  const path = join(ROOT, PYTHON_DIR, name);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** `get_content`, `getContent` and `GetContent` are one idea. */
const key = (name: string) => name.replace(/_/g, '').toLowerCase();

// A function, a class, the main guard, or a top-level CONSTANT (`CLIENTS = {}` faces `const CLIENTS = …`).
const PY_UNIT = new RegExp(
  [
    /^\s*(?:async\s+)?def\s+(\w+)/.source,
    /^\s*class\s+(\w+)/.source,
    /^(if __name__ == ['"]__main__['"]:)/.source,
    /^([A-Z][A-Z0-9_]*)\s*(?::[^=]+)?=/.source,
  ].join('|'),
);
const TS_UNIT = new RegExp(
  [
    /^\s*(?:export\s+)?(?:async\s+)?function\*?\s+(\w+)/.source,
    /^\s*(?:export\s+)?(?:const|let)\s+(\w+)\s*=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*(?::[^=]*)?=>/.source,
    /^\s*(?:export\s+)?(?:class|interface)\s+(\w+)/.source,
    /^(?:export\s+)?(?:const|let)\s+([A-Z][A-Z0-9_]*)\b/.source,
  ].join('|'),
);
const PY_LEAD = /^\s*(#|@)/;
const TS_LEAD = /^\s*(\/\/|\/\*\*?|\*)/;

interface Unit {
  key: string;
  name: string;
  /** First line of the unit (0-based), its leading comments included, and the line that names it. */
  start: number;
  line: number;
}

function units(lines: readonly string[], pattern: RegExp, lead: RegExp): Unit[] {
  const found: Unit[] = [];
  lines.forEach((line, i) => {
    const m = pattern.exec(line);
    const name = m?.slice(1).find((g) => g !== undefined);
    if (!name) return;
    let start = i;
    while (start - 1 > (found.at(-1)?.line ?? -1) && lead.test(lines[start - 1]!)) start--;
    found.push({ key: name.startsWith('if __name__') ? '__main__' : key(name), name, start, line: i });
  });
  return found;
}

/** The longest common subsequence of the two lists of units, by key: the pairs that can face each other. */
function matchUnits(py: Unit[], ts: Unit[]): [Unit, Unit][] {
  const n = py.length;
  const m = ts.length;
  const table = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      table[i]![j] =
        py[i]!.key === ts[j]!.key
          ? table[i + 1]![j + 1]! + 1
          : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  const pairs: [Unit, Unit][] = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (py[i]!.key === ts[j]!.key) pairs.push([py[i++]!, ts[j++]!]);
    else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/**
 * Python's `def main()` faces the TypeScript's top-level program (an ES module has no main): its first
 * statement at column 0, after the function that faces the unit before `main`, that starts no unit itself.
 */
function mainFacesTopLevel(py: Unit[], ts: Unit[], tsLines: string[], pairs: [Unit, Unit][]): void {
  const main = py.find((u) => u.key === 'main');
  if (!main || ts.some((u) => u.key === 'main') || pairs.some(([p]) => p === main)) return;
  const before = pairs.filter(([p]) => p.line < main.line).at(-1);
  const after = pairs.find(([p]) => p.line > main.line);
  const end = after ? after[1].start : tsLines.length;
  const unitLines = new Set(ts.map((u) => u.line));
  for (let i = before ? before[1].line + 1 : 0; i < end; i++) {
    const line = tsLines[i]!;
    if (!/^[^\s})\]]/.test(line) || TS_LEAD.test(line) || /^(import|export)\b/.test(line) || unitLines.has(i))
      continue;
    let start = i;
    while (start - 1 > (before?.[1].line ?? -1) && TS_LEAD.test(tsLines[start - 1]!)) start--;
    pairs.splice(before ? pairs.indexOf(before) + 1 : 0, 0, [
      main,
      { key: 'main', name: 'main', start, line: i },
    ]);
    return;
  }
}

export interface AlignedRow {
  /** 0-based line indexes; undefined where that side has a blank to keep the other side aligned. */
  py?: number;
  ts?: number;
  /** On the first row of a pair of units: the Python name (`handle_client_msg`). */
  unit?: string;
}

/** Rows of the two files side by side: the names of each matched pair of units on the same row. */
export function alignPython(pyText: string, tsText: string): AlignedRow[] {
  const py = pyText.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const ts = tsText.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const tsUnits = units(ts, TS_UNIT, TS_LEAD);
  const pairs = matchUnits(units(py, PY_UNIT, PY_LEAD), tsUnits);
  mainFacesTopLevel(units(py, PY_UNIT, PY_LEAD), tsUnits, ts, pairs);
  const rows: AlignedRow[] = [];
  let pyAt = 0;
  let tsAt = 0;
  /** Rows up to (not including) the given lines, top-aligned, or bottom-aligned for leading comments. */
  const fill = (pyTo: number, tsTo: number, bottom: boolean, unit?: string) => {
    const height = Math.max(pyTo - pyAt, tsTo - tsAt);
    const pyFrom = bottom ? pyTo - height : pyAt;
    const tsFrom = bottom ? tsTo - height : tsAt;
    for (let k = 0; k < height; k++) {
      const row: AlignedRow = {};
      if (pyFrom + k >= pyAt && pyFrom + k < pyTo) row.py = pyFrom + k;
      if (tsFrom + k >= tsAt && tsFrom + k < tsTo) row.ts = tsFrom + k;
      if (k === 0 && unit) row.unit = unit;
      rows.push(row);
    }
    pyAt = pyTo;
    tsAt = tsTo;
  };
  // Before each pair: the lines in between, top-aligned; then the comments above the two names,
  // bottom-aligned, so that `def get_content` is level with `function getContent`.
  for (const [p, t] of pairs) {
    fill(p.start, t.start, false);
    const unitRows = rows.length;
    fill(p.line, t.line, true, p.name);
    if (rows.length === unitRows) rows.push({ py: pyAt++, ts: tsAt++, unit: p.name });
  }
  fill(py.length, ts.length, false);
  return rows;
}

/** The first Python line (0-based) containing `needle`, for links of the form `file.ts#py:needle`. */
export function findPythonLine(pyText: string, needle: string): number | undefined {
  const i = pyText
    .replace(/\r\n/g, '\n')
    .split('\n')
    .findIndex((line) => line.includes(needle));
  return i < 0 ? undefined : i;
}
