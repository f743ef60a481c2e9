// The lab's Python (reference/python/) passes every check of the checker: each file in its step and role.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { check, dump, failures, type RunOptions } from './check-helpers.ts';

// The web scripts need requests, aiohttp and aiofiles: Debian packages them for /usr/bin/python3 only.
const WEB_PYTHON = '/usr/bin/python3';
const INSTALL = 'sudo apt-get install python3-aiohttp python3-aiofiles python3-requests';
const webModules =
  spawnSync(WEB_PYTHON, ['-c', 'import aiofiles, aiohttp, requests'], { stdio: 'ignore' }).status === 0;
const skipWeb = !webModules && !process.env.CI;
const MISSING = `${WEB_PYTHON} lacks aiohttp/aiofiles/requests: ${INSTALL}`;
if (skipWeb) console.warn(`the Python reference's web scripts are skipped: ${MISSING}`);

const reference = (file: string, python = 'python3'): string[] => [python, `reference/python/${file}`];

const cases: [string, string, RunOptions][] = [
  // a longer pause than the other tests' 0.1 s: more room for a loaded machine's scheduling delays
  ['1', 'sleep_and_print.py', { delay: 0.2 }],
  ['1', 'sleep_and_print_async.py', { delay: 0.2 }],
  ['3', 'chat_server_ii_2.py', { role: 'server' }],
  ['3', 'chat_server_ii_3.py', { role: 'server' }],
  ['3', 'chat_client_ii_2.py', { role: 'client' }],
  ['3', 'chat_client_ii_3.py', { role: 'client' }],
  ['4', 'chat_server_ii_4.py', { role: 'server' }],
  ['4', 'chat_client_ii_3.py', { role: 'client' }],
  ['5', 'chat_server_ii_5.py', { role: 'server' }],
  ['5', 'chat_client_ii_5.py', { role: 'client' }],
  ['6', 'chat_server_ii_6.py', { role: 'server' }],
  ['6', 'chat_client_ii_6.py', { role: 'client' }],
];
const webCases = ['web_sync.py', 'web_async.py', 'web_sync_multiple.py', 'web_async_multiple.py'];

describe.concurrent('the Python reference passes every check', () => {
  it.each(cases)('step %s: %s', async (step, file, options) => {
    const report = await check(step, reference(file), options);
    expect(failures(report), dump(report)).toEqual([]);
    expect(report.checks.length).toBeGreaterThanOrEqual(3);
  });

  it.skipIf(skipWeb).each(webCases)(
    `step 2: %s (with ${WEB_PYTHON})${skipWeb ? ` skipped: ${MISSING}` : ''}`,
    async (file) => {
      const report = await check('2', reference(file, WEB_PYTHON));
      const hint = webModules ? '' : `${MISSING}\n`;
      expect(failures(report), hint + dump(report)).toEqual([]);
      expect(report.checks.length).toBeGreaterThanOrEqual(4);
    },
  );
});
