// `npm run check -- <step> [options] -- <command…>`: checks anyone's implementation of a step of the lab
// (a student's Python, our TypeScript…) as a black box, and prints a checklist. See docs-src/teachers.en.md.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { colourer, runMain, UsageError } from './cli.ts';
import { stopAllOnSignals } from './proc.ts';
import { findStep } from './steps.ts';
import { runCheck } from './check/run.ts';
import { renderJson, renderText } from './check/report.ts';
import type { CheckOptions, Role } from './check/context.ts';

const USAGE =
  'usage: npm run check -- <step> [--role server|client] [--host H] [--port P] [--variant V] [--delay S] [--wait S] [--cwd DIR] [--json] -- <command…>';

export interface Parsed {
  options: CheckOptions;
  json: boolean;
}

const number = (flag: string, text: string | undefined, { integer = false, min = 0 } = {}): number => {
  const value = Number(text);
  if (
    text === undefined ||
    text.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  ) {
    throw new UsageError(
      `${flag} needs ${integer ? 'an integer' : 'a number'} ≥ ${min}, not ${text === undefined ? 'nothing' : JSON.stringify(text)}`,
    );
  }
  return value;
};

const FLAGS = ['role', 'host', 'port', 'variant', 'delay', 'wait', 'cwd', 'json'];

/** `npm run check 6 --role client …` (no "--" first): npm keeps the options for itself and passes their values on. */
export function assertOptionsReachedUs(env: NodeJS.ProcessEnv = process.env): void {
  if (env.npm_lifecycle_event !== 'check') return;
  const eaten = FLAGS.filter((flag) => env[`npm_config_${flag}`] !== undefined);
  if (eaten.length > 0) {
    throw new UsageError(
      `npm kept --${eaten[0]} for itself: write "npm run check -- <step> [options] -- <command…>" (a "--" right after "check")`,
    );
  }
}

export function parseArgs(argv: readonly string[], cwd = process.env.INIT_CWD ?? process.cwd()): Parsed {
  const args = [...argv];
  const separator = args.indexOf('--');
  const head = separator === -1 ? args : args.slice(0, separator);
  let command = separator === -1 ? [] : args.slice(separator + 1);
  let stepQuery: string | undefined;
  let role: Role | undefined;
  let host = '127.0.0.1';
  let port = 8888;
  let variant: string | undefined;
  let delay = 0.5;
  let wait = 2;
  let json = false;
  let folder = cwd;
  for (let i = 0; i < head.length; i++) {
    const arg = head[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const next = inline ?? head[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value; ${USAGE}`);
      return next;
    };
    switch (flag) {
      case '--role': {
        const given = value();
        if (given !== 'server' && given !== 'client')
          throw new UsageError(`--role is server or client, not "${given}"`);
        role = given;
        break;
      }
      case '--host':
        host = value();
        break;
      case '--port':
        port = number('--port', value(), { integer: true });
        break;
      case '--variant':
        variant = value();
        break;
      case '--delay':
        delay = number('--delay', value());
        break;
      case '--wait':
        wait = number('--wait', value(), { min: 0.1 });
        break;
      case '--cwd':
        folder = resolve(cwd, value());
        break;
      case '--json':
        json = true;
        break;
      case '-h':
      case '--help':
        throw new UsageError(USAGE);
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}; ${USAGE}`);
        if (stepQuery === undefined) stepQuery = arg;
        else if (separator === -1) {
          command = head.slice(i);
          i = head.length;
        } // npm ate the "--"
        else throw new UsageError(`unexpected "${arg}" before "--"; ${USAGE}`);
    }
  }
  if (stepQuery === undefined) throw new UsageError(`which step? ${USAGE}`);
  if (port > 65_535) throw new UsageError(`--port is 0–65535, not ${port}`);
  if (command.length === 0)
    throw new UsageError(
      `no command to check: put it after "--", e.g. npm run check -- 5 -- python3 chat_server_ii_5.py`,
    );
  const step = findStep(stepQuery);
  const waitMs = wait * 1000;
  return {
    json,
    options: {
      step,
      role,
      host,
      port,
      command,
      cwd: folder,
      variant,
      delay,
      waitMs,
      startupMs: 10_000,
      exitMs: Math.max(5_000, 2 * waitMs),
    },
  };
}

async function main(): Promise<number> {
  assertOptionsReachedUs();
  const { options, json } = parseArgs(process.argv.slice(2));
  stopAllOnSignals();
  const report = await runCheck(options);
  process.stdout.write(json ? renderJson(report) : renderText(report, colourer(process.stdout)));
  return report.failed === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runMain(main);
