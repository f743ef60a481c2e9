// Broken versions of our own step files for the checker's tests: the file with one piece of text replaced,
// type-stripped and run as the course runs step files (scripts/stepfile.ts), beside the compiled ones.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { STEP_NODE_FLAGS, stripTypes } from '../scripts/stepfile.ts';
import { filePath, ROOT } from '../scripts/steps.ts';

const dir = join(ROOT, 'node_modules', '.cache', 'tp6-mutants');

/** The step file with each `[from, to]` replaced; throws unless each `from` is there once. */
function mutantSource(file: string, replacements: readonly [string, string][]): string {
  let source = readFileSync(filePath(file), 'utf8');
  for (const [from, to] of replacements) {
    const count = source.split(from).length - 1;
    if (count !== 1) throw new Error(`${file}: ${JSON.stringify(from)} is there ${count} times, not once`);
    source = source.replace(from, () => to);
  }
  return source;
}

/** The command running `file` with each `[from, to]` replaced, written beside the compiled step files. */
export function mutant(file: string, ...replacements: [string, string][]): string[] {
  const outputText = stripTypes(mutantSource(file, replacements), filePath(file)); // the original's place
  const hash = createHash('sha256').update(outputText).digest('hex').slice(0, 16);
  const path = join(dir, `${file.replace(/\.ts$/, '')}-${hash}.mjs`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, outputText);
  return [process.execPath, ...STEP_NODE_FLAGS, path];
}

/** The same, written into `folder` under the file's own name (a program that reads files beside itself). */
export function mutantIn(folder: string, file: string, ...replacements: [string, string][]): string[] {
  const path = join(folder, file.replace(/\.ts$/, '.mjs'));
  writeFileSync(path, stripTypes(mutantSource(file, replacements), join(folder, file))); // its own place
  return [process.execPath, ...STEP_NODE_FLAGS, path];
}
