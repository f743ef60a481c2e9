// Broken versions of our own step files for the checker's tests: a copy with a few strings replaced (each
// must be found exactly once, so that a mutant never silently stays correct), type-stripped, run with node.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { filePath } from '../scripts/steps.ts';
import { tempDir } from './helpers.ts';

/** The command that runs `file` (e.g. `chat_server_iii_1.ts`) with each `[from, to]` applied. */
export function mutant(file: string, ...replacements: [string, string][]): string[] {
  let source = readFileSync(filePath(file), 'utf8');
  for (const [from, to] of replacements) {
    const count = source.split(from).length - 1;
    if (count !== 1) throw new Error(`mutant of ${file}: ${JSON.stringify(from)} found ${count} times`);
    source = source.replace(from, () => to);
  }
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
    fileName: file,
  });
  const path = join(tempDir('tp6-mutant-'), file.replace(/\.ts$/, '.mjs'));
  writeFileSync(path, outputText);
  return [process.execPath, path];
}
