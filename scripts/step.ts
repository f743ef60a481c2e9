// `npm run step [N] [file|server|client] [args…]`: lists the steps, runs a step's demo, or runs one of its files.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { UsageError, colourer, isEntryPoint, runMain } from './cli.ts';
import { stepCommand } from './stepfile.ts';
import { findFile, findStep, loadSteps, stepOfFile, type Step } from './steps.ts';

const USAGE = 'usage: npm run step [<step> [<file>|server|client] [args…]]   (step: 5, 05 or 05-pseudos)';

function describeSteps(colour = colourer(process.stdout)): string {
  const steps = loadSteps();
  const width = Math.max(...steps.map((s) => s.id.length));
  return steps
    .map((s) => {
      const state = s.available ? '' : colour('yellow', '  (not yet available)');
      return `  ${colour('bold', String(s.number))}  ${s.id.padEnd(width)}  ${s.title.en} ${colour('dim', `— ${s.section}`)}${state}`;
    })
    .join('\n');
}

/** Asks until the answer is a step (or nothing: quit). Ctrl+C leaves quietly with exit code 130, as a shell does. */
async function pickStep(): Promise<Step | undefined> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  prompt.on('SIGINT', () => {
    process.stdout.write('\n');
    process.exit(130);
  });
  try {
    for (;;) {
      const answer = (await prompt.question('\nWhich step? (number, Enter to quit) ')).trim();
      if (answer === '') return undefined;
      try {
        return findStep(answer);
      } catch (error) {
        console.log(`  ${(error as Error).message}`);
      }
    }
  } finally {
    prompt.close();
  }
}

/**
 * Runs a file in the foreground, on the user's terminal, and resolves with its exit code. It runs where the
 * user typed the command (npm moves to the repository's root but keeps that folder in INIT_CWD), so that
 * relative arguments such as `urls.txt` mean what they say.
 */
function runFile(file: string, args: readonly string[]): Promise<number> {
  const [command, ...fullArgs] = stepCommand(basename(file), args);
  const child = spawn(command!, fullArgs, { stdio: 'inherit', cwd: process.env.INIT_CWD ?? process.cwd() });
  // Ctrl+C reaches the child too (same terminal, same process group): let it end in its own way.
  const ignore = (): void => {};
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onTerm = forward('SIGTERM');
  const onHup = forward('SIGHUP');
  process.on('SIGINT', ignore).on('SIGTERM', onTerm).on('SIGHUP', onHup);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore).off('SIGTERM', onTerm).off('SIGHUP', onHup);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

async function runStep(step: Step, args: string[]): Promise<number> {
  if (!step.available) throw new UsageError(`step ${step.id} is not yet available`);
  const [first, ...rest] = args;
  if (first !== undefined && !first.startsWith('-')) {
    const file = findFile(step, first);
    const takes = stepOfFile(basename(file)).usage?.[basename(file)];
    if (rest.length > 0 && takes === undefined) {
      throw new UsageError(
        `${basename(file)} takes no arguments, not "${rest.join(' ')}" (HOST and PORT come from the environment)`,
      );
    }
    return runFile(file, rest);
  }
  const demo = (await import(`./demos/${step.demo.kind}.ts`)) as {
    default: (step: Step, args: string[]) => Promise<number>;
  };
  return demo.default(step, args);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const { tokens } = parseArgs({
    args,
    options: { help: { type: 'boolean', short: 'h' } },
    strict: false,
    tokens: true,
  });
  const first = tokens[0];
  if (first?.kind === 'option' && first.name === 'help') {
    console.log(`${USAGE}\n\n${describeSteps()}`);
    return 0;
  }
  // the step, then everything after it as it was typed (the file's own arguments included)
  const [query, ...rest] = first?.kind === 'option-terminator' ? args.slice(1) : args;
  if (query === undefined) {
    console.log(`The steps of the lab (run one with: npm run step <N>):\n\n${describeSteps()}`);
    if (!process.stdin.isTTY || !process.stdout.isTTY) return 0;
    const picked = await pickStep();
    return picked === undefined ? 0 : runStep(picked, []);
  }
  return runStep(findStep(query), rest);
}

if (isEntryPoint(import.meta)) runMain(main);
