// What every script of the toolkit shares on the command line: one-line errors, colours, the main wrapper.
import { realpathSync } from 'node:fs';
import { parseArgs, styleText, type ParseArgsConfig } from 'node:util';

/** A mistake of the user's: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** Runs a script's main; any error becomes one line on stderr and a non-zero exit, never a stack trace. */
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`error: ${message}`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
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
