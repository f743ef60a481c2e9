// The class report as one self-contained HTML page (`--html FILE`): the table with colours, each row opening
// (<details>) to that student's full checklist with the expected and seen texts. No external file: it reads
// offline, and prints with every row open. Every text is HTML-escaped; a program's text is also made visible
// (its control and bidi characters shown as \x1b, \u202e) before.
import type { Lang } from '../steps.ts';
import type { ClassReport, GradeRun } from './grade.ts';
import { classTotals, statusText, summariseRun, totalsLine } from './grade-report.ts';
import { quote, visible } from './match.ts';
import { checkDef } from './registry.ts';

const html = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `
body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1d1d1f; }
h1 { font-size: 1.3em; } code, .seen { font-family: ui-monospace, monospace; font-size: 0.9em; }
.grid { display: grid; grid-template-columns: var(--columns); gap: 0 1em; align-items: baseline; }
.head { font-weight: bold; border-bottom: 2px solid #888; padding: 0.3em 0.5em; }
.groups { border-bottom: none; padding-bottom: 0; } .group { grid-column: span 2; border-bottom: 1px solid #888; }
details { border-bottom: 1px solid #ddd; }
summary { list-style: none; cursor: pointer; padding: 0.3em 0.5em; }
summary::-webkit-details-marker { display: none; }
summary .name::before { content: '▸ '; color: #888; }
details[open] summary .name::before { content: '▾ '; }
.row-pass summary { background: #e6f4ea; } .row-near summary { background: #fff6d6; }
.row-fail summary { background: #fde8e8; } .row-status summary { background: #eee; color: #555; }
.ok { color: #137333; } .ko { color: #b3261e; } .near { color: #8a6100; } .dim { color: #666; }
.checklist { margin: 0.5em 0 1em 2em; } .checklist h3 { font-size: 1em; margin: 0.8em 0 0.3em; }
.checklist ul { list-style: none; padding: 0; margin: 0; } .checklist li { margin: 0.2em 0; }
.seen { display: block; margin-left: 1.6em; white-space: pre-wrap; word-break: break-all; }
.totals { margin-top: 1em; font-weight: bold; }
@media print {
  body { margin: 0; font-size: 11px; } * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  details { break-inside: avoid; } summary .name::before { content: ''; }
}`;

// Printing opens every row, and closes again those that were closed.
const SCRIPT = `
let closed = [];
addEventListener('beforeprint', () => {
  closed = [...document.querySelectorAll('details:not([open])')];
  for (const row of closed) row.open = true;
});
addEventListener('afterprint', () => { for (const row of closed) row.open = false; });`;

function rowClass(runs: readonly GradeRun[]): string {
  const summaries = runs.map(summariseRun);
  if (summaries.some((s) => s === undefined)) return 'row-status';
  const checks = runs.flatMap((run) => run.report!.checks);
  if (checks.every((c) => c.status === 'pass' || c.status === 'not-judged')) return 'row-pass';
  return checks.some((c) => c.status === 'fail') ? 'row-fail' : 'row-near';
}

function checklist(run: GradeRun, command: string, lang: Lang): string {
  const parts = [`<h3>${html(run.label)} · <code>${html(visible(command))}</code></h3>`];
  if (run.status !== 'checked') parts.push(`<p class="ko">${html(statusText(run))}</p>`);
  const report = run.report;
  if (!report) return parts.join('');
  const items = report.checks.map((check) => {
    const title = html(checkDef(check.id).title[lang]);
    const tag = check.category === 'robustness' ? ' <span class="dim">[robustness]</span>' : '';
    const id = ` <code class="dim">${html(check.id)}</code>`;
    if (check.status === 'pass') return `<li><span class="ok">✓</span> ${title}${tag}${id}</li>`;
    if (check.status === 'not-judged') {
      const why = `<span class="dim">— not judged: ${html(check.note ?? '')}</span>`;
      return `<li><span class="near">–</span> ${title}${tag}${id} ${why}</li>`;
    }
    const near = check.status === 'near-miss';
    const lines = [
      `<span class="${near ? 'near' : 'ko'}">✗</span> ${title}${tag}${id}` +
        (near ? ' <b class="near">near miss</b>' : ''),
    ];
    if (check.expected !== undefined)
      lines.push(`<span class="seen">expected: ${html(JSON.stringify(check.expected))}</span>`);
    if (check.seen !== undefined) {
      lines.push(
        `<span class="seen">seen:     ${html(check.seen === '' ? '(nothing)' : quote(check.seen, 600))}` +
          '</span>',
      );
    }
    if (check.note)
      lines.push(`<span class="seen">${near ? 'differs by' : 'note'}: ${html(visible(check.note))}</span>`);
    return `<li>${lines.join('')}</li>`;
  });
  parts.push(`<ul>${items.join('')}</ul>`);
  const program = report.program;
  if (program && report.failed > 0 && program.stderr.trim() !== '') {
    const tail = program.stderr.trimEnd().split('\n').slice(-8).map(visible).join('\n');
    parts.push(`<p class="dim">the program's stderr ended with:</p><span class="seen">${html(tail)}</span>`);
  }
  if (program?.exit) parts.push(`<p class="dim">the program ${html(program.exit)}</p>`);
  return parts.join('');
}

export function renderClassHtml(report: ClassReport, lang: Lang = 'en', date = new Date()): string {
  const several = report.targets.length > 1;
  const columns = `minmax(8em, max-content) ${report.targets.map(() => '4.5em 4.5em').join(' ')} 1fr`;
  const cell = (text: string, cls = ''): string => `<span class="${cls}">${html(text)}</span>`;
  const head = [
    cell('name'),
    ...report.targets.flatMap(() => [cell('checks'), cell('lab')]),
    cell('failed (~ near miss)'),
  ];
  // a group of columns per step: its label over its two columns
  const groups = several
    ? `<div class="grid head groups"><span></span>${report.targets
        .map((t) => `<span class="group">${html(t.label)}</span>`)
        .join('')}<span></span></div>`
    : '';
  const rows = report.folders.map((folder) => {
    const cells = [`<span class="name">${html(visible(folder.name))}</span>`];
    const notes: string[] = [];
    const nothing = several && folder.runs.every((run) => run.status === 'not handed in');
    if (nothing) notes.push(cell('nothing handed in', 'ko'));
    for (const run of folder.runs) {
      const summary = summariseRun(run);
      const prefix = several ? `${run.label}: ` : '';
      if (!summary) {
        cells.push(cell('—', 'dim'), cell('—', 'dim'));
        if (!nothing) notes.push(cell(prefix + statusText(run), 'ko'));
        continue;
      }
      const ok = (passed: number, total: number): string => (passed === total ? 'ok' : 'ko');
      cells.push(
        cell(`${summary.passed}/${summary.total}`, ok(summary.passed, summary.total)),
        cell(`${summary.labPassed}/${summary.labTotal}`, ok(summary.labPassed, summary.labTotal)),
      );
      if (summary.failed.length > 0) notes.push(cell(prefix + summary.failed.join(' '), 'ko'));
    }
    cells.push(`<span>${notes.join(' · ')}</span>`);
    const lists = folder.runs.map((run, t) => checklist(run, report.targets[t]!.command.join(' '), lang));
    const summary = `<summary class="grid">${cells.join('')}</summary>`;
    const checklists = `<div class="checklist">${lists.join('')}</div>`;
    return `<details class="${rowClass(folder.runs)}">${summary}${checklists}</details>`;
  });
  const title = `Class report: ${visible(report.pattern)}`;
  const commands = report.targets
    .map(
      (t) =>
        `<li>${html(t.label)} · step ${html(t.step)}${t.role ? ` · ${html(t.role)}` : ''} · ` +
        `<code>${html(visible(t.command.join(' ')))}</code></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${html(title)}</h1>
<p class="dim">${html(date.toISOString().slice(0, 16).replace('T', ' '))} UTC
· ${report.folders.length} folders · click a row for its checklist</p>
<ul>${commands}</ul>
<div style="--columns: ${columns}">
${groups}<div class="grid head">${head.join('')}</div>
${rows.join('\n')}
</div>
<p class="totals">${html(totalsLine(classTotals(report)))}</p>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
