// The configuration checks of III.4 (server role): the server started with options, a config file, both, or
// nothing at all, each time with PORT set in its environment to a port of its own, so that a program that
// ignores a source is seen listening there at once; then the chat-server checks (HOST/PORT in the
// environment). The lab's precedence: options > file > environment > defaults (127.0.0.1:8888).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeExit, type Proc } from '../proc.ts';
import type { Context } from './context.ts';
import { lab, robustness, type Suite } from './define.ts';
import { chatClientSuite, checkClient } from './client.ts';
import { chatScenario, chatServerSuite, startServer } from './server.ts';
import { freePort } from '../ports.ts';
import { isListening, Listener } from './tcp.ts';
import { startTarget } from './target.ts';

export const configServerSuite: Suite = {
  name: 'config-server',
  description: {
    en: 'The chat-server checks, then the server started with options, a config file, both, or nothing: where does it listen?',
    fr: 'Les vérifications du serveur de chat, puis le serveur lancé avec des options, un fichier de config, les deux, ou rien : où écoute-t-il ?',
  },
  checks: [
    ...chatServerSuite.checks,
    lab(
      'config.options',
      'listens where --address and --port say',
      "écoute là où --address et --port l'indiquent",
    ),
    lab('config.short-options', 'listens where -a and -p say', "écoute là où -a et -p l'indiquent"),
    lab(
      'config.file',
      'listens where the HOST=… / PORT=… lines of --config FILE say',
      "écoute là où les lignes HOST=… / PORT=… de --config FICHIER l'indiquent",
    ),
    lab(
      'config.option-over-file',
      'an option wins over the config file',
      "une option l'emporte sur le fichier de config",
    ),
    robustness(
      'config.file-over-env',
      'the config file wins over the environment (HOST, PORT)',
      "le fichier de config l'emporte sur l'environnement (HOST, PORT)",
    ),
    robustness(
      'config.default',
      'with nothing set, listens on 127.0.0.1:8888',
      "sans rien d'indiqué, écoute sur 127.0.0.1:8888",
    ),
    robustness('config.help', '--help prints the usage and exits 0', "--help affiche l'usage et sort avec 0"),
    robustness(
      'config.bad-value',
      'a bad port (-p abc) is named in the error, exit code 2',
      "un mauvais port (-p abc) est nommé dans l'erreur, code de sortie 2",
    ),
    robustness(
      'config.unknown-option',
      'an unknown option is named in the error, exit code 2',
      "une option inconnue est nommée dans l'erreur, code de sortie 2",
    ),
  ],
  async run(ctx) {
    await new ConfigScenario(ctx).run(); // first: the checker's own server may be on 8888 afterwards
    const proc = await startServer(ctx);
    if (proc) await chatScenario(ctx, proc);
  },
};

type Endpoint = [host: string, port: number];
const show = ([host, port]: Endpoint): string => `${host}:${port}`;

class ConfigScenario {
  private readonly dir: string;
  private files = 0;
  private readonly procs: Proc[] = [];

  constructor(private readonly ctx: Context) {
    this.dir = mkdtempSync(join(tmpdir(), 'tp6-check-config-'));
    ctx.cleanups.push(() => rmSync(this.dir, { recursive: true, force: true }));
  }

  async run(): Promise<void> {
    const { ctx } = this;
    const precedence = ctx.wants('config.option-over-file', 'config.file-over-env');
    const [long, short, file] = await Promise.all([
      ctx.wants('config.options') || precedence
        ? this.options('config.options', ['--address', '127.0.0.2', '--port'])
        : false,
      ctx.wants('config.short-options')
        ? this.options('config.short-options', ['-a', '127.0.0.1', '-p'])
        : false,
      ctx.wants('config.file') || precedence ? this.file() : false,
      ctx.wants('config.help') && this.help(),
      ctx.wants('config.bad-value') && this.refused('config.bad-value', ['-p', 'abc'], 'abc'),
      ctx.wants('config.unknown-option') && this.refused('config.unknown-option', ['--colour'], '--colour'),
    ]);
    // then the checks that need the file alone to work, and port 8888 free again
    await this.stopAll();
    await Promise.all([
      ctx.wants('config.default') && this.defaults(),
      precedence && this.optionOverFile(file, long || short),
      precedence && this.fileOverEnv(file),
    ]);
    await this.stopAll();
  }

  private async stopAll(): Promise<void> {
    await Promise.all(this.procs.splice(0).map((proc) => proc.stop('SIGTERM', 2_000)));
  }

  /** Starts the program with `args`, PORT (and HOST) in its environment set to a port of its own. */
  private async start(
    args: string[],
    env?: Record<string, string>,
  ): Promise<{ proc: Proc; envPort: Endpoint }> {
    const { command, cwd, host } = this.ctx.options;
    const envPort: Endpoint = [host, await freePort(host)];
    const proc = startTarget({
      command: [...command, ...args],
      cwd,
      env: env ?? { HOST: host, PORT: String(envPort[1]) },
    });
    this.ctx.procs.push(proc);
    this.procs.push(proc);
    return { proc, envPort };
  }

  private configFile(lines: string): string {
    const path = join(this.dir, `chat_${++this.files}.conf`);
    writeFileSync(path, lines);
    return path;
  }

  /**
   * Waits until the program listens on `expected`; true when it does. The `wrong` places are held by the
   * checker meanwhile, so that nobody else (another check running beside this one) can be taken for the
   * program there: a program that goes for one of them finds it taken, or was already there. Polls (a
   * listening socket sends no event) until it listens, exits, or time is up.
   */
  private async listens(id: string, proc: Proc, expected: Endpoint, wrong: Endpoint[]): Promise<boolean> {
    const { list, options } = this.ctx;
    const held: net.Server[] = [];
    const taken: Endpoint[] = [];
    for (const [h, p] of wrong) {
      const server = net.createServer();
      const bound = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false)).listen(p, h, () => resolve(true));
      });
      if (bound) held.push(server);
      else taken.push([h, p]);
    }
    try {
      if (taken.length > 0) {
        return list.check(
          id,
          false,
          `listens on ${show(expected)}`,
          `listens on ${taken.map(show).join(', ')}`,
        );
      }
      const deadline = Date.now() + options.startupMs;
      for (;;) {
        if (await isListening(...expected)) return list.check(id, true);
        if (proc.exit) {
          const note = `exited (${describeExit(proc.exit)}); the places it was not told to use were taken`;
          list.fail(id, `listens on ${show(expected)}`, proc.output, note);
          return false;
        }
        if (Date.now() >= deadline) {
          list.fail(id, `listens on ${show(expected)}`, proc.output, 'it listened nowhere expected');
          return false;
        }
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), proc.exited]);
      }
    } finally {
      for (const server of held) server.close();
    }
  }

  /** `args` end with the address's option, the address and the port's option; the port is added here. */
  private async options(id: string, args: string[]): Promise<boolean> {
    const port = await freePort(this.ctx.options.host);
    // 127.0.0.2 tells an address that was used from the default; a system without it (macOS) gets 127.0.0.1
    const address = args[1] === '127.0.0.2' && !(await canListen('127.0.0.2')) ? '127.0.0.1' : args[1]!;
    args = [args[0]!, address, args[2]!];
    const { proc, envPort } = await this.start([...args, String(port)]);
    const wrong: Endpoint[] = [envPort];
    if (address !== '127.0.0.1') wrong.push(['127.0.0.1', port]);
    return this.listens(id, proc, [address, port], wrong);
  }

  /**
   * The file alone, nothing in the environment. The checker holds 127.0.0.1:8888 meanwhile (unless someone
   * else does), so that a program that ignores the file fails at once on its default port.
   */
  private async file(): Promise<boolean> {
    const port = await freePort(this.ctx.options.host);
    const path = this.configFile(`HOST=127.0.0.1\nPORT=${port}\n`);
    const blocker = net.createServer((socket) => socket.destroy());
    await new Promise((resolve) =>
      blocker.once('error', resolve).listen(8888, '127.0.0.1', () => resolve(0)),
    );
    try {
      const { proc } = await this.start(['--config', path], {});
      return await this.listens('config.file', proc, ['127.0.0.1', port], []);
    } finally {
      blocker.close();
    }
  }

  private async optionOverFile(fileWorks: boolean, optionsWork: boolean): Promise<void> {
    const id = 'config.option-over-file';
    if (!this.ctx.wants(id)) return;
    if (!fileWorks || !optionsWork) {
      return this.ctx.list.notJudged(
        id,
        `${fileWorks ? 'the options' : 'the config file'} never worked alone`,
      );
    }
    const [port, filePort] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    const path = this.configFile(`PORT=${filePort}\n`);
    const { proc, envPort } = await this.start(['--config', path, '--port', String(port)]);
    await this.listens(id, proc, ['127.0.0.1', port], [['127.0.0.1', filePort], envPort]);
  }

  private async fileOverEnv(fileWorks: boolean): Promise<void> {
    const id = 'config.file-over-env';
    if (!this.ctx.wants(id)) return;
    if (!fileWorks) return this.ctx.list.notJudged(id, 'the config file never worked alone');
    const filePort = await freePort('127.0.0.1');
    const path = this.configFile(`PORT=${filePort}\n`);
    const { proc, envPort } = await this.start(['--config', path]);
    await this.listens(id, proc, ['127.0.0.1', filePort], [envPort]);
  }

  /**
   * Nothing set: 127.0.0.1:8888. Another check may hold that port for a moment: the checker waits until it
   * is free, and starts again a program that lost the race for it (EADDRINUSE, "address already in use").
   */
  private async defaults(): Promise<void> {
    const id = 'config.default';
    const set = ['HOST', 'PORT'].filter((name) => process.env[name]);
    if (set.length > 0)
      return this.ctx.list.notJudged(id, `${set.join(' and ')} set in the checker's environment`);
    const deadline = Date.now() + this.ctx.options.startupMs;
    const pause = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 200));
    for (;;) {
      while (await isListening('127.0.0.1', 8888)) {
        if (Date.now() >= deadline) return this.ctx.list.notJudged(id, '127.0.0.1:8888 stayed taken');
        await pause();
      }
      const { proc } = await this.start([], {});
      while (!proc.exit && !(await isListening('127.0.0.1', 8888)) && Date.now() < deadline) await pause();
      const lostRace = proc.exit && /EADDRINUSE|already in use/i.test(proc.output) && Date.now() < deadline;
      if (!lostRace) return void (await this.listens(id, proc, ['127.0.0.1', 8888], []));
    }
  }

  private async help(): Promise<void> {
    const { proc } = await this.start(['--help']);
    const exit = await proc.waitExit(this.ctx.options.exitMs).catch(() => undefined);
    const names = /--port\b|-p\b/.test(proc.stdout) && /--address\b|-a\b/.test(proc.stdout);
    this.ctx.list.check(
      'config.help',
      exit?.code === 0 && names,
      'the usage naming --address and --port, exit code 0',
      proc.output,
      exit ? `exited (${describeExit(exit)})` : 'still running',
    );
  }

  private async refused(id: string, args: string[], name: string): Promise<void> {
    const { proc } = await this.start(args);
    const exit = await proc.waitExit(this.ctx.options.exitMs).catch(() => undefined);
    this.ctx.list.check(
      id,
      exit?.code === 2 && proc.output.includes(name),
      `an error naming ${name}, exit code 2`,
      proc.output,
      exit ? `exited (${describeExit(exit)})` : 'still running',
    );
  }
}

async function canListen(host: string): Promise<boolean> {
  const server = net.createServer();
  const ok = await new Promise<boolean>((resolve) =>
    server.once('error', () => resolve(false)).listen(0, host, () => resolve(true)),
  );
  server.close();
  return ok;
}

export const configClientSuite: Suite = {
  name: 'config-client',
  description: {
    en: 'The chat-client checks, then the client started with options, a config file, or both, while PORT in its environment names another server: where does it connect?',
    fr: 'Les vérifications du client de chat, puis le client lancé avec des options, un fichier de config, ou les deux, pendant que PORT dans son environnement désigne un autre serveur : où se connecte-t-il ?',
  },
  checks: [
    ...chatClientSuite.checks,
    lab(
      'config.client-options',
      'connects where -a and -p say, not where HOST/PORT say',
      "se connecte là où -a et -p l'indiquent, pas là où HOST/PORT l'indiquent",
    ),
    lab(
      'config.client-file',
      'connects where the lines of --config FILE say, not where HOST/PORT say',
      "se connecte là où les lignes de --config FICHIER l'indiquent, pas là où HOST/PORT l'indiquent",
    ),
    lab(
      'config.client-option-over-file',
      'an option wins over the config file',
      "une option l'emporte sur le fichier de config",
    ),
  ],
  async run(ctx) {
    // the chat-client part, when some of its checks are declared (it types the pseudo before anything)
    if (ctx.wants(...chatClientSuite.checks.map((check) => check.id))) await checkClient(ctx);
    const ids = ['config.client-options', 'config.client-file', 'config.client-option-over-file'];
    if (!ctx.wants(...ids)) return;
    const dir = mkdtempSync(join(tmpdir(), 'tp6-check-config-'));
    ctx.cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { host } = ctx.options;
    const file = (name: string, lines: string): string => {
      writeFileSync(join(dir, name), lines);
      return join(dir, name);
    };
    const [right1, right2, right3, fromFile] = await Promise.all([1, 2, 3, 4].map(() => listener(ctx)));
    const [options, config] = await Promise.all([
      connectsTo(ctx, 'config.client-options', ['-a', host, '-p', String(right1!.port)], right1!),
      connectsTo(
        ctx,
        'config.client-file',
        ['--config', file('a.conf', `HOST=${host}\nPORT=${right2!.port}\n`)],
        right2!,
      ),
    ]);
    const id = 'config.client-option-over-file';
    if (!options || !config)
      return ctx.list.notJudged(id, `${options ? 'the file' : 'the options'} never worked alone`);
    const args = [
      '--config',
      file('b.conf', `HOST=${host}\nPORT=${fromFile!.port}\n`),
      '-p',
      String(right3!.port),
    ];
    await connectsTo(ctx, id, args, right3!, [fromFile!]);
  },
};

async function listener(ctx: Context): Promise<Listener> {
  const listening = await Listener.listen(ctx.options.host, 0);
  ctx.listeners.push(listening);
  return listening;
}

/**
 * Starts the client with `args` and PORT in its environment set to a listener of its own; true when its
 * connection comes to `right` (and not to the environment's listener nor to the `wrong` ones).
 */
async function connectsTo(
  ctx: Context,
  id: string,
  args: string[],
  right: Listener,
  wrong: Listener[] = [],
): Promise<boolean> {
  const { host, command, cwd, startupMs } = ctx.options;
  const fromEnv = await listener(ctx);
  const proc = startTarget({
    command: [...command, ...args],
    cwd,
    env: { HOST: host, PORT: String(fromEnv.port) },
  });
  ctx.procs.push(proc);
  proc.write('alice\n'); // the pseudo, read before or after connecting: the client's choice
  const all = [right, fromEnv, ...wrong];
  const names = ['the right one', 'the one of HOST/PORT', 'the one of the config file'];
  const first = await Promise.race(
    all.map((l, i) => l.accept(startupMs, proc.exited).then((peer) => (peer ? i : undefined))),
  );
  await proc.stop('SIGTERM', 2_000);
  const expected = `a connection to ${host}:${right.port}`;
  if (first === undefined) {
    ctx.list.fail(
      id,
      expected,
      proc.output,
      proc.exit ? `exited (${describeExit(proc.exit)})` : 'no connection',
    );
    return false;
  }
  return ctx.list.check(
    id,
    first === 0,
    expected,
    `a connection to ${names[first]} (${host}:${all[first]!.port})`,
  );
}
