// `npm run verify N`: the checker on the student's own files, for every program the step declares (its
// step.json `checks`). A file that does not even parse, or a program that dies at start, is shown in a few
// lines instead of a list of failed checks.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import ts from 'typescript';
import type { Colour } from '../cli.ts';
import { runCheck } from '../check/run.ts';
import { visible } from '../check/match.ts';
import { renderText } from '../check/report.ts';
import { TSX_IMPORT } from '../proc.ts';
import type { Lang, Step } from '../steps.ts';
import { ROOT } from '../steps.ts';
import { ownFile, trackOf, updateState, type Track } from './workspace.ts';

export interface VerifyResult {
  ok: boolean;
  lines: string[];
}

type Paint = (colour: Colour, text: string) => string;

/** What a Python interpreter with the lab's libraries is: Debian's, when the first python3 may lack them. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function commandFor(path: string, track: Track): string[] {
  return track === 'python' ? [PYTHON, path] : [process.execPath, '--import', TSX_IMPORT, path];
}

/** The file's syntax errors, a line each (at most five), or none. */
export function syntaxErrors(path: string, track: Track): string[] {
  const shown = relative(ROOT, path);
  if (track === 'python') {
    const run = spawnSync(PYTHON, ['-m', 'py_compile', path], { encoding: 'utf8' });
    return run.status === 0 ? [] : visible(run.stderr.trim()).split('\n').slice(-5);
  }
  const { diagnostics = [] } = ts.transpileModule(readFileSync(path, 'utf8'), {
    fileName: basename(path),
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return diagnostics.slice(0, 5).map((d) => {
    const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    return `${shown}:${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

export async function verify(step: Step, lang: Lang, paint: Paint): Promise<VerifyResult> {
  const track = trackOf(step);
  const lines: string[] = [];
  let ok = true;
  for (const target of step.checks) {
    const path = ownFile(target.file, track);
    const name = relative(ROOT, path).startsWith('..') ? path : relative(ROOT, path);
    if (!step.files.includes(target.file) && !existsSync(path)) {
      // a program this step still uses from an earlier one (step 04's client): checked with that step
      lines.push(paint('dim', `– ${name}: ${target.file} belongs to an earlier step, not checked here`));
      continue;
    }
    if (!existsSync(path)) {
      lines.push(paint('red', `✗ ${name} is missing (npm run exercise ${step.number} prepares it)`));
      ok = false;
      continue;
    }
    const errors = syntaxErrors(path, track).map(visible);
    if (errors.length > 0) {
      lines.push(paint('red', `✗ ${name} does not compile:`), ...errors.map((line) => `    ${line}`));
      ok = false;
      continue;
    }
    const report = await runCheck({
      step,
      role: target.role,
      variant: target.variant,
      host: '127.0.0.1',
      port: 0,
      command: commandFor(path, track),
      cwd: ROOT,
      delay: 0.5,
      waitMs: 2_000,
      startupMs: 10_000,
      exitMs: 5_000,
    });
    const crashed =
      report.checks[0]?.status !== 'pass' && report.program?.exit && report.program.stderr.trim();
    if (crashed) {
      const error = errorLines(report.program!.stderr);
      lines.push(
        paint('red', `✗ ${name} stopped at start (${report.program!.exit}):`),
        ...error.map((l) => `    ${l}`),
      );
      ok = false;
      continue;
    }
    report.command = [name]; // the student's file, not the loader that runs it
    lines.push(renderText(report, paint, lang).trimEnd());
    if (report.failed > 0) ok = false;
  }
  updateState(step, (state) => {
    state.track = track;
    state.attempts += 1;
    if (ok) state.verified = new Date().toISOString();
  });
  return { ok, lines };
}

/** The lines of a crash that say what went wrong (Python's last lines, Node's error line), not the stack frames. */
function errorLines(stderr: string): string[] {
  const lines = stderr
    .split('\n')
    .map((line) => visible(line.trimEnd()))
    .filter((line) => line.trim() !== '');
  const telling = lines.filter(
    (line) => /error|exception|line \d+|:\d+:\d+/i.test(line) && !/^\s+at /.test(line),
  );
  return (telling.length > 0 ? telling : lines).slice(-5);
}
