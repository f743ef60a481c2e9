// Each deliberately broken implementation fails the checks it should, and only those; the correct
// Python implementations pass. Most fixtures are Python (what students hand in), stdlib only.
import { beforeAll, describe, expect, it } from 'vitest';
import { findStep } from '../scripts/steps.ts';
import { check, dump, failures, python, typescript } from './check-helpers.ts';

const cases: { name: string; step: string; run: () => ReturnType<typeof check>; fails: string[] }[] = [
  {
    name: 'a correct Python server (06)',
    step: '6',
    run: () => check('6', python('chat_server_ii_6.py')),
    fails: [],
  },
  {
    name: 'a correct Python server checked as step 05',
    step: '5',
    run: () => check('5', python('chat_server_ii_6.py')),
    fails: [],
  },
  {
    name: 'a server that echoes to the sender',
    step: '5',
    run: () => check('5', python('server_echo.py')),
    fails: ['server.no-echo:fail'],
  },
  {
    name: 'an announcement with a trailing period (near miss)',
    step: '5',
    run: () => check('5', python('server_announce_period.py')),
    fails: ['server.join-self:near-miss', 'server.join-all:near-miss'],
  },
  {
    name: 'a server that takes any first message as a pseudo',
    step: '5',
    run: () => check('5', python('server_no_hello_check.py')),
    fails: ['server.bad-hello:fail'],
  },
  {
    name: 'a server silent on a reset',
    step: '6',
    run: () => check('6', python('server_silent_reset.py')),
    fails: ['server.leave-reset:fail'],
  },
  {
    name: 'a Node server that crashes on a reset',
    step: '6',
    run: () => check('6', typescript('test/fixtures/check/server_crash_on_reset.ts')),
    fails: ['server.leave-reset:fail', 'server.still-serving:fail', 'server.others-unaffected:fail'],
  },
  {
    name: 'a server that answers with its own address',
    step: '3',
    run: () => check('3', python('server_own_address.py')),
    fails: ['server.hello:fail', 'server.several:fail', 'server.keeps-open:not-judged'],
  },
  {
    name: 'a correct Python client (06)',
    step: '6',
    run: () => check('6', python('chat_client_ii_6.py'), { role: 'client' }),
    fails: [],
  },
  {
    name: 'a client that never exits',
    step: '6',
    run: () => check('6', python('client_never_exits.py'), { role: 'client' }),
    fails: ['client.exits:fail'],
  },
  {
    name: 'a client that sends "hello|<pseudo>" (near miss)',
    step: '5',
    run: () => check('5', python('client_hello_lowercase.py'), { role: 'client' }),
    fails: ['client.hello-pseudo:near-miss'],
  },
  {
    name: 'a client that sends "Hello|<PSEUDO>\\n" (near miss: a lab server keeps the newline in the pseudo)',
    step: '6',
    run: () => check('6', python('client_hello_newline.py'), { role: 'client' }),
    fails: ['client.hello-pseudo:near-miss'],
  },
  {
    name: 'a correct Python sync sleep',
    step: '1',
    run: () => check('1', python('sleep_and_print.py')),
    fails: [],
  },
  {
    name: 'a "sync" sleep that runs both counts at once',
    step: '1',
    run: () => check('1', python('sleep_concurrent.py'), { variant: 'sync' }),
    fails: ['sleep.order-sync:fail', 'sleep.duration-sync:fail'],
  },
  {
    name: 'the same script checked as the async one',
    step: '1',
    run: () => check('1', python('sleep_concurrent.py'), { variant: 'async' }),
    fails: [],
  },
  {
    name: 'a correct Python web_async_multiple',
    step: '2',
    run: () => check('2', python('web_async_multiple.py')),
    fails: [],
  },
  {
    name: 'a web_async_multiple that downloads one page after the other',
    step: '2',
    run: () => check('2', python('web_async_multiple_sequential.py')),
    fails: ['web.duration-async-multiple:fail'],
  },
  {
    name: 'a correct Python server (03)',
    step: '3',
    run: () => check('3', python('chat_server_ii_3.py')),
    fails: [],
  },
  {
    name: 'a server that logs in French',
    step: '3',
    run: () => check('3', python('server_log_in_french.py')),
    fails: ['server.received-log:fail'],
  },
  {
    name: 'a correct Python server (04)',
    step: '4',
    run: () => check('4', python('chat_server_ii_4.py')),
    fails: [],
  },
  {
    name: 'a server that relays to one client only',
    step: '4',
    run: () => check('4', python('server_relay_to_one.py')),
    fails: ['server.relay-all:fail'],
  },
  {
    name: 'a server that relays without "a dit"',
    step: '5',
    run: () => check('5', python('server_relay_without_pseudo.py')),
    // its relays never match, so "no echo" and "no leak" cannot be judged
    fails: ['server.relay-pseudo:fail', 'server.no-echo:not-judged', 'server.bad-hello:not-judged'],
  },
  {
    name: 'a server silent on a clean close',
    step: '6',
    run: () => check('6', python('server_silent_close.py')),
    fails: ['server.leave-close:fail'],
  },
  {
    name: 'a correct Python client (ii_2)',
    step: '3',
    run: () => check('3', python('chat_client_ii_2.py'), { role: 'client' }),
    fails: [],
  },
  {
    name: 'an ii_2 client that stays after the answer',
    step: '3',
    run: () => check('3', python('client_ii_2_stays.py'), { role: 'client' }),
    fails: ['client.exits-after-answer:fail'],
  },
  {
    name: 'a client that sends "alice> <line>" (near miss)',
    step: '5',
    run: () => check('5', python('client_line_prefix.py'), { role: 'client' }),
    fails: ['client.sends-lines:near-miss'],
  },
  {
    name: 'a client that prints nothing it receives',
    step: '5',
    run: () => check('5', python('client_shows_nothing.py'), { role: 'client' }),
    fails: ['client.prints:fail'],
  },
  {
    name: 'a client that leaves without a word',
    step: '6',
    run: () => check('6', python('client_silent_exit.py'), { role: 'client' }),
    fails: ['client.exit-message:fail'],
  },
  {
    name: 'a client that crashes at once',
    step: '6',
    run: () => check('6', ['python3', '-c', 'raise SystemExit(3)'], { role: 'client' }),
    fails: [
      'client.connects',
      'client.hello-pseudo',
      'client.prints',
      'client.sends-lines',
      'client.exit-message',
      'client.exits',
    ].map((id) => `${id}:fail`),
  },
  {
    name: 'a count from 0 to 9',
    step: '1',
    run: () => check('1', python('sleep_zero_based.py')),
    fails: ['sleep.counts:fail', 'sleep.order-sync:fail'],
  },
  {
    name: 'the sync script checked as the async one',
    step: '1',
    run: () => check('1', python('sleep_and_print.py'), { variant: 'async' }),
    fails: ['sleep.order-async:fail', 'sleep.duration-async:fail'],
  },
  {
    name: 'web files named with their scheme',
    step: '2',
    run: () => check('2', python('web_keeps_scheme.py'), { variant: 'async-multiple' }),
    fails: ['web.files:fail', 'web.written-lines:fail'],
  },
  {
    name: 'a time line with one decimal and no period (near miss)',
    step: '2',
    run: () => check('2', python('web_time_line_rounded.py'), { variant: 'async-multiple' }),
    fails: ['web.time-line:near-miss'],
  },
  {
    name: 'a web script that exits with code 1',
    step: '2',
    run: () => check('2', python('web_exit_code.py'), { variant: 'async-multiple' }),
    fails: ['web.exit:fail'],
  },
  {
    name: 'the async web script checked as the sync one',
    step: '2',
    run: () => check('2', python('web_async_multiple.py'), { variant: 'sync-multiple' }),
    fails: ['web.duration-sync-multiple:fail'],
  },
  {
    name: 'an ii_2 client that sends "Hello !" (near miss)',
    step: '3',
    run: () => check('3', python('client_ii_2_hello_bang.py'), { role: 'client' }),
    fails: ['client.hello:near-miss'],
  },
  {
    name: 'a server that relays in English',
    step: '4',
    run: () => check('4', python('server_relay_in_english.py')),
    fails: ['server.relay:fail', 'server.relay-all:fail', 'server.no-echo:not-judged'],
  },
  { name: 'a correct Python web_sync', step: '2', run: () => check('2', python('web_sync.py')), fails: [] },
  {
    name: 'a web_sync that writes web_page.html',
    step: '2',
    run: () => check('2', python('web_sync_html.py'), { variant: 'sync' }),
    fails: ['web.file:fail', 'web.written-lines:near-miss'],
  },
  {
    name: 'a program that never listens',
    step: '5',
    run: () => check('5', ['python3', '-c', 'pass']),
    fails: [
      'server.listens',
      'server.join-self',
      'server.join-all',
      'server.relay-pseudo',
      'server.no-echo',
      'server.bad-hello',
    ].map((id) => `${id}:fail`),
  },
];

/** The runs that wait the longest (for messages that never come), started first. */
const SLOW = new Set([
  'a server that relays in English',
  'a server that relays without "a dit"',
  'a server that answers with its own address',
  'a client that never exits',
  'a server that relays to one client only',
  'an ii_2 client that stays after the answer',
  'a web_async_multiple that downloads one page after the other',
  'a server silent on a reset',
]);

// Most of a run is waiting (for a message that does not come, for a client that does not exit): all the
// runs start at once, ten at a time, and each test awaits its own.
const reports = new Map<string, ReturnType<typeof check>>();
beforeAll(() => {
  const limit = pool(8);
  // steps 01 and 02 are judged on durations: one at a time, beside the others, so that CPU stays free for them
  const timed = pool(1);
  const slowFirst = [...cases].sort((a, b) => Number(SLOW.has(b.name)) - Number(SLOW.has(a.name)));
  for (const { name, step, run } of slowFirst) {
    const report = (step === '1' || step === '2' ? timed : limit)(run);
    report.catch(() => undefined); // reported by its test
    reports.set(name, report);
  }
});

function pool(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (task) => {
    if (active >= size) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

// concurrent: each test only awaits the run beforeAll started (nothing of its own to stop after it)
describe.concurrent('broken implementations fail exactly their checks', () => {
  it.each(cases)('$name (step $step)', async ({ name, fails }) => {
    const report = await reports.get(name)!;
    expect(failures(report), dump(report)).toEqual(fails);
    // the report holds exactly the checks that step.json declares for that program, in their order
    const target = findStep(report.step).checks.find(
      (t) => t.role === (report.role ?? 'script') && (t.variant ?? null) === report.variant,
    );
    expect(report.checks.map((c) => c.id)).toEqual([...target!.checks, 'program.stops-everything']);
  });
});

describe('near misses are reported with what was seen', () => {
  it('shows the observed text and why it differs', async () => {
    const report = await check('5', python('server_announce_period.py'));
    const near = report.checks.find((c) => c.id === 'server.join-self')!;
    expect(near).toMatchObject({
      status: 'near-miss',
      expected: 'Annonce : alice a rejoint la chatroom',
      seen: 'Annonce : alice a rejoint la chatroom.',
      note: 'trailing "."',
    });
  });
});

describe.concurrent('a client Hello with a trailing newline', () => {
  it('is a near miss that says why: a lab server stores the newline in the pseudo', async () => {
    const name =
      'a client that sends "Hello|<PSEUDO>\\n" (near miss: a lab server keeps the newline in the pseudo)';
    const report = await reports.get(name)!;
    expect(report.checks.find((c) => c.id === 'client.hello-pseudo')).toMatchObject({
      status: 'near-miss',
      expected: 'Hello|alice',
      seen: 'Hello|alice\n',
      note: 'trailing "\\n" (a lab server stores it in the pseudo)',
    });
  });
});
