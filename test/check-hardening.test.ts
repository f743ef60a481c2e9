// A hostile program cannot fool the checker or outlive it: a detached grandchild is found and killed, a flood
// of output is a verdict and not a crash, terminal escapes on stderr are shown harmlessly, and silence does
// not pass the "does not" checks.
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { KEPT_OUTPUT } from '../scripts/proc.ts';
import { renderText } from '../scripts/check/report.ts';
import { isListening } from '../scripts/check/tcp.ts';
import { check, dump, failures, python } from './check-helpers.ts';
import { processesWith } from './helpers.ts';

describe.concurrent('the checker against hostile programs', () => {
  it('a server that hides in a detached grandchild fails "stops everything", and the grandchild is killed', async () => {
    const marker = `tp6-detached-${randomUUID()}`; // in the grandchild's command line too
    const report = await check('6', python('server_detached.py', marker));
    expect(failures(report), dump(report)).toEqual(['program.stops-everything:fail']);
    expect(processesWith(marker)).toEqual([]);
    const stop = report.checks.find((c) => c.id === 'program.stops-everything')!;
    expect(stop).toMatchObject({
      category: 'robustness',
      seen: expect.stringMatching(/^\d+ of its processes still running$/),
    });
    const port = Number(report.address!.split(':')[1]);
    expect(await isListening('127.0.0.1', port)).toBe(false);
    expect(renderText(report)).toMatch(/\(the failure is a robustness check, beyond the lab\)\n$/);
  });

  it('a server that also clears its environment (setsid, env -i) is found through its parents, and killed', async () => {
    const marker = `tp6-env-cleared-${randomUUID()}`;
    const report = await check('6', python('server_env_cleared.py', marker));
    expect(failures(report), dump(report)).toEqual(['program.stops-everything:fail']);
    expect(processesWith(marker)).toEqual([]);
    const port = Number(report.address!.split(':')[1]);
    expect(await isListening('127.0.0.1', port)).toBe(false);
  });

  it('600 MB on stdout: a verdict with the last MiB kept, not a crash', async () => {
    const flood = 'import sys\nchunk = "x" * (1 << 20)\nfor _ in range(600): sys.stdout.write(chunk)\n';
    const report = await check('5', ['python3', '-c', flood]);
    expect(report.checks[0]).toMatchObject({ id: 'server.listens', status: 'fail' });
    expect(report.program!.stdout.length).toBeLessThanOrEqual(2 * KEPT_OUTPUT);
    expect(report.program!.stdout.length).toBeGreaterThan(0);
  });

  it("a program's terminal escapes are shown, never sent to the teacher's terminal", async () => {
    const forge =
      'import sys\nsys.stderr.write("\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\u202e10 passed, 0 failed\\n")\n';
    const report = await check('5', ['python3', '-c', forge]);
    const text = renderText(report);
    expect(text).not.toMatch(/[\x1b\x07\u202e]/);
    expect(text).toContain('\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\u202e10 passed, 0 failed');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^1 passed, 6 failed/); // stops cleanly, and that is all
  });

  it('a server that never answers passes no "does not" check: they are not judged', async () => {
    const report = await check('6', python('server_silent.py'));
    const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    expect(status).toMatchObject({
      'server.listens': 'pass',
      'server.join-self': 'fail',
      'server.no-echo': 'not-judged',
      'server.bad-hello': 'not-judged',
      'program.stops-everything': 'pass',
    });
    expect(report.passed).toBe(2);
    expect(renderText(report)).toMatch(/^– does not send a message back to its sender — not judged: /m);
  });

  it('a Python web script without its libraries: the note says how to install them', async () => {
    const script = 'import aiohttp\n';
    const report = await check('2', ['python3', '-I', '-S', '-c', script], { variant: 'async' });
    const exit = report.checks.find((c) => c.id === 'web.exit')!;
    expect(exit.status).toBe('fail');
    expect(exit.note).toBe(
      'Python has no "aiohttp": sudo apt-get install python3-aiohttp python3-aiofiles python3-requests, then run it with /usr/bin/python3',
    );
  });
});
