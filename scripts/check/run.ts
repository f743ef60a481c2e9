// Runs the check set of a step on a command and returns the report; everything it started is stopped.
import { UsageError } from '../cli.ts';
import { Context, type CheckOptions } from './context.ts';
import { summarise, type CheckReport } from './report.ts';
import { checkServer } from './server.ts';
import { checkClient } from './client.ts';
import { checkSleep } from './sleep.ts';
import { checkWeb } from './web.ts';
import { freePort, isListening } from './tcp.ts';
import { exitText } from './target.ts';

const VARIANTS: Record<number, string[]> = {
  1: ['sync', 'async'],
  2: ['sync', 'async', 'sync-multiple', 'async-multiple'],
  3: ['ii_2', 'ii_3'],
};

/**
 * Which version of a step the command is, when a step has several: given with --variant, or read from
 * the command's words (`sleep_and_print_async.py` → async, `web_sync_multiple.py` → sync-multiple,
 * `chat_server_ii_2.py` → ii_2).
 */
export function inferVariant(step: number, command: readonly string[], given?: string): string | null {
  const choices = VARIANTS[step];
  if (!choices) {
    if (given) throw new UsageError(`step ${step} has no variants; drop --variant`);
    return null;
  }
  if (given) {
    if (!choices.includes(given))
      throw new UsageError(`--variant for step ${step} is one of ${choices.join(', ')}, not "${given}"`);
    return given;
  }
  const words = command.join(' ').toLowerCase();
  if (step === 3) return /ii_2/.test(words) ? 'ii_2' : 'ii_3';
  const flavour = /async/.test(words) ? 'async' : 'sync';
  return step === 2 && /multiple/.test(words) ? `${flavour}-multiple` : flavour;
}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const step = options.step;
  const chat = step.roles !== undefined;
  if (!chat && options.role) throw new UsageError(`step ${step.id} has no roles; drop --role`);
  const role = chat ? (options.role ?? 'server') : undefined;
  const variant = inferVariant(step.number, options.command, options.variant);
  if (options.command.length === 0)
    throw new UsageError(
      'no command to check: put it after "--", e.g. npm run check -- 5 -- python3 chat_server_ii_5.py',
    );
  let port = options.port;
  if (chat && port === 0) port = await freePort(options.host);
  else if (role === 'server' && (await isListening(options.host, port))) {
    throw new UsageError(
      `something already listens on ${options.host}:${port} (a server left running?); stop it or pass --port`,
    );
  }
  const ctx = new Context({ ...options, port, role }, variant);
  if (chat) ctx.address = `${options.host}:${port}`;
  let exit: string | null = null;
  try {
    if (role === 'server') await checkServer(ctx);
    else if (role === 'client') await checkClient(ctx);
    else if (step.number === 1) await checkSleep(ctx);
    else await checkWeb(ctx);
    if (ctx.program && !ctx.program.exit) {
      // a program that just died (its connections closed) may not have been reaped yet: a moment for the report
      await Promise.race([ctx.program.exited, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    exit = ctx.program ? exitText(ctx.program) : null; // before the checker stops it
  } finally {
    await ctx.cleanup();
  }
  const program = ctx.program;
  return summarise({
    step: step.id,
    role: role ?? null,
    variant,
    address: ctx.address,
    command: options.command,
    checks: ctx.list.results,
    program: program
      ? { command: options.command, exit, stdout: program.stdout, stderr: program.stderr }
      : null,
  });
}
