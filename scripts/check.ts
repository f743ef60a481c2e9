// `npm run check -- <step> [options] -- <command…>`: checks anyone's implementation of a step of the lab
// (a student's Python, our TypeScript…) as a black box, and prints a checklist. See docs-src/teachers.en.md.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs as parseArgv } from 'node:util';
import { colourer, HelpRequest, isEntryPoint, runMain, UsageError } from './cli.ts';
import { stopAllOnSignals } from './proc.ts';
import { findStep, LANGS, type Lang } from './steps.ts';
import { runCheck } from './check/run.ts';
import { renderJson, renderText } from './check/report.ts';
import type { CheckOptions, Role } from './check/context.ts';
import {
  defaultJobs,
  expandFolders,
  grade,
  targetsFromPlan,
  targetsFromSteps,
  type GradeOptions,
} from './check/grade.ts';
import { passesEverything, renderClassJson, renderClassTable, renderCsv } from './check/grade-report.ts';
import { renderClassHtml } from './check/grade-html.ts';

const USAGE =
  'usage: npm run check -- <step> [--role server|client|script] [--variant V] [--host H] [--port P] ' +
  '[--delay S] [--wait S] [--cwd DIR] [--lab-only] [--lang en|fr] [--json] -- <command…>; a class: ' +
  'npm run check -- <step>[,<step>…] --each GLOB [--jobs N] [--timeout S] [--csv FILE] [--html FILE] ' +
  '[--json] -- <command…> (or --plan FILE instead of the steps and the command)';

export interface Parsed {
  options: CheckOptions;
  json: boolean;
  lang: Lang;
}

const OPTIONS = {
  role: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  variant: { type: 'string' },
  delay: { type: 'string' },
  wait: { type: 'string' },
  cwd: { type: 'string' },
  lang: { type: 'string' },
  json: { type: 'boolean' },
  'lab-only': { type: 'boolean' },
  each: { type: 'string' },
  plan: { type: 'string' },
  jobs: { type: 'string' },
  timeout: { type: 'string' },
  csv: { type: 'string' },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
type Name = keyof typeof OPTIONS;

const number = (flag: string, text: string | undefined, { integer = false, min = 0 } = {}): number => {
  const value = Number(text);
  const ok = text !== undefined && text.trim() !== '' && Number.isFinite(value) && value >= min;
  if (!ok || (integer && !Number.isInteger(value))) {
    const given = text === undefined ? 'nothing' : JSON.stringify(text);
    throw new UsageError(`${flag} needs ${integer ? 'an integer' : 'a number'} ≥ ${min}, not ${given}`);
  }
  return value;
};

/** `npm run check 6 --role client …` (no "--" first): npm keeps the options for itself and passes their values on. */
export function assertOptionsReachedUs(env: NodeJS.ProcessEnv = process.env): void {
  if (env.npm_lifecycle_event !== 'check') return;
  const eaten = Object.keys(OPTIONS).filter(
    (flag) => env[`npm_config_${flag.replace('-', '_')}`] !== undefined,
  );
  if (eaten.length > 0) {
    throw new UsageError(
      `npm kept --${eaten[0]} for itself: write "npm run check -- <step> [options] -- <command…>" (a "--" right after "check")`,
    );
  }
}

type Values = Partial<Record<Name, string | true>>;

interface Raw {
  values: Values;
  stepQuery: string | undefined;
  command: string[];
}

/**
 * The step and the options, then the command after "--". When npm ate the "--", the command starts at the
 * first word after the step.
 */
function readArgs(argv: readonly string[]): Raw {
  const args = [...argv];
  const { tokens } = parseArgv({
    args,
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const values: Values = {};
  let stepQuery: string | undefined;
  let command: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') {
      command = args.slice(token.index + 1);
      break;
    }
    if (token.kind === 'positional') {
      if (stepQuery !== undefined) {
        command = args.slice(token.index);
        break;
      }
      stepQuery = token.value;
      continue;
    }
    if (!(token.name in OPTIONS)) throw new UsageError(`unknown option ${token.rawName}; ${USAGE}`);
    const name = token.name as Name;
    if (OPTIONS[name].type === 'string' && token.value === undefined) {
      throw new UsageError(`${token.rawName} needs a value; ${USAGE}`);
    }
    values[name] = token.value ?? true;
  }
  if (values.help) throw new HelpRequest(USAGE);
  return { values, stepQuery, command };
}

/** What both modes check the same way: --lang, --role, and --port (`fallbackPort` when absent). */
function shared(values: Values, fallbackPort: number): { lang: Lang; role?: Role; port: number } {
  const lang = (values.lang ?? 'en') as string;
  if (!LANGS.includes(lang as Lang)) throw new UsageError(`--lang is ${LANGS.join(' or ')}, not "${lang}"`);
  const role = values.role as string | undefined;
  if (role !== undefined && !['server', 'client', 'script'].includes(role)) {
    throw new UsageError(`--role is server, client or script, not "${role}"`);
  }
  const port =
    values.port === undefined ? fallbackPort : number('--port', values.port as string, { integer: true });
  if (port > 65_535) throw new UsageError(`--port is 0–65535, not ${port}`);
  return { lang: lang as Lang, role: role as Role | undefined, port };
}

export function parseArgs(argv: readonly string[], cwd = process.env.INIT_CWD ?? process.cwd()): Parsed {
  const { values, stepQuery, command } = readArgs(argv);
  const classOnly = (['jobs', 'timeout', 'csv', 'html'] as const).find((name) => values[name] !== undefined);
  if (classOnly) throw new UsageError(`--${classOnly} grades a class: give --each GLOB too`);
  if (values.each !== undefined || values.plan !== undefined) {
    throw new UsageError('--each and --plan grade a class: use parseClassArgs');
  }
  if (stepQuery === undefined) throw new UsageError(`which step? ${USAGE}`);
  if (command.length === 0) {
    throw new UsageError(
      'no command to check: put it after "--", e.g. npm run check -- 5 -- python3 chat_server_ii_5.py',
    );
  }
  const { lang, role, port } = shared(values, 8888);
  const step = findStep(stepQuery);
  const waitMs =
    (values.wait === undefined ? 2 : number('--wait', values.wait as string, { min: 0.1 })) * 1000;
  return {
    json: values.json === true,
    lang,
    options: {
      step,
      role,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      port,
      command,
      cwd: values.cwd === undefined ? cwd : resolve(cwd, values.cwd as string),
      variant: values.variant as string | undefined,
      labOnly: values['lab-only'] === true,
      delay: values.delay === undefined ? 0.5 : number('--delay', values.delay as string),
      waitMs,
      startupMs: 10_000,
      exitMs: Math.max(5_000, 2 * waitMs),
    },
  };
}

export interface ParsedClass {
  grade: GradeOptions;
  json: boolean;
  lang: Lang;
  csv?: string;
  html?: string;
}

/** `--each GLOB` (every folder) with the steps and the command, or with --plan FILE; null without --each. */
export function parseClassArgs(
  argv: readonly string[],
  cwd = process.env.INIT_CWD ?? process.cwd(),
): ParsedClass | null {
  const { values, stepQuery, command } = readArgs(argv);
  const string = (name: Name): string | undefined => values[name] as string | undefined;
  if (values.each === undefined) {
    if (values.plan !== undefined) throw new UsageError('--plan grades a class: give --each GLOB too');
    return null;
  }
  if (values.cwd !== undefined)
    throw new UsageError('--cwd does not go with --each: each run is in its folder');
  if (values.plan !== undefined && (stepQuery !== undefined || command.length > 0)) {
    throw new UsageError('--plan gives the steps and their commands: nothing else after the options');
  }
  if (values.plan === undefined && stepQuery === undefined) throw new UsageError(`which step? ${USAGE}`);
  if (values.plan === undefined && command.length === 0) {
    throw new UsageError(
      'no command to check: put it after "--", e.g. --each \'rendus/*\' -- python3 chat_server_ii_5.py',
    );
  }
  const { lang, role, port } = shared(values, 0);
  const labOnly = values['lab-only'] === true;
  const targets =
    values.plan === undefined
      ? targetsFromSteps(stepQuery!, command, { role, variant: string('variant'), labOnly })
      : targetsFromPlan(resolve(cwd, string('plan')!), { labOnly });
  const runOptions: string[] = [];
  for (const name of ['host', 'delay', 'wait'] as const) {
    if (values[name] !== undefined) runOptions.push(`--${name}`, string(name)!);
  }
  if (values.delay !== undefined) number('--delay', string('delay'));
  if (values.wait !== undefined) number('--wait', string('wait'), { min: 0.1 });
  if (labOnly) runOptions.push('--lab-only');
  // programs that all listen on (or connect to) the same port must take turns
  const jobs =
    values.jobs === undefined
      ? port === 0
        ? defaultJobs()
        : 1
      : number('--jobs', string('jobs'), { integer: true, min: 1 });
  if (port !== 0 && jobs > 1) throw new UsageError(`--port ${port} runs one folder at a time: drop --jobs`);
  const output = (name: 'csv' | 'html'): string | undefined =>
    values[name] === undefined ? undefined : resolve(cwd, string(name)!);
  return {
    grade: {
      pattern: string('each')!,
      folders: expandFolders(string('each')!, cwd),
      targets,
      jobs,
      port,
      timeoutMs:
        (values.timeout === undefined ? 60 : number('--timeout', string('timeout'), { min: 1 })) * 1000,
      runOptions,
    },
    json: values.json === true,
    lang,
    csv: output('csv'),
    html: output('html'),
  };
}

async function gradeClass({ grade: options, json, lang, csv, html }: ParsedClass): Promise<number> {
  const tty = process.stderr.isTTY === true;
  const progress = (text: string): void => {
    if (tty) process.stderr.write(`\r\x1b[K${text}`);
  };
  const stopping = new AbortController();
  stopAllOnSignals(() => {
    stopping.abort();
    progress('stopping…\n');
  });
  progress(`0/${options.folders.length} checked`);
  const report = await grade(options, (done, total) => progress(`${done}/${total} checked`), stopping.signal);
  progress('');
  if (csv) writeFileSync(csv, renderCsv(report));
  if (html) writeFileSync(html, renderClassHtml(report, lang));
  process.stdout.write(json ? renderClassJson(report) : renderClassTable(report, colourer(process.stdout)));
  for (const [flag, file] of [
    ['CSV', csv],
    ['HTML', html],
  ] as const) {
    if (file) process.stderr.write(`${flag} written to ${file}\n`);
  }
  return report.folders.every(passesEverything) ? 0 : 1;
}

async function main(): Promise<number> {
  assertOptionsReachedUs();
  const byClass = parseClassArgs(process.argv.slice(2));
  if (byClass) return gradeClass(byClass);
  const { options, json, lang } = parseArgs(process.argv.slice(2));
  stopAllOnSignals();
  const report = await runCheck(options);
  process.stdout.write(json ? renderJson(report) : renderText(report, colourer(process.stdout), lang));
  return report.failed === 0 ? 0 : 1;
}

if (isEntryPoint(import.meta)) runMain(main);
