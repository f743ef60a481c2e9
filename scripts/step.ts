// `npm run step [N] [file|server|client] [args…]`: lists the steps, runs a step's demo, or runs one of its files.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline/promises';
import { UsageError, colourer, runMain } from './cli.ts';
import { tsxCommand } from './proc.ts';
import { findFile, findStep, loadSteps, type Step } from './steps.ts';

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

async function pickStep(): Promise<string | undefined> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await prompt.question('\nWhich step? (number, Enter to quit) ')).trim();
    return answer || undefined;
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
  const [command, fullArgs] = tsxCommand(file, args);
  const child = spawn(command, fullArgs, { stdio: 'inherit', cwd: process.env.INIT_CWD ?? process.cwd() });
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
  if (first !== undefined && !first.startsWith('-')) return runFile(findFile(step, first), rest);
  const demo = (await import(`./demos/${step.demo.kind}.ts`)) as {
    default: (step: Step, args: string[]) => Promise<number>;
  };
  return demo.default(step, args);
}

async function main(): Promise<number> {
  const [query, ...args] = process.argv.slice(2);
  if (query === '--help' || query === '-h') {
    console.log(`${USAGE}\n\n${describeSteps()}`);
    return 0;
  }
  if (query === undefined) {
    console.log(`The steps of the lab (run one with: npm run step <N>):\n\n${describeSteps()}`);
    if (!process.stdin.isTTY || !process.stdout.isTTY) return 0;
    const picked = await pickStep();
    return picked === undefined ? 0 : runStep(findStep(picked), []);
  }
  return runStep(findStep(query), args);
}

runMain(main);
