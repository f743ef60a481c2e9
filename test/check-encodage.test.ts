// The checker on step 11 (home-made encoding): each broken version of our files (a mutant made here) fails
// exactly the check it breaks; our step 06 programs (plain text) fail the bonus's checks. That our own files
// pass is in check-steps.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { stopAll } from '../scripts/proc.ts';
import { check, dump, failures, typescript } from './check-helpers.ts';
import { mutant } from './mutants.ts';

afterAll(stopAll);

const SERVER = 'chat_server_iii_5.ts';
const CLIENT = 'chat_client_iii_5.ts';

const cases: { name: string; command: () => string[]; client?: boolean; fails: string[] }[] = [
  {
    name: 'a server that announces arrivals in other words',
    command: () => mutant(SERVER, ['a rejoint la chatroom', 'est arrivé']),
    fails: ['framed.join:fail'],
  },
  {
    name: 'a server that relays the address instead of the pseudo',
    command: () => mutant(SERVER, ['withLength(Buffer.from(pseudo))', 'withLength(Buffer.from(address))']),
    fails: ['framed.relay:fail'],
  },
  {
    name: 'a server that relays a message to its sender too',
    command: () =>
      mutant(SERVER, [
        'broadcast(encodeFrame(RELAY, payload), address);',
        'broadcast(encodeFrame(RELAY, payload));',
      ]),
    fails: ['framed.no-echo:fail'],
  },
  {
    name: 'a server that takes one frame per read',
    command: () => mutant(SERVER, ['frame; frame = takeFrame(pending)', 'frame; frame = undefined']),
    fails: ['framed.whole:fail'],
  },
  {
    name: 'a server that announces departures in other words',
    command: () => mutant(SERVER, ['a quitté la chatroom', 'est parti']),
    fails: ['framed.leave:fail'],
  },
  {
    name: 'a server that ignores frames of an unknown type',
    command: () =>
      mutant(SERVER, [
        'if (type !== MESSAGE) throw new FrameError',
        'if (type !== MESSAGE) continue; new FrameError',
      ]),
    fails: ['framed.bad-frame:fail'],
  },
  {
    name: 'a server with no limit on a frame',
    command: () => mutant(SERVER, ['const MAX_FRAME = 2 * 1024 * 1024;', 'const MAX_FRAME = 2 ** 40;']),
    fails: ['framed.oversized:fail'],
  },
  {
    name: 'a server that accepts 64 KiB at most',
    command: () => mutant(SERVER, ['const MAX_FRAME = 2 * 1024 * 1024;', 'const MAX_FRAME = 64 * 1024;']),
    fails: ['framed.long:fail'],
  },
  {
    name: 'our step 06 server (plain text)',
    command: () => typescript('steps/06-deconnexion/chat_server_ii_6.ts'),
    fails: [
      'framed.join:fail',
      'framed.relay:fail',
      'framed.no-echo:not-judged',
      'framed.whole:fail',
      'framed.long:fail',
      'framed.bad-frame:fail',
      'framed.oversized:fail',
      'framed.leave:fail',
    ],
  },
  {
    name: 'a client whose Hello is a MESSAGE frame',
    command: () =>
      mutant(CLIENT, [
        'encodeFrame(HELLO, Buffer.from(pseudo))',
        'encodeFrame(MESSAGE, Buffer.from(pseudo))',
      ]),
    client: true,
    fails: ['framed.client-hello:fail'],
  },
  {
    name: 'a client that sends each line with its newline (near miss)',
    command: () => mutant(CLIENT, ['Buffer.from(line)', "Buffer.from(line + '\\n')"]),
    client: true,
    fails: ['framed.client-sends:near-miss'],
  },
  {
    name: 'a client that shows a relay as "<PSEUDO>: {msg}"',
    command: () => mutant(CLIENT, ['} a dit : $', '}: $']),
    client: true,
    fails: ['framed.client-prints:fail'],
  },
  {
    name: 'our step 06 client (plain text)',
    command: () => typescript('steps/06-deconnexion/chat_client_ii_6.ts'),
    client: true,
    fails: ['framed.client-hello:fail', 'framed.client-sends:fail', 'framed.client-prints:near-miss'],
  },
];

describe.concurrent('the checker on step 11', () => {
  it.each(cases)('$name', async ({ command, client, fails }) => {
    const report = await check('11', command(), {
      waitMs: 2_500,
      exitMs: 5_000,
      ...(client ? { role: 'client' } : {}),
    }); // generous: two shared cores
    expect(failures(report), dump(report)).toEqual(fails);
  });
});
