// Our own steps pass every check of the checker: one test per step and role (and per version of a step).
import { afterAll, describe, expect, it } from 'vitest';
import { stopAll } from '../scripts/proc.ts';
import { check, dump, failures, typescript } from './check-helpers.ts';
import type { RunOptions } from './check-helpers.ts';

afterAll(stopAll);

const cases: [string, string, RunOptions][] = [
  ['1', 'steps/01-sleep/sleep_and_print.ts', {}],
  ['1', 'steps/01-sleep/sleep_and_print_async.ts', {}],
  ['2', 'steps/02-web/web_sync.ts', {}],
  ['2', 'steps/02-web/web_async.ts', {}],
  ['2', 'steps/02-web/web_sync_multiple.ts', {}],
  ['2', 'steps/02-web/web_async_multiple.ts', {}],
  ['3', 'steps/03-premiere-version/chat_server_ii_2.ts', { role: 'server' }],
  ['3', 'steps/03-premiere-version/chat_server_ii_3.ts', { role: 'server' }],
  ['3', 'steps/03-premiere-version/chat_client_ii_2.ts', { role: 'client' }],
  ['3', 'steps/03-premiere-version/chat_client_ii_3.ts', { role: 'client' }],
  ['4', 'steps/04-chat-fonctionnel/chat_server_ii_4.ts', { role: 'server' }],
  ['4', 'steps/03-premiere-version/chat_client_ii_3.ts', { role: 'client' }],
  ['5', 'steps/05-pseudos/chat_server_ii_5.ts', { role: 'server' }],
  ['5', 'steps/05-pseudos/chat_client_ii_5.ts', { role: 'client' }],
  ['6', 'steps/06-deconnexion/chat_server_ii_6.ts', { role: 'server' }],
  ['6', 'steps/06-deconnexion/chat_client_ii_6.ts', { role: 'client' }],
];

describe.concurrent('our steps pass every check', () => {
  it.each(cases)('step %s: %s', async (step, file, options) => {
    const report = await check(step, typescript(file), { waitMs: 1_000, ...options });
    expect(failures(report), dump(report)).toEqual([]);
    expect(report.checks.length).toBeGreaterThanOrEqual(3);
  });
});
