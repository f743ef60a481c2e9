// The checklist: results as a suite records them (only the checks the program's target declares), then the
// report rendered for a person (✓ / ✗ / –) or as JSON.
import type { Lang } from '../steps.ts';
import type { Category } from './define.ts';
import { compareMessage, quote, visible, type Observation } from './match.ts';
import { checkDef } from './registry.ts';

/** `not-judged`: a "does not" check whose positive counterpart was never seen, so silence proves nothing. */
export type Status = 'pass' | 'fail' | 'near-miss' | 'not-judged';

export interface Recorded {
  id: string;
  status: Status;
  /** What the lab asks for, byte-exact (for a failure or a near miss). */
  expected?: string;
  /** What the program did, byte-exact (for a failure or a near miss). */
  seen?: string;
  /** Why it is a near miss, or more context. */
  note?: string;
}

export interface CheckResult extends Recorded {
  /** In English; the registry has the French one. */
  title: string;
  category: Category;
}

export interface ProgramInfo {
  command: string[];
  exit: string | null;
  stdout: string;
  stderr: string;
}

export interface CheckReport {
  step: string;
  role: string | null;
  variant: string | null;
  address: string | null;
  command: string[];
  checks: CheckResult[];
  passed: number;
  /** Failures and near misses. */
  failed: number;
  notJudged: number;
  /** The program under test: how it ended and what it printed (the end of it). */
  program: ProgramInfo | null;
}

export class Checklist {
  private readonly recorded = new Map<string, Recorded>();

  constructor(private readonly ids: readonly string[]) {}

  declared(id: string): boolean {
    return this.ids.includes(id);
  }

  /** The results in the declared order; a declared check nobody recorded failed to run. */
  get results(): Recorded[] {
    return this.ids.map((id) => this.recorded.get(id) ?? { id, status: 'fail', note: 'not run' });
  }

  /** Keeps the first result of a declared check; anything else is not this program's business. */
  private record(result: Recorded): void {
    if (this.declared(result.id) && !this.recorded.has(result.id)) this.recorded.set(result.id, result);
  }

  pass(id: string, note?: string): void {
    this.record({ id, status: 'pass', ...(note ? { note } : {}) });
  }

  fail(id: string, expected: string | undefined, seen: string | undefined, note?: string): void {
    this.record({ id, status: 'fail', expected, seen, ...(note ? { note } : {}) });
  }

  near(id: string, expected: string, seen: string, why: string): void {
    this.record({ id, status: 'near-miss', expected, seen, note: why });
  }

  notJudged(id: string, why: string): void {
    this.record({ id, status: 'not-judged', note: why });
  }

  /** Every check of `ids` not recorded yet fails with the same reason (a scenario that could not go on). */
  failRest(ids: readonly string[], note: string, expected?: string, seen?: string): void {
    for (const id of ids) this.fail(id, expected, seen, note);
  }

  /** Records one observation of an expected message. */
  observe(id: string, expected: string, observation: Observation, missingNote?: string): boolean {
    if (observation.kind === 'exact') this.pass(id, observation.note);
    else if (observation.kind === 'near') this.near(id, expected, observation.seen, observation.why);
    else this.fail(id, expected, observation.seen, missingNote);
    return observation.kind === 'exact';
  }

  /** Records a condition: pass when `ok`. */
  check(id: string, ok: boolean, expected?: string, seen?: string, note?: string): boolean {
    if (ok) this.pass(id);
    else this.fail(id, expected, seen, note);
    return ok;
  }

  /** Compares one whole message (what a client sent), near misses included. */
  compare(
    id: string,
    expected: string,
    seen: string | undefined,
    options?: { allowTrailingNewline?: boolean },
  ): boolean {
    if (seen === undefined) return this.check(id, false, expected, '', 'nothing was received');
    return this.observe(id, expected, compareMessage(expected, seen, options));
  }
}

export function summarise(
  report: Omit<CheckReport, 'passed' | 'failed' | 'notJudged' | 'checks'> & { checks: Recorded[] },
): CheckReport {
  const checks = report.checks.map((result): CheckResult => {
    const def = checkDef(result.id);
    return { ...result, title: def.title.en, category: def.category };
  });
  const count = (status: Status): number => checks.filter((c) => c.status === status).length;
  const passed = count('pass');
  const notJudged = count('not-judged');
  return { ...report, checks, passed, failed: checks.length - passed - notJudged, notJudged };
}

/** `9 passed, 1 failed (the failure is a robustness check, beyond the lab)`. */
export function closingLine(report: CheckReport): string {
  const failures = report.checks.filter((c) => c.status === 'fail' || c.status === 'near-miss');
  const robust = failures.filter((c) => c.category === 'robustness').length;
  let line = `${report.passed} passed, ${report.failed} failed`;
  if (report.notJudged > 0) line += `, ${report.notJudged} not judged`;
  if (robust === 1 && failures.length === 1) line += ' (the failure is a robustness check, beyond the lab)';
  else if (robust > 0 && robust === failures.length) line += ' (all robustness checks, beyond the lab)';
  else if (robust > 0) line += ` (${robust} of them robustness checks, beyond the lab)`;
  return line;
}

type Paint = (colour: 'green' | 'red' | 'yellow' | 'dim' | 'bold', text: string) => string;

export function renderText(report: CheckReport, paint: Paint = (_, text) => text, lang: Lang = 'en'): string {
  const lines: string[] = [];
  const head = [`step ${report.step}`, report.role, report.variant, report.address, report.command.join(' ')]
    .filter(Boolean)
    .join(' · ');
  lines.push(paint('bold', `Checking ${head}`));
  for (const check of report.checks) {
    const title = lang === 'en' ? check.title : checkDef(check.id).title[lang];
    const tag = check.category === 'robustness' ? paint('dim', ' [robustness]') : '';
    if (check.status === 'pass') {
      lines.push(
        `${paint('green', '✓')} ${title}${tag}${check.note ? paint('dim', ` (${check.note})`) : ''}`,
      );
      continue;
    }
    if (check.status === 'not-judged') {
      lines.push(`${paint('yellow', '–')} ${title}${tag}${paint('dim', ` — not judged: ${check.note}`)}`);
      continue;
    }
    const near = check.status === 'near-miss';
    lines.push(`${paint('red', '✗')} ${title}${tag}${near ? paint('yellow', ' — near miss') : ''}`);
    if (check.expected !== undefined) lines.push(`    expected: ${JSON.stringify(check.expected)}`);
    if (check.seen !== undefined)
      lines.push(`    seen:     ${check.seen === '' ? '(nothing)' : quote(check.seen)}`);
    if (check.note) lines.push(`    ${near ? 'differs by' : 'note'}: ${check.note}`);
  }
  const program = report.program;
  if (program && report.failed > 0) {
    const tail = (text: string): string =>
      quoteLines(text)
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

/** A program's output, line by line, each line with its control characters made visible. */
function quoteLines(text: string): string[] {
  return text.trimEnd().split('\n').map(visible);
}

export function renderJson(report: CheckReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
