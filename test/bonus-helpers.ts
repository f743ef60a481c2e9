// Shared by the bonus tests: their mutants, their checker runs with generous waits, the checker's results
// without the one check that a busy port 8888 (another program) leaves unjudged, and their demos.
import { expect } from 'vitest';
import type { CheckReport } from '../scripts/check/report.ts';
import { runChatDemo } from '../scripts/demos/chat.ts';
import { findStep } from '../scripts/steps.ts';
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

/** Plays a step's demo as `npm run step N` does and returns its transcript; the demo must end cleanly. */
export async function playDemo(step: string, options: { cwd?: string } = {}): Promise<string> {
  let text = '';
  const write = (chunk: string): boolean => Boolean((text += chunk));
  const out = { isTTY: false, write } as unknown as NodeJS.WriteStream;
  const { code, unfinished } = await runChatDemo(findStep(step), { out, ...options });
  expect(code, text).toBe(0);
  expect(unfinished).toEqual([]);
  return text;
}
