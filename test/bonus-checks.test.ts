// The checker on the bonus steps 13 (history) and 14 (rooms): our files pass every check they declare; each
// bonus check has a broken version of our own file (a mutant: one string replaced) that fails it and only it;
// and step 06, which lacks the bonus, fails the bonus's own checks.
import { describe, expect, it } from 'vitest';
import { stepCommand } from '../scripts/stepfile.ts';
import { check, dump, failures, type RunOptions } from './check-helpers.ts';
import { mutant } from './mutants.ts';

/** A step file, type-stripped and run with plain node: ten times faster to start than tsx. */
const fast = (file: string): string[] => stepCommand(file);

const server = { role: 'server' } as const;
const client = { role: 'client' } as const;
const SHOW_HISTORY = "if (line.startsWith('Historique : ')) showHistory(rl, line);\n        else ";
// Where the rooms mutants add a line that also sends `text` to the members of every other room.
const RELAY =
  'function relay(address: string, pseudo: string, room: string, messages: string[]): void {\n' +
  '  if (messages.length === 0) return;';
const CHOSEN = 'CLIENTS.get(address)!.room = room;';
const toOtherRooms = (text: string): string =>
  "for (const [a, c] of CLIENTS) if (c.room !== room && c.room !== '') " +
  `send({ bytes: Buffer.from(${text} + '\\n'), to: a });`;

const cases: { name: string; step: string; command: () => string[]; options: RunOptions; fails: string[] }[] =
  [
    {
      name: 'our history server',
      step: '13',
      command: () => fast('chat_server_iii_7.ts'),
      options: server,
      fails: [],
    },
    {
      name: 'our history client',
      step: '13',
      command: () => fast('chat_client_iii_7.ts'),
      options: client,
      fails: [],
    },
    {
      name: 'a history server that sends the history backwards',
      step: '13',
      command: () =>
        mutant('chat_server_iii_7.ts', [
          'JSON.stringify(HISTORY)}',
          'JSON.stringify([...HISTORY].reverse())}',
        ]),
      options: server,
      fails: ['history.in-order:fail'],
    },
    {
      name: 'a history server that never reads its file at start',
      step: '13',
      command: () => mutant('chat_server_iii_7.ts', ['await loadHistory();', '']),
      options: server,
      fails: ['history.restart:fail'],
    },
    {
      name: 'a history client that shows the history line as it came',
      step: '13',
      command: () => mutant('chat_client_iii_7.ts', [SHOW_HISTORY, '']),
      options: client,
      fails: ['history.client-shows:fail'],
    },
    {
      name: 'the 06 client, checked as a history client',
      step: '13',
      command: () => fast('chat_client_ii_6.ts'),
      options: client,
      fails: ['history.client-shows:fail'],
    },
    {
      name: 'the 06 server, checked as a history server',
      step: '13',
      command: () => fast('chat_server_ii_6.ts'),
      options: server,
      fails: ['history.in-order:fail', 'history.restart:fail'],
    },
    {
      name: 'our rooms server',
      step: '14',
      command: () => fast('chat_server_iii_8.ts'),
      options: server,
      fails: [],
    },
    {
      name: 'our rooms client',
      step: '14',
      command: () => fast('chat_client_iii_8.ts'),
      options: client,
      fails: [],
    },
    {
      name: 'a rooms server that relays messages to every room',
      step: '14',
      command: () =>
        mutant('chat_server_iii_8.ts', [
          RELAY,
          `${RELAY}\n${toOtherRooms("messages.map((m) => pseudo + ' a dit : ' + m).join('\\n')")}`,
        ]),
      options: server,
      fails: ['rooms.no-crossing:fail'],
    },
    {
      name: 'a rooms server that announces arrivals to every room',
      step: '14',
      command: () =>
        mutant('chat_server_iii_8.ts', [
          CHOSEN,
          `${CHOSEN}\n${toOtherRooms("'Annonce : ' + pseudo + ' a rejoint la chatroom'")}`,
        ]),
      options: server,
      fails: ['rooms.own-announcements:fail'],
    },
    {
      name: 'a rooms client that sends "Room|<NOM>"',
      step: '14',
      command: () => mutant('chat_client_iii_8.ts', ['socket.write(`Salon|', 'socket.write(`Room|']),
      options: client,
      fails: ['rooms.client-choice:fail'],
    },
    {
      name: 'the 06 server, checked as a rooms server',
      step: '14',
      command: () => fast('chat_server_ii_6.ts'),
      options: server,
      fails: ['rooms.no-crossing:fail', 'rooms.own-announcements:fail'],
    },
    {
      name: 'the 06 client, checked as a rooms client',
      step: '14',
      command: () => fast('chat_client_ii_6.ts'),
      options: client,
      fails: ['rooms.client-choice:fail'],
    },
  ];

describe.concurrent('the checker on the bonus steps 13 and 14', () => {
  it.each(cases)('$name fails exactly $fails', async ({ step, command, options, fails }) => {
    // generous waits: a wait for what comes ends when it comes, and the machine may be busy
    const report = await check(step, command(), { waitMs: 3_000, ...options });
    expect(failures(report), dump(report)).toEqual(fails);
  });
});
