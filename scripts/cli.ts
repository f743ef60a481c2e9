// What every script of the toolkit shares on the command line: one-line errors, colours, the main wrapper.
import { realpathSync } from 'node:fs';
import { parseArgs, styleText, type ParseArgsConfig } from 'node:util';
import { stopAll } from './proc.ts';

/** A mistake of the user's: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** `--help`: its message, the usage, goes to standard output, and the script exits 0. */
export class HelpRequest extends Error {}

/** Runs a script's main; any error becomes one line on stderr and a non-zero exit, never a stack trace. */
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      if (error instanceof HelpRequest) {
        console.log(error.message);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      console.error(`error: ${message}`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
      void stopAll(); // whatever the script had started goes with it
    },
  );
}

export type Colour = Parameters<typeof styleText>[0];

/** Colours only when the stream is a terminal and NO_COLOR is unset, unless forced either way. */
export function colourer(
  stream: NodeJS.WriteStream,
  force?: boolean,
): (colour: Colour, text: string) => string {
  const enabled = force ?? (stream.isTTY === true && !process.env.NO_COLOR);
  // the decision is taken here: styleText must not check the stream again
  return (colour, text) => (enabled ? styleText(colour, text, { validateStream: false }) : text);
}

/** True when this module is the script node was started with (not imported by another one, or by a test). */
export function isEntryPoint(meta: ImportMeta): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(meta.filename);
  } catch {
    return false;
  }
}

/** node:util parseArgs, with its errors turned into one short usage line (`unknown option "--wat"; usage: …`). */
export function parseCommandLine<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const first = (error as Error).message
      .split('. ')[0]!
      .replace(/^Unknown option '([^']+)'/, 'unknown option "$1"');
    throw new UsageError(`${first.charAt(0).toLowerCase()}${first.slice(1)}; ${usage}`);
  }
}

/**
 * The flags npm kept for itself (`npm run verify 5 --watch`, without `--`, sets npm_config_watch): given back
 * as arguments, so that both ways of typing the command mean the same.
 */
export function npmFlags(names: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  return names.flatMap((name) => {
    const value = env[`npm_config_${name.replaceAll('-', '_')}`];
    if (value === undefined || value === '' || value === 'false') return [];
    return value === 'true' ? [`--${name}`] : [`--${name}`, value];
  });
}
