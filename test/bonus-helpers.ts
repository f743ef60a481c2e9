// Shared by the bonus tests of steps 09 and 10: their mutants, their checker runs with generous waits, and
// the checker's results without the one check that a busy port 8888 (another program) leaves unjudged.
import type { CheckReport } from '../scripts/check/report.ts';
import { check, failures, type RunOptions } from './check-helpers.ts';
import { mutant as mutantOf, mutantIn } from './mutants.ts';

/** A mutant of a step file; in `folder` when given (the program reads a file beside itself). */
export function mutant(file: string, replacements: [string, string][] = [], folder?: string): string[] {
  return folder ? mutantIn(folder, file, ...replacements) : mutantOf(file, ...replacements);
}

/** `id:status` of each check that did not pass, except config.default when 8888 stayed taken by someone else. */
export function failuresOf(report: CheckReport): string[] {
  const busy = (c: CheckReport['checks'][number]): boolean =>
    c.id === 'config.default' && c.status === 'not-judged' && /stayed taken/.test(c.note ?? '');
  return failures({ ...report, checks: report.checks.filter((c) => !busy(c)) });
}

/** The checker on a step with generous waits: only a wait that fails lasts, and two cores may be busy. */
export function checkStep(step: string, command: string[], options: RunOptions = {}): Promise<CheckReport> {
  return check(step, command, { waitMs: 4_000, exitMs: 4_000, ...options });
}
