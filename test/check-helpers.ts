// Runs the checker in-process on a command, with short waits: only the program under test is spawned.
import { join } from 'node:path';
import { tsxCommand } from '../scripts/proc.ts';
import { findStep, ROOT } from '../scripts/steps.ts';
import { runCheck } from '../scripts/check/run.ts';
import type { CheckReport } from '../scripts/check/report.ts';
import type { Role } from '../scripts/check/context.ts';

export const FIXTURES = join(ROOT, 'test', 'fixtures', 'check');

export function python(fixture: string, ...args: string[]): string[] {
  return ['python3', join(FIXTURES, fixture), ...args];
}

export function typescript(path: string): string[] {
  const [command, args] = tsxCommand(join(ROOT, path));
  return [command, ...args];
}

export interface RunOptions {
  role?: Role;
  variant?: string;
  waitMs?: number;
  exitMs?: number;
  delay?: number;
  /** Checks left out of the step's declared ones. */
  skip?: readonly string[];
  /** Only the declared checks this keeps (a mutant's test need not replay the whole chat scenario). */
  keep?: (id: string) => boolean;
}

export function check(
  step: string,
  command: string[],
  {
    role,
    variant,
    waitMs = 1_000,
    exitMs = 2_000,
    delay = 0.1,
    skip = [],
    keep = () => true,
  }: RunOptions = {},
): Promise<CheckReport> {
  const found = findStep(step);
  const checks = found.checks.map((target) => ({
    ...target,
    checks: target.checks.filter((id) => keep(id) && !skip.includes(id)),
  }));
  return runCheck({
    step: { ...found, checks },
    role,
    host: '127.0.0.1',
    port: 0,
    command,
    cwd: ROOT,
    variant,
    delay,
    waitMs,
    startupMs: 20_000,
    exitMs,
  });
}

/** The ids of the checks that did not pass, with how they failed, e.g. `server.no-echo:fail`. */
export function failures(report: CheckReport): string[] {
  return report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}:${c.status}`);
}

/** A readable dump for a failed expectation. */
export function dump(report: CheckReport): string {
  return (
    JSON.stringify(
      report.checks.filter((c) => c.status !== 'pass'),
      null,
      1,
    ) + `\nstdout: ${report.program?.stdout}\nstderr: ${report.program?.stderr}`
  );
}
