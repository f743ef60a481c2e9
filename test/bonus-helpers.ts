// Shared by the bonus tests: broken copies (mutants) of our own step files for the checker, and the checker's
// results without the one check that a busy port 8888 (another program on this machine) leaves unjudged.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT, filePath, findStep } from '../scripts/steps.ts';
import type { CheckReport } from '../scripts/check/report.ts';
import { runCheck } from '../scripts/check/run.ts';
import { tempDir } from './helpers.ts';

/**
 * A step file with each `[from, to]` replaced once (each `from` must be there), type-stripped into `dir`:
 * the command that runs it. With no replacement, the file itself, run from `dir` (`import.meta.dirname`).
 */
export function mutant(file: string, replacements: [string, string][] = [], dir = tempDir()): string[] {
  let source = readFileSync(filePath(file), 'utf8');
  for (const [from, to] of replacements) {
    if (!source.includes(from)) throw new Error(`mutant of ${file}: ${JSON.stringify(from)} is not in it`);
    source = source.replace(from, to);
  }
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
    fileName: file,
  });
  const path = join(dir, file.replace(/\.ts$/, '.mjs'));
  writeFileSync(path, outputText);
  return [process.execPath, path];
}

/** `id:status` of each check that did not pass, except config.default when 8888 stayed taken by someone else. */
export function failuresOf(report: CheckReport): string[] {
  return report.checks
    .filter((c) => c.status !== 'pass')
    .filter(
      (c) => !(c.id === 'config.default' && c.status === 'not-judged' && /stayed taken/.test(c.note ?? '')),
    )
    .map((c) => `${c.id}:${c.status}`);
}

/**
 * The checker on a step, on the checks of its step.json that `keep` keeps (all by
 * default): a mutant's test need not replay the whole chat scenario, which our own file's test does.
 */
export function checkStep(
  stepId: string,
  command: string[],
  { role = 'server', keep = () => true }: { role?: 'server' | 'client'; keep?: (id: string) => boolean } = {},
): Promise<CheckReport> {
  const step = findStep(stepId);
  const checks = step.checks.map((target) => ({ ...target, checks: target.checks.filter(keep) }));
  return runCheck({
    step: { ...step, checks },
    role,
    host: '127.0.0.1',
    port: 0,
    command,
    cwd: ROOT,
    delay: 0.1,
    // generous: only a wait that fails lasts this long, and two cores may be shared by many processes
    waitMs: 4_000,
    startupMs: 10_000,
    exitMs: 4_000,
  });
}
