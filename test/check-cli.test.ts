// The checker's command line: arguments, one-line errors (exit 2), the closing line, --json, Ctrl+C.
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTs } from '../scripts/proc.ts';
import { ROOT } from '../scripts/steps.ts';
import { assertOptionsReachedUs, parseArgs } from '../scripts/check.ts';
import { runCheck } from '../scripts/check/run.ts';
import { UsageError } from '../scripts/cli.ts';
import { FIXTURES } from './check-helpers.ts';

const CHECK = join(ROOT, 'scripts', 'check.ts');

async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = startTs(CHECK, args, { cwd: ROOT, env: { NO_COLOR: '1' } });
  const exit = await proc.waitExit(25_000);
  return { code: exit.code, stdout: proc.stdout, stderr: proc.stderr };
}

describe('parseArgs', () => {
  it('reads the step, the options and the command after "--"', () => {
    const { options, json } = parseArgs(
      ['05', '--role', 'client', '--port=9000', '--json', '--', 'python3', 'c.py', '--port', '1'],
      '/tmp',
    );
    expect(options).toMatchObject({
      role: 'client',
      host: '127.0.0.1',
      port: 9000,
      command: ['python3', 'c.py', '--port', '1'],
      cwd: '/tmp',
    });
    expect(options.step.id).toBe('05-pseudos');
    expect(json).toBe(true);
  });

  it('takes the command from the rest when npm ate the "--", and folders relative to where npm was run', () => {
    const { options } = parseArgs(
      ['05-pseudos', '--cwd', 'rendus/dupont', 'python3', 'chat_server_ii_5.py'],
      '/home/prof',
    );
    expect(options.command).toEqual(['python3', 'chat_server_ii_5.py']);
    expect(options.cwd).toBe('/home/prof/rendus/dupont');
    expect(options.port).toBe(8888);
  });
});

describe('bad input: a usage error with one clear line', () => {
  it('says so when npm kept the options for itself (no "--" after "npm run check")', () => {
    expect(() => assertOptionsReachedUs({ npm_lifecycle_event: 'check', npm_config_role: 'true' })).toThrow(
      /^npm kept --role for itself: write "npm run check -- <step>/,
    );
    expect(() => assertOptionsReachedUs({ npm_lifecycle_event: 'check' })).not.toThrow();
    expect(() => assertOptionsReachedUs({ npm_config_role: 'true' })).not.toThrow(); // not run by npm run check
  });

  it.each([
    [['5', '--bogus', '--', 'x'], /^unknown option --bogus; usage: npm run check/],
    [['5'], /^no command to check/],
    [['--', 'python3', 'x.py'], /^which step\?/],
    [['99', '--', 'x'], /^unknown step "99"; steps are 01-sleep, /],
    [['5', '--role', 'serveur', '--', 'x'], /^--role is server, client or script, not "serveur"$/],
    [['5', '--port', 'abc', '--', 'x'], /^--port needs an integer ≥ 0, not "abc"$/],
    [['5', '--port', '70000', '--', 'x'], /^--port is 0–65535, not 70000$/],
    [['5', '--wait'], /^--wait needs a value/],
  ])('%j', (args, message) => {
    expect(() => parseArgs(args)).toThrow(UsageError);
    expect(() => parseArgs(args)).toThrow(message);
  });

  it.each([
    [['1', '--role', 'server', '--', 'x'], /^step 01-sleep has no server to check; its roles: script$/],
    [
      ['1', '--variant', 'fast', '--', 'x'],
      /^--variant for step 01-sleep is one of async, sync, not "fast"$/,
    ],
    [['5', '--variant', 'ii_2', '--', 'x'], /^step 05-pseudos has no variants; drop --variant$/],
  ])('%j', async (args, message) => {
    await expect(runCheck(parseArgs(args).options)).rejects.toThrow(message);
  });

  it.concurrent.each([
    [['5', '--bogus', '--', 'x'], /^error: unknown option --bogus; usage: npm run check/],
    [
      ['5', '--port', '0', '--', 'python4-nowhere', 'x.py'],
      /^error: cannot run "python4-nowhere": command not found$/,
    ],
  ])('from the command line: %j exits 2 with one line, no stack trace', async (args, message) => {
    const { code, stdout, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('--help prints the usage on standard output and exits 0', async () => {
    const { code, stdout, stderr } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: npm run check -- <step> /);
    expect(stderr).toBe('');
  });
});

describe.concurrent('a run', () => {
  it('prints a checklist and the closing line; exit 0 when everything passes', async () => {
    const { code, stdout } = await cli([
      '1',
      '--delay',
      '0.02',
      '--',
      'python3',
      join(FIXTURES, 'sleep_and_print.py'),
    ]);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Checking step 01-sleep · sync · python3 /);
    expect(lines.slice(1, -1).every((line) => line.startsWith('✓ '))).toBe(true);
    expect(lines.at(-1)).toBe('4 passed, 0 failed'); // the script's 3, and it left nothing running
    expect(code).toBe(0);
  });

  it('--json: the same results for a grading script; exit 1 when something fails', async () => {
    const { code, stdout } = await cli([
      '5',
      '--port',
      '0',
      '--wait',
      '1',
      '--json',
      '--',
      'python3',
      join(FIXTURES, 'server_announce_period.py'),
    ]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ step: '05-pseudos', role: 'server', variant: null, passed: 5, failed: 2 });
    expect(report.command).toEqual(['python3', join(FIXTURES, 'server_announce_period.py')]);
    expect(report.checks[1]).toEqual({
      id: 'server.join-self',
      title: 'the newcomer receives "Annonce : <PSEUDO> a rejoint la chatroom"',
      status: 'near-miss',
      category: 'lab',
      expected: 'Annonce : alice a rejoint la chatroom',
      seen: 'Annonce : alice a rejoint la chatroom.',
      note: 'trailing "."',
    });
    expect(report.program.stdout).toContain('Serving on');
  });

  it.each(['server', 'client'])(
    'refuses to check when something already listens on the port (%s role): the same line',
    async (role) => {
      const busy = net.createServer().listen(0, '127.0.0.1');
      await once(busy, 'listening');
      const { port } = busy.address() as net.AddressInfo;
      try {
        const program = join(FIXTURES, `chat_${role}_ii_6.py`);
        const { code, stderr } = await cli([
          '6',
          '--role',
          role,
          '--port',
          String(port),
          '--',
          'python3',
          program,
        ]);
        expect(code).toBe(2);
        expect(stderr.trim()).toBe(
          `error: something already listens on 127.0.0.1:${port} (a server left running?); stop it or pass --port`,
        );
      } finally {
        busy.close();
      }
    },
  );

  it('Ctrl+C stops the program under test too', async () => {
    const marker = `tp6-check-marker-${process.pid}-${Date.now()}`;
    const running = (): boolean =>
      readdirSync('/proc').some((pid) => {
        if (!/^\d+$/.test(pid)) return false;
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          return cmdline.includes(marker) && !cmdline.includes('check.ts'); // the program, not the checker
        } catch {
          return false;
        }
      });
    const checker = startTs(
      CHECK,
      ['5', '--port', '0', '--', 'python3', '-c', 'import time; time.sleep(60)', marker],
      { cwd: ROOT },
    );
    for (let i = 0; !running(); i++) {
      expect(i, 'the program never started').toBeLessThan(200);
      await new Promise((resolve) => setTimeout(resolve, 50)); // polling /proc: there is no event to wait on
    }
    process.kill(checker.pid!, 'SIGINT');
    const exit = await checker.waitExit(10_000);
    expect(exit.code).toBe(130);
    expect(running()).toBe(false);
  });
});
