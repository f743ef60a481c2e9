// How a step file runs, everywhere (`npm run step`, the demos, the tests, the bench): type-stripped once,
// then started with plain `node`, with a young generation kept small.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { start, type Proc, type StartOptions } from './proc.ts';
import { ROOT, filePath } from './steps.ts';

// Inside node_modules, so that a step's own imports (undici) resolve from the copy as from the original.
const compiledDir = join(ROOT, 'node_modules', '.cache', 'tp6-step-files');
const compiled = new Map<string, string>();

/**
 * V8 trades memory for speed: its young generation (where objects are born) grows to 3 × 16 MiB, and old
 * objects are collected late. A server of 1,000 clients then holds 30–40 MiB of garbage, more than it keeps
 * alive; Python frees an object the moment its last reference goes. Favouring size and 1 MiB semi-spaces,
 * the server stays near what it uses, for the same CPU time (the step 06 lesson, `npm run bench`).
 */
export const STEP_NODE_FLAGS: readonly string[] = ['--optimize-for-size', '--max-semi-space-size=1'];

/** What a step file's `import.meta` says of its place, written into its copy: the copy lives elsewhere. */
function keepPlace(code: string, source: string): string {
  const place: Record<string, string> = {
    url: JSON.stringify(pathToFileURL(source).href),
    filename: JSON.stringify(source),
    dirname: JSON.stringify(dirname(source)),
  };
  return code.replace(/\bimport\.meta\.(url|filename|dirname)\b/g, (_, key: string) => place[key]!);
}

/**
 * A step file with its types stripped (TypeScript's own transpiler), as plain JavaScript: `node file.mjs`
 * starts in ~50 ms where `node --import tsx` takes ~150 ms and ~35 MiB more. The code that runs is the
 * step's own, minus its type annotations (and `import.meta.dirname` spelt out: `chat_room.conf` is still
 * found next to the program). Named by a hash of the source, so that parallel test workers and later runs
 * share one copy per version of a file; TypeScript is loaded only to make a missing copy.
 */
export function compiledStepFile(file: string): string {
  let path = compiled.get(file);
  if (!path) {
    const source = filePath(file);
    const text = readFileSync(source, 'utf8');
    const hash = createHash('sha256').update(source).update(text).digest('hex').slice(0, 16);
    path = join(compiledDir, `${file.replace(/\.ts$/, '')}-${hash}.mjs`);
    if (!existsSync(path)) {
      const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
      const { outputText } = ts.transpileModule(text, {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
        fileName: file,
      });
      mkdirSync(compiledDir, { recursive: true });
      const partial = `${path}.${process.pid}`;
      writeFileSync(partial, keepPlace(outputText, source));
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
