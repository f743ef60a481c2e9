// Each deliberately broken implementation fails the checks it should, and only those; the correct
// Python implementations pass. Most fixtures are Python (what students hand in), stdlib only.
import { afterAll, describe, expect, it } from 'vitest';
import { stopAll } from '../scripts/proc.ts';
import { check, dump, failures, python, typescript } from './check-helpers.ts';

afterAll(stopAll);

const cases: { name: string; step: string; run: () => ReturnType<typeof check>; fails: string[] }[] = [
  { name: 'a correct Python server (06)', step: '6', run: () => check('6', python('chat_server_ii_6.py')), fails: [] },
  { name: 'a correct Python server checked as step 05', step: '5', run: () => check('5', python('chat_server_ii_6.py')), fails: [] },
  { name: 'a server that echoes to the sender', step: '5', run: () => check('5', python('server_echo.py')), fails: ['server.no-echo:fail'] },
  {
    name: 'an announcement with a trailing period (near miss)', step: '5', run: () => check('5', python('server_announce_period.py')),
    fails: ['server.join-self:near-miss', 'server.join-all:near-miss'],
  },
  { name: 'a server that takes any first message as a pseudo', step: '5', run: () => check('5', python('server_no_hello_check.py')), fails: ['server.bad-hello:fail'] },
  { name: 'a server silent on a reset', step: '6', run: () => check('6', python('server_silent_reset.py')), fails: ['server.leave-reset:fail'] },
  {
    name: 'a Node server that crashes on a reset', step: '6', run: () => check('6', typescript('test/fixtures/check/server_crash_on_reset.ts')),
    fails: ['server.leave-reset:fail', 'server.still-serving:fail', 'server.others-unaffected:fail'],
  },
  {
    name: 'a server that answers with its own address', step: '3', run: () => check('3', python('server_own_address.py')),
    fails: ['server.hello:fail', 'server.several:fail'],
  },
  { name: 'a correct Python client (06)', step: '6', run: () => check('6', python('chat_client_ii_6.py'), { role: 'client' }), fails: [] },
  { name: 'a client that never exits', step: '6', run: () => check('6', python('client_never_exits.py'), { role: 'client' }), fails: ['client.exits:fail'] },
  {
    name: 'a client that sends "hello|<pseudo>" (near miss)', step: '5', run: () => check('5', python('client_hello_lowercase.py'), { role: 'client' }),
    fails: ['client.hello-pseudo:near-miss'],
  },
  { name: 'a correct Python sync sleep', step: '1', run: () => check('1', python('sleep_and_print.py')), fails: [] },
  {
    name: 'a "sync" sleep that runs both counts at once', step: '1', run: () => check('1', python('sleep_concurrent.py'), { variant: 'sync' }),
    fails: ['sleep.order-sync:fail', 'sleep.duration-sync:fail'],
  },
  { name: 'the same script checked as the async one', step: '1', run: () => check('1', python('sleep_concurrent.py'), { variant: 'async' }), fails: [] },
  { name: 'a correct Python web_async_multiple', step: '2', run: () => check('2', python('web_async_multiple.py')), fails: [] },
  {
    name: 'a web_async_multiple that downloads one page after the other', step: '2',
    run: () => check('2', python('web_async_multiple_sequential.py')), fails: ['web.duration-async-multiple:fail'],
  },
  {
    name: 'a program that never listens', step: '5', run: () => check('5', ['python3', '-c', 'pass']),
    fails: ['server.listens', 'server.join-self', 'server.join-all', 'server.relay-pseudo', 'server.no-echo', 'server.bad-hello'].map((id) => `${id}:fail`),
  },
];

describe.concurrent('broken implementations fail exactly their checks', () => {
  it.each(cases)('$name (step $step)', async ({ run, fails }) => {
    const report = await run();
    expect(failures(report), dump(report)).toEqual(fails);
    expect(report.passed + report.failed).toBe(report.checks.length);
  });
});

describe('near misses are reported with what was seen', () => {
  it('shows the observed text and why it differs', async () => {
    const report = await check('5', python('server_announce_period.py'));
    const near = report.checks.find((c) => c.id === 'server.join-self')!;
    expect(near).toMatchObject({ status: 'near-miss', expected: 'Annonce : alice a rejoint la chatroom', seen: 'Annonce : alice a rejoint la chatroom.', note: 'trailing "."' });
  });
});
