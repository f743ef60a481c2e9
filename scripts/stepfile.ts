// How a step file runs, everywhere (`npm run step`, the demos, the tests, the bench): type-stripped once,
// then started with plain `node`, with a young generation kept small.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { keepPlace } from './keep-place.mjs';
import { start, type Proc, type StartOptions } from './proc.ts';
import { ROOT, filePath } from './steps.ts';

// Inside node_modules, so that a step's own imports (undici) resolve from the copy as from the original.
const compiledDir = join(ROOT, 'node_modules', '.cache', 'tp6-step-files');
const compiled = new Map<string, string>();

/**
 * V8 trades memory for speed: its young generation (where objects are born) grows to 3 × 16 MiB, and old
 * objects are collected late. A server of 1,000 clients then holds 30–40 MiB of garbage, more than it keeps
 * alive; Python frees an object the moment its last reference goes. Favouring size and 1 MiB semi-spaces,
 * the server stays near what it uses (the step 06 lesson, `npm run bench`).
 */
export const STEP_NODE_FLAGS: readonly string[] = [
  '--optimize-for-size',
  '--max-semi-space-size=1',
  '--enable-source-maps', // a stack trace names the step file's own lines (stripTypes)
];

/**
 * A TypeScript file as JavaScript (TypeScript's own transpiler): its types stripped, its `import.meta`
 * kept pointing at `source`, an inline source map so that a stack trace names the lines of the `.ts`. A
 * syntax error stops here in one line. TypeScript is loaded only when a file is stripped.
 */
export function stripTypes(text: string, source: string): string {
  const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
  const { outputText, diagnostics = [] } = ts.transpileModule(text, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
      inlineSources: true,
      sourceRoot: pathToFileURL(dirname(source)).href,
    },
    fileName: basename(source),
    reportDiagnostics: true,
  });
  const [error] = diagnostics;
  if (error?.file && error.start !== undefined) {
    const { line, character } = error.file.getLineAndCharacterOfPosition(error.start);
    const message = ts.flattenDiagnosticMessageText(error.messageText, ' ');
    throw new Error(`${basename(source)}:${line + 1}:${character + 1}: ${message}`);
  }
  return keepPlace(outputText, source);
}

/**
 * A step file as plain JavaScript (stripTypes): `node file.mjs` starts in ~50 ms where `node --import tsx`
 * takes ~150 ms and ~35 MiB more. Named by a hash of the source and its place, so that parallel test
 * workers and later runs share one copy per version of a file.
 */
export function compiledStepFile(file: string): string {
  let path = compiled.get(file);
  if (!path) {
    const source = filePath(file);
    const text = readFileSync(source, 'utf8');
    const hash = createHash('sha256').update(source).update(text).digest('hex').slice(0, 16);
    path = join(compiledDir, `${file.replace(/\.ts$/, '')}-${hash}.mjs`);
    if (!existsSync(path)) {
      const code = stripTypes(text, source);
      mkdirSync(compiledDir, { recursive: true });
      const partial = `${path}.${process.pid}`;
      writeFileSync(partial, code);
      renameSync(partial, path); // whole or not at all, whatever the other workers do
    }
    compiled.set(file, path);
  }
  return path;
}

/** The command that runs a step file (e.g. `chat_server_ii_6.ts`): the same for the course, tests and bench. */
export function stepCommand(file: string, args: readonly string[] = []): string[] {
  return [process.execPath, ...STEP_NODE_FLAGS, compiledStepFile(file), ...args];
}

/** Runs a step file as a child process (see stepCommand). */
export function startStepFile(
  file: string,
  env: NodeJS.ProcessEnv = {},
  { args = [], ...options }: Omit<StartOptions, 'env'> & { args?: readonly string[] } = {},
): Proc {
  const [command, ...fullArgs] = stepCommand(file, args);
  return start(command!, fullArgs, { ...options, env });
}
