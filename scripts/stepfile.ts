// Step files run fast for the tests and the benchmark: type-stripped once, then started with plain `node`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { start, type Proc, type StartOptions } from './proc.ts';
import { ROOT, filePath } from './steps.ts';

// Inside node_modules, so that a step's own imports (undici) resolve from the copy as from the original.
const compiledDir = join(ROOT, 'node_modules', '.cache', 'tp6-step-files');
const compiled = new Map<string, string>();

/**
 * A step file with its types stripped (TypeScript's own transpiler), as plain JavaScript: `node file.mjs`
 * starts in ~50 ms where `node --import tsx` takes ~500 ms, which the hundreds of process starts of the
 * tests would feel. The code that runs is the step's own, minus its type annotations. Named by a hash of
 * the source, so that parallel test workers and later runs share one copy per version of a file.
 */
export function compiledStepFile(file: string): string {
  let path = compiled.get(file);
  if (!path) {
    const source = readFileSync(filePath(file), 'utf8');
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
    path = join(compiledDir, `${file.replace(/\.ts$/, '')}-${hash}.mjs`);
    if (!existsSync(path)) {
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
        fileName: file,
      });
      mkdirSync(compiledDir, { recursive: true });
      const partial = `${path}.${process.pid}`;
      writeFileSync(partial, outputText);
      renameSync(partial, path); // whole or not at all, whatever the other workers do
    }
    compiled.set(file, path);
  }
  return path;
}

/** Runs a step file (e.g. `chat_client_ii_6.ts`) as a child process, quickly (see compiledStepFile). */
export function startStepFile(
  file: string,
  env: NodeJS.ProcessEnv = {},
  { args = [], ...options }: Omit<StartOptions, 'env'> & { args?: readonly string[] } = {},
): Proc {
  return start(process.execPath, [compiledStepFile(file), ...args], { ...options, env });
}
