// A diff as HTML: each line taken from the highlighted old or new file (so that the syntax colours stay
// right inside the diff), in two views, unified and side by side; the page shows one at a time.
import { hunkHeader, type DiffLine, type FileDiff, type Hunk } from '../textdiff.ts';
import { escapeHtml } from './html.ts';

export interface HighlightedPair {
  oldLines: string[];
  newLines: string[];
}

const SIGN = { add: '+', del: '-', context: ' ' } as const;

function code(line: DiffLine, hl: HighlightedPair): string {
  const html = line.kind === 'add' ? hl.newLines[line.newNo! - 1] : hl.oldLines[line.oldNo! - 1];
  return html ?? escapeHtml(line.text);
}

function num(n: number | undefined): string {
  return `<td class="num"${n === undefined ? '' : ` data-n="${n}"`}></td>`;
}

function unifiedRows(h: Hunk, hl: HighlightedPair): string[] {
  const rows = [
    `<tr class="hunk"><td class="num"></td><td class="num"></td><td class="sign"></td><td class="src">${escapeHtml(hunkHeader(h))}</td></tr>`,
  ];
  for (const line of h.lines) {
    rows.push(
      `<tr class="${line.kind}">${num(line.oldNo)}${num(line.newNo)}<td class="sign">${SIGN[line.kind]}</td><td class="src">${code(line, hl)}</td></tr>`,
    );
  }
  return rows;
}

/** One side of a side-by-side row: its cells, and optionally a class and an id for its `<tr>`. */
export interface PaneRow {
  cells: string;
  cls?: string;
  id?: string;
}

const row = (r: PaneRow) =>
  `<tr${r.cls ? ` class="${r.cls}"` : ''}${r.id ? ` id="${r.id}"` : ''}>${r.cells}</tr>`;

/**
 * Two code columns side by side, each in its own pane that scrolls sideways (code never wraps, so row k of
 * one pane stays level with row k of the other). On a narrow screen the panes stack.
 */
export function panesHtml(cls: string, caption: string, sides: { head: string; rows: PaneRow[] }[]): string {
  const cap = escapeHtml(caption);
  const panes = sides.map((side) => {
    const label = `${cap}: ${escapeHtml(side.head.replace(/<[^>]+>/g, ''))}`;
    const rows = side.rows.map(row).join('\n');
    return `<div class="pane" role="region" aria-label="${label}" tabindex="0"><div class="pane-head">${side.head}</div><table class="code"><tbody>\n${rows}\n</tbody></table></div>`;
  });
  return `<div class="panes ${cls}">\n${panes.join('\n')}\n</div>`;
}

const PAD = '<td class="num empty"></td><td class="sign empty"></td><td class="src empty"> </td>';

function half(line: DiffLine | undefined, side: 'old' | 'new', hl: HighlightedPair): string {
  if (!line) return PAD;
  const kind = line.kind;
  return `${num(side === 'old' ? line.oldNo : line.newNo).replace('class="num"', `class="num ${kind}"`)}<td class="sign ${kind}">${SIGN[kind]}</td><td class="src ${kind}">${code(line, hl)}</td>`;
}

/** The rows of each side: a hunk's context lines face each other, its removed lines face its added ones. */
function splitRows(h: Hunk, hl: HighlightedPair): { old: PaneRow[]; new: PaneRow[] } {
  const header: PaneRow = {
    cls: 'hunk',
    cells: `<td class="num"></td><td class="sign"></td><td class="src">${escapeHtml(hunkHeader(h))}</td>`,
  };
  const old: PaneRow[] = [header];
  const neu: PaneRow[] = [header];
  const lines = h.lines;
  for (let i = 0; i < lines.length; ) {
    if (lines[i]!.kind === 'context') {
      old.push({ cells: half(lines[i], 'old', hl) });
      neu.push({ cells: half(lines[i], 'new', hl) });
      i++;
      continue;
    }
    const dels: DiffLine[] = [];
    const adds: DiffLine[] = [];
    while (i < lines.length && lines[i]!.kind === 'del') dels.push(lines[i++]!);
    while (i < lines.length && lines[i]!.kind === 'add') adds.push(lines[i++]!);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) {
      old.push({ cells: half(dels[k], 'old', hl) });
      neu.push({ cells: half(adds[k], 'new', hl) });
    }
  }
  return { old, new: neu };
}

export function diffHtml(diff: FileDiff, hl: HighlightedPair, caption: string): string {
  if (diff.hunks.length === 0) return '<p class="nochange">(no change)</p>';
  const unified = diff.hunks.flatMap((h) => unifiedRows(h, hl));
  const split = diff.hunks.map((h) => splitRows(h, hl));
  const cap = escapeHtml(caption);
  const name = (n: string | undefined) => `<code>${escapeHtml(n ?? '/dev/null')}</code>`;
  return [
    `<div class="diff-view unified" role="region" aria-label="${cap}" tabindex="0"><table class="code"><tbody>`,
    ...unified,
    '</tbody></table></div>',
    panesHtml('diff-view split', caption, [
      { head: name(diff.oldName), rows: split.flatMap((s) => s.old) },
      { head: name(diff.newName), rows: split.flatMap((s) => s.new) },
    ]),
  ].join('\n');
}

/** The whole file, highlighted, with line numbers. */
export function wholeFileHtml(lines: string[], caption: string): string {
  const rows = lines.map((l, i) => `<tr>${num(i + 1)}<td class="src">${l}</td></tr>`);
  return [
    `<div class="whole" role="region" aria-label="${escapeHtml(caption)}" tabindex="0"><table class="code"><tbody>`,
    ...rows,
    '</tbody></table></div>',
  ].join('\n');
}
