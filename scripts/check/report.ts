// The checklist: results as they are recorded, then rendered for a person (✓ / ✗) or as JSON.
import { compareMessage, quote, type Observation } from './match.ts';

export type Status = 'pass' | 'fail' | 'near-miss';

export interface CheckResult {
  /** Stable identifier, e.g. `server.join-all`, for grading scripts. */
  id: string;
  title: string;
  status: Status;
  /** What the lab asks for, byte-exact (for a failure or a near miss). */
  expected?: string;
  /** What the program did, byte-exact (for a failure or a near miss). */
  seen?: string;
  /** Why it is a near miss, or more context. */
  note?: string;
}

export interface ProgramInfo {
  command: string[];
  exit: string | null;
  stdout: string;
  stderr: string;
}

export interface CheckReport {
  step: string;
  role: 'server' | 'client' | null;
  variant: string | null;
  address: string | null;
  command: string[];
  checks: CheckResult[];
  passed: number;
  failed: number;
  /** The program under test: how it ended and the end of what it printed. */
  program: ProgramInfo | null;
}

export class Checklist {
  readonly results: CheckResult[] = [];

  pass(id: string, title: string, note?: string): void {
    this.results.push({ id, title, status: 'pass', ...(note ? { note } : {}) });
  }

  fail(
    id: string,
    title: string,
    expected: string | undefined,
    seen: string | undefined,
    note?: string,
  ): void {
    this.results.push({ id, title, status: 'fail', expected, seen, ...(note ? { note } : {}) });
  }

  near(id: string, title: string, expected: string, seen: string, why: string): void {
    this.results.push({ id, title, status: 'near-miss', expected, seen, note: why });
  }

  /** Records one observation of an expected message. */
  observe(
    id: string,
    title: string,
    expected: string,
    observation: Observation,
    missingNote?: string,
  ): boolean {
    if (observation.kind === 'exact') this.pass(id, title, observation.note);
    else if (observation.kind === 'near') this.near(id, title, expected, observation.seen, observation.why);
    else this.fail(id, title, expected, observation.seen, missingNote);
    return observation.kind === 'exact';
  }

  /** Records a condition: pass when `ok`. */
  check(id: string, title: string, ok: boolean, expected?: string, seen?: string, note?: string): boolean {
    if (ok) this.pass(id, title);
    else this.fail(id, title, expected, seen, note);
    return ok;
  }

  /** Compares one whole message (what a client sent), near misses included. */
  compare(
    id: string,
    title: string,
    expected: string,
    seen: string | undefined,
    options?: { allowTrailingNewline?: boolean },
  ): boolean {
    if (seen === undefined) return this.check(id, title, false, expected, '', 'nothing was received');
    const observation = compareMessage(expected, seen, options);
    return this.observe(id, title, expected, observation);
  }
}

export function summarise(report: Omit<CheckReport, 'passed' | 'failed'>): CheckReport {
  const passed = report.checks.filter((c) => c.status === 'pass').length;
  return { ...report, passed, failed: report.checks.length - passed };
}

export function closingLine(report: CheckReport): string {
  return `${report.passed} passed, ${report.failed} failed`;
}

type Paint = (colour: 'green' | 'red' | 'yellow' | 'dim' | 'bold', text: string) => string;

export function renderText(report: CheckReport, paint: Paint = (_, text) => text): string {
  const lines: string[] = [];
  const head = [`step ${report.step}`, report.role, report.variant, report.address, report.command.join(' ')]
    .filter(Boolean)
    .join(' · ');
  lines.push(paint('bold', `Checking ${head}`));
  for (const check of report.checks) {
    if (check.status === 'pass') {
      lines.push(
        `${paint('green', '✓')} ${check.title}${check.note ? paint('dim', ` (${check.note})`) : ''}`,
      );
      continue;
    }
    const near = check.status === 'near-miss';
    lines.push(`${paint('red', '✗')} ${check.title}${near ? paint('yellow', ' — near miss') : ''}`);
    if (check.expected !== undefined) lines.push(`    expected: ${JSON.stringify(check.expected)}`);
    if (check.seen !== undefined)
      lines.push(`    seen:     ${check.seen === '' ? '(nothing)' : quote(check.seen)}`);
    if (check.note) lines.push(`    ${near ? 'differs by' : 'note'}: ${check.note}`);
  }
  const program = report.program;
  if (program && report.failed > 0) {
    const tail = (text: string): string =>
      text
        .trimEnd()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .slice(-6)
        .join('\n      ');
    if (program.stderr.trim())
      lines.push(paint('dim', `  the program's stderr ended with:\n      ${tail(program.stderr)}`));
    if (program.exit) lines.push(paint('dim', `  the program ${program.exit}`));
  }
  lines.push(paint(report.failed === 0 ? 'green' : 'red', closingLine(report)));
  return lines.join('\n') + '\n';
}

export function renderJson(report: CheckReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
