// Runs the checks a step declares (its step.json `checks`) on a command and returns the report; everything it
// started is stopped.
import { UsageError } from '../cli.ts';
import type { CheckTarget, Step } from '../steps.ts';
import { Context, type CheckOptions } from './context.ts';
import { STOPS_EVERYTHING, checkDef, findSuite } from './registry.ts';
import { summarise, type CheckReport } from './report.ts';
import { exitText } from './target.ts';
import { freePort } from '../ports.ts';
import { isListening } from './tcp.ts';

/**
 * Which program of the step the command is: the role asked for (the server by default, when the step has
 * one), then the version of it given with --variant or read from the command's words (`web_async_multiple.py`
 * matches the `match` of the async-multiple version; the version without `match` is the default).
 */
export function selectTarget(
  step: Step,
  command: readonly string[],
  role?: string,
  variant?: string,
): CheckTarget {
  if (step.checks.length === 0) throw new UsageError(`no checks are declared for step ${step.id}`);
  const roles = [...new Set(step.checks.map((target) => target.role))];
  const chosenRole = role ?? (roles.includes('server') ? 'server' : roles[0]!);
  if (!roles.includes(chosenRole as CheckTarget['role'])) {
    throw new UsageError(`step ${step.id} has no ${chosenRole} to check; its roles: ${roles.join(', ')}`);
  }
  const candidates = step.checks.filter((target) => target.role === chosenRole);
  const variants = candidates
    .map((target) => target.variant)
    .filter((name): name is string => name !== undefined);
  if (variant !== undefined) {
    if (variants.length === 0) throw new UsageError(`step ${step.id} has no variants; drop --variant`);
    const target = candidates.find((t) => t.variant === variant);
    if (!target)
      throw new UsageError(
        `--variant for step ${step.id} is one of ${variants.join(', ')}, not "${variant}"`,
      );
    return target;
  }
  const words = command.join(' ').toLowerCase();
  const target =
    candidates.find((t) => t.match !== undefined && new RegExp(t.match).test(words)) ??
    candidates.find((t) => t.match === undefined);
  if (!target) throw new UsageError(`cannot tell which version of step ${step.id} this is; pass --variant`);
  return target;
}

/** The checks a program is judged on, in order: its target's, then the stop; only the lab's with `labOnly`. */
export function declaredChecks(target: CheckTarget, labOnly = false): string[] {
  const declared = [...target.checks, STOPS_EVERYTHING.id];
  return labOnly ? declared.filter((id) => checkDef(id).category === 'lab') : declared;
}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const { step } = options;
  if (options.command.length === 0) {
    throw new UsageError(
      'no command to check: put it after "--", e.g. npm run check -- 5 -- python3 chat_server_ii_5.py',
    );
  }
  const target = selectTarget(step, options.command, options.role, options.variant);
  const suite = findSuite(target.suite);
  const unknown = target.checks.find((id) => !suite.checks.some((check) => check.id === id));
  if (unknown) throw new Error(`steps/${step.id}/step.json: suite ${suite.name} has no check "${unknown}"`);
  const ids = declaredChecks(target, options.labOnly);

  const network = target.role !== 'script';
  let port = options.port;
  if (network && port === 0) port = await freePort(options.host);
  else if (network && (await isListening(options.host, port))) {
    throw new UsageError(
      `something already listens on ${options.host}:${port} (a server left running?); stop it or pass --port`,
    );
  }
  const ctx = new Context({ ...options, port, role: target.role }, target, ids);
  if (network) ctx.address = `${options.host}:${port}`;
  let exit: string | null = null;
  try {
    await suite.run(ctx);
    if (ctx.program && !ctx.program.exit) {
      // a program that just died (its connections closed) may not have been reaped yet: a moment for the report
      await Promise.race([ctx.program.exited, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    exit = ctx.program ? exitText(ctx.program) : null; // before the checker stops it
  } finally {
    await ctx.cleanup();
  }
  await judgeStop(ctx, target.role === 'server');
  const program = ctx.program;
  return summarise({
    step: step.id,
    role: network ? target.role : null,
    variant: target.variant ?? null,
    address: ctx.address,
    command: options.command,
    checks: ctx.list.results,
    program: program
      ? { command: options.command, exit, stdout: program.stdout, stderr: program.stderr }
      : null,
  });
}

/**
 * Once stopped, nothing the program started may still run: a descendant that left its process group (found
 * by the mark every process of a run inherits, and killed) or anything listening on a server's port.
 */
async function judgeStop(ctx: Context, server: boolean): Promise<void> {
  const id = STOPS_EVERYTHING.id;
  if (!ctx.wants(id)) return;
  if (ctx.procs.length === 0) return ctx.list.notJudged(id, 'no program was started');
  const { host, port } = ctx.options;
  const stragglers = ctx.procs.reduce((sum, proc) => sum + proc.stragglers, 0);
  const listening = server && (await isListening(host, port));
  const expected = 'nothing left running once the checker stopped it';
  if (stragglers > 0) {
    const note = 'they had left its process group; the checker killed them';
    ctx.list.fail(id, expected, `${stragglers} of its processes still running`, note);
  } else if (listening) ctx.list.fail(id, expected, `something still listens on ${host}:${port}`);
  else ctx.list.pass(id);
}
