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

function half(line: DiffLine | undefined, side: 'old' | 'new', hl: HighlightedPair): string {
  if (!line) return '<td class="num empty"></td><td class="sign empty"></td><td class="src empty"></td>';
  const kind = line.kind;
  return `${num(side === 'old' ? line.oldNo : line.newNo).replace('class="num"', `class="num ${kind}"`)}<td class="sign ${kind}">${SIGN[kind]}</td><td class="src ${kind}">${code(line, hl)}</td>`;
}

function splitRows(h: Hunk, hl: HighlightedPair): string[] {
  const rows = [
    `<tr class="hunk"><td class="num"></td><td class="sign"></td><td class="src" colspan="4">${escapeHtml(hunkHeader(h))}</td></tr>`,
  ];
  const lines = h.lines;
  for (let i = 0; i < lines.length; ) {
    if (lines[i]!.kind === 'context') {
      rows.push(`<tr>${half(lines[i], 'old', hl)}${half(lines[i], 'new', hl)}</tr>`);
      i++;
      continue;
    }
    // A run of removed lines then added lines: side by side, line for line.
    const dels: DiffLine[] = [];
    const adds: DiffLine[] = [];
    while (i < lines.length && lines[i]!.kind === 'del') dels.push(lines[i++]!);
    while (i < lines.length && lines[i]!.kind === 'add') adds.push(lines[i++]!);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) {
      rows.push(`<tr>${half(dels[k], 'old', hl)}${half(adds[k], 'new', hl)}</tr>`);
    }
  }
  return rows;
}

export function diffHtml(diff: FileDiff, hl: HighlightedPair, caption: string): string {
  if (diff.hunks.length === 0) return '<p class="nochange">(no change)</p>';
  const unified = diff.hunks.flatMap((h) => unifiedRows(h, hl));
  const split = diff.hunks.flatMap((h) => splitRows(h, hl));
  const cap = escapeHtml(caption);
  return [
    `<div class="diff-view unified" role="region" aria-label="${cap}" tabindex="0"><table class="code"><tbody>`,
    ...unified,
    '</tbody></table></div>',
    `<div class="diff-view split" role="region" aria-label="${cap}" tabindex="0"><table class="code"><colgroup><col class="c-num"><col class="c-sign"><col class="c-src"><col class="c-num"><col class="c-sign"><col class="c-src"></colgroup><tbody>`,
    ...split,
    '</tbody></table></div>',
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
