// The class report of `npm run check -- … --each`: the table for the terminal (one row per folder, a column
// group per step), the totals, and the CSV for a spreadsheet. Every text that came from a student's program
// is made harmless first (match.ts `visible`); the HTML page is in grade-html.ts.
import type { Colour } from '../cli.ts';
import type { ClassReport, GradedFolder, GradeRun } from './grade.ts';
import { visible } from './match.ts';
import type { CheckResult } from './report.ts';

export interface RunSummary {
  passed: number;
  total: number;
  labPassed: number;
  labTotal: number;
  /** Failed checks by short id (`join-self`), near misses marked `~`. */
  failed: string[];
}

/** `server.join-self` → `join-self`. */
export const shortId = (id: string): string => id.slice(id.indexOf('.') + 1);

export function summariseRun(run: GradeRun): RunSummary | undefined {
  if (run.status !== 'checked' || !run.report) return undefined;
  const checks = run.report.checks;
  const lab = checks.filter((c) => c.category === 'lab');
  const passed = (list: CheckResult[]): number => list.filter((c) => c.status === 'pass').length;
  return {
    passed: passed(checks),
    total: checks.length,
    labPassed: passed(lab),
    labTotal: lab.length,
    failed: checks
      .filter((c) => c.status === 'fail' || c.status === 'near-miss')
      .map((c) => shortId(c.id) + (c.status === 'near-miss' ? '~' : '')),
  };
}

/** `not handed in (chat_server_ii_6.py)`, `does not start: SyntaxError: …`, `timed out (60 s)`. */
export function statusText(run: GradeRun): string {
  if (run.status === 'checked') return '';
  if (run.status === 'not handed in') return `not handed in (${visible(run.detail ?? '')})`;
  if (run.status === 'timed out') return `timed out (${run.detail})`;
  return `${run.status}: ${visible(run.detail ?? '')}`;
}

export const passesEveryLabCheck = (folder: GradedFolder): boolean =>
  folder.runs.every((run) => {
    const summary = summariseRun(run);
    return summary !== undefined && summary.labPassed === summary.labTotal;
  });

export const passesEverything = (folder: GradedFolder): boolean =>
  folder.runs.every((run) => {
    const summary = summariseRun(run);
    return summary !== undefined && summary.passed === summary.total;
  });

export interface ClassTotals {
  folders: number;
  passEveryLabCheck: number;
  passEverything: number;
  /** The checks failed (or nearly missed) by the most folders, prefixed by their group's label if several. */
  mostFailed: { check: string; folders: number }[];
  /** Folders with a status instead of checks, by status. */
  statuses: Record<string, number>;
}

export function classTotals(report: ClassReport): ClassTotals {
  const counts = new Map<string, number>();
  const statuses: Record<string, number> = {};
  const several = report.targets.length > 1;
  for (const folder of report.folders) {
    for (const run of folder.runs) {
      if (run.status !== 'checked') statuses[run.status] = (statuses[run.status] ?? 0) + 1;
      for (const check of run.status === 'checked' ? (run.report?.checks ?? []) : []) {
        if (check.status !== 'fail' && check.status !== 'near-miss') continue;
        const key = several ? `${run.label} ${check.id}` : check.id;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  const most = Math.max(0, ...counts.values());
  return {
    folders: report.folders.length,
    passEveryLabCheck: report.folders.filter(passesEveryLabCheck).length,
    passEverything: report.folders.filter(passesEverything).length,
    mostFailed:
      most === 0
        ? []
        : [...counts].filter(([, n]) => n === most).map(([check]) => ({ check, folders: most })),
    statuses,
  };
}

/** `7 folders: 3 pass every lab check (2 of them every check); most failed: server.no-echo (3 folders)` */
export function totalsLine(totals: ClassTotals): string {
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  let line = `${plural(totals.folders, 'folder')}: ${totals.passEveryLabCheck} pass every lab check`;
  line += ` (${totals.passEverything} of them every check)`;
  if (totals.mostFailed.length > 0) {
    const folders = totals.mostFailed[0]!.folders;
    const checks = totals.mostFailed.map((m) => m.check).join(', ');
    line += `; most failed: ${checks} (${plural(folders, 'folder')})`;
  }
  const statuses = Object.entries(totals.statuses).map(([status, count]) => `${count} ${status}`);
  if (statuses.length > 0) line += `; ${statuses.join(', ')}`;
  return line;
}

type Paint = (colour: Colour, text: string) => string;

/**
 * The table: name, then for each group its checks passed / total and lab checks passed / total, then what
 * failed (or the run's status). Padded before it is painted, so that colours do not shift the columns.
 */
export function renderClassTable(report: ClassReport, paint: Paint = (_, text) => text): string {
  const several = report.targets.length > 1;
  const head = ['name', ...report.targets.flatMap(() => ['checks', 'lab']), 'failed (~ near miss)'];
  const rows = report.folders.map((folder) => {
    const cells: { text: string; colour?: Colour }[] = [{ text: visible(folder.name) }];
    const notes: { text: string; colour: Colour }[] = [];
    const nothing = several && folder.runs.every((run) => run.status === 'not handed in');
    if (nothing) notes.push({ text: 'nothing handed in', colour: 'red' });
    for (const run of folder.runs) {
      const summary = summariseRun(run);
      const prefix = several ? `${run.label}: ` : '';
      if (!summary) {
        cells.push({ text: '—', colour: 'dim' }, { text: '—', colour: 'dim' });
        if (!nothing) notes.push({ text: prefix + statusText(run), colour: 'red' });
        continue;
      }
      const ok = (passed: number, total: number): Colour => (passed === total ? 'green' : 'red');
      cells.push(
        { text: `${summary.passed}/${summary.total}`, colour: ok(summary.passed, summary.total) },
        { text: `${summary.labPassed}/${summary.labTotal}`, colour: ok(summary.labPassed, summary.labTotal) },
      );
      if (summary.failed.length > 0) {
        const near = summary.failed.every((id) => id.endsWith('~'));
        notes.push({ text: prefix + summary.failed.join(' '), colour: near ? 'yellow' : 'red' });
      }
    }
    return { cells, notes };
  });
  const widths = head
    .slice(0, -1)
    .map((title, i) => Math.max(title.length, ...rows.map((r) => r.cells[i]!.text.length)));
  const lines: string[] = [];
  lines.push(paint('bold', `Grading ${visible(report.pattern)}: ${report.folders.length} folders`));
  for (const target of report.targets) {
    lines.push(
      `  ${target.label} · step ${target.step}${target.role ? ` · ${target.role}` : ''} · ` +
        visible(target.command.join(' ')),
    );
  }
  if (several) {
    const groups = report.targets.map((target, t) => {
      const width = widths[1 + 2 * t]! + 2 + widths[2 + 2 * t]!;
      return target.label.slice(0, width).padEnd(width);
    });
    lines.push(
      paint(
        'bold',
        ['', ...groups]
          .map((text, i) => (i === 0 ? text.padEnd(widths[0]!) : text))
          .join('  ')
          .trimEnd(),
      ),
    );
  }
  lines.push(
    paint('bold', head.map((title, i) => (i < widths.length ? title.padEnd(widths[i]!) : title)).join('  ')),
  );
  for (const row of rows) {
    const cells = row.cells.map((cell, i) => {
      const text = cell.text.padEnd(widths[i]!);
      return cell.colour ? paint(cell.colour, text) : text;
    });
    const notes = row.notes.map((note) => paint(note.colour, note.text)).join(' · ');
    lines.push([...cells, notes].join('  ').trimEnd());
  }
  lines.push(paint('bold', totalsLine(classTotals(report))));
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------- CSV

/** A CSV cell: quoted, with a ' before a leading = + - @ (or tab, carriage return): no formula runs. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * One row per folder; per group its status, passed, total, lab passed, lab total, then one column per
 * check (`pass`, `fail`, `near-miss`, `not-judged`, empty when it did not run). Group labels prefix the
 * columns when there are several groups.
 */
export function renderCsv(report: ClassReport): string {
  const several = report.targets.length > 1;
  const column = (label: string, name: string): string => (several ? `${label} ${name}` : name);
  const head = ['name'];
  for (const { label } of report.targets) {
    head.push(...['status', 'passed', 'total', 'lab passed', 'lab total'].map((name) => column(label, name)));
    head.push(...(report.checks[label] ?? []).map((id) => column(label, id)));
  }
  const rows = report.folders.map((folder) => {
    const cells: (string | number)[] = [visible(folder.name)];
    folder.runs.forEach((run) => {
      const summary = summariseRun(run);
      cells.push(run.status === 'checked' ? 'checked' : statusText(run));
      cells.push(
        ...(summary
          ? [summary.passed, summary.total, summary.labPassed, summary.labTotal]
          : ['', '', '', '']),
      );
      const results = new Map((run.report?.checks ?? []).map((check) => [check.id, check.status]));
      cells.push(...(report.checks[run.label] ?? []).map((id) => (summary ? (results.get(id) ?? '') : '')));
    });
    return cells;
  });
  return [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * Everything, byte for byte once parsed; in the file itself every character a terminal would act on is a
 * `\\u` escape (JSON.stringify already escapes the C0 controls), so that `cat` shows it harmlessly.
 */
export function renderClassJson(report: ClassReport): string {
  const json = JSON.stringify({ ...report, totals: classTotals(report) }, null, 2);
  return (
    json.replace(
      /(?!\n)[\p{Cc}\p{Cf}\u2028\u2029]/gu,
      (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
    ) + '\n'
  );
}
