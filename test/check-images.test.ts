// The checker on step 12 (images): each broken version of our files (a mutant made here) fails exactly the
// check it breaks; our step 11 programs (no image) and step 06 server (no frames) fail the image checks.
// That our own files pass is in check-steps.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { stopAll } from '../scripts/proc.ts';
import { check, dump, failures, typescript } from './check-helpers.ts';
import { mutant } from './mutants.ts';

afterAll(stopAll);

const SERVER = 'chat_server_iii_6.ts';
const CLIENT = 'chat_client_iii_6.ts';

const cases: { name: string; command: () => string[]; client?: boolean; fails: string[] }[] = [
  {
    name: 'a server that relays an image as a message',
    command: () => mutant(SERVER, ['type === IMAGE ? IMAGE_RELAY : RELAY', 'RELAY']),
    fails: ['image.relay:fail'],
  },
  {
    name: 'our step 11 server (no image)',
    command: () => typescript('steps/11-encodage/chat_server_iii_5.ts'),
    fails: ['framed.long:fail', 'image.relay:fail'], // it drops alice, the image's sender
  },
  {
    name: 'our step 06 server (plain text, no image)',
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
      'image.relay:fail',
    ],
  },
  {
    name: 'a client that sends an image in a MESSAGE frame',
    command: () => mutant(CLIENT, ['encodeFrame(IMAGE, image)', 'encodeFrame(MESSAGE, image)']),
    client: true,
    fails: ['image.sends:fail'],
  },
  {
    name: 'a client that does not look at the size',
    command: () => mutant(CLIENT, ['(await stat(path)).size > MAX_IMAGE', 'false']),
    client: true,
    fails: ['image.refused:fail'],
  },
  {
    name: 'a client that draws 200 columns when not in a terminal',
    command: () => mutant(CLIENT, ['process.stdout.columns || 80', 'process.stdout.columns || 200']),
    client: true,
    fails: ['image.shows:fail'],
  },
  {
    name: 'our step 11 client (no image)',
    command: () => typescript('steps/11-encodage/chat_client_iii_5.ts'),
    client: true,
    fails: ['image.sends:fail', 'image.refused:fail', 'image.shows:fail'],
  },
];

describe.concurrent('the checker on step 12', () => {
  it.each(cases)('$name', async ({ command, client, fails }) => {
    const report = await check('12', command(), {
      waitMs: 2_500,
      exitMs: 5_000,
      ...(client ? { role: 'client' } : {}),
    }); // generous: two shared cores
    expect(failures(report), dump(report)).toEqual(fails);
  });
});
