// 200 clients in one room, 10 of them sending 20 messages each: every other client gets every message,
// once, in order, and nobody gets their own. Raw sockets in the test process, one server process.
import { afterEach, describe, expect, it } from 'vitest';
import { type WireClient, connectMany, startChatServer } from '../scripts/chat-wire.ts';
import { closeConnections, track } from './chat-helpers.ts';

const CLIENTS = 200;
const SENDERS = 10;
const MESSAGES = 20;

let clients: WireClient[] = [];
afterEach(closeConnections);

describe.each([4, 5, 6])('chat_server_ii_%i under load', (v) => {
  it(`${CLIENTS} clients, ${SENDERS} senders × ${MESSAGES} messages: nothing lost, nothing doubled, nothing sent back`, async () => {
    const { proc } = await startChatServer(`chat_server_ii_${v}.ts`).then(async (server) => {
      clients = await connectMany(server.port, CLIENTS);
      track(...clients);
      return server;
    });
    const pseudos = v >= 5;
    const nameOf = (i: number): string => (pseudos ? `c${i}` : clients[i]!.address);

    // Everyone in the room first: each one's own welcome means the server counted it in.
    await Promise.all(clients.map((client, i) => client.send(pseudos ? `Hello|c${i}\n` : 'Hello\n')));
    await Promise.all(
      clients.map((client, i) =>
        client.waitForLine(
          pseudos ? `Annonce : c${i} a rejoint la chatroom` : `Hello ${client.address}`,
          1,
          20_000,
        ),
      ),
    );

    // Relayed messages, counted as they arrive (splitting every text on every chunk would be quadratic).
    const received = clients.map(() => [] as string[]);
    const allIn = clients.map((client, i) => {
      const expected = (i < SENDERS ? SENDERS - 1 : SENDERS) * MESSAGES;
      let partial = '';
      return new Promise<void>((resolve) => {
        const onData = (chunk: string): void => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop()!;
          for (const line of lines) if (line.includes(' a dit : m-')) received[i]!.push(line);
          if (received[i]!.length >= expected) {
            client.socket.off('data', onData);
            resolve();
          }
        };
        client.socket.on('data', onData);
      });
    });

    for (let k = 0; k < MESSAGES; k++) {
      await Promise.all(clients.slice(0, SENDERS).map((client, s) => client.send(`m-${s}-${k}\n`)));
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const short = received
          .map((r, i) => [i, r.length] as const)
          .filter(([i, n]) => n < (i < SENDERS ? SENDERS - 1 : SENDERS) * MESSAGES);
        reject(
          new Error(
            `messages missing after 20 s for ${short.length} clients, e.g. ${JSON.stringify(short.slice(0, 5))}`,
          ),
        );
      }, 20_000);
    });
    await Promise.race([Promise.all(allIn), timeout]).finally(() => clearTimeout(timer));

    let total = 0;
    for (const [i, lines] of received.entries()) {
      const expected: string[] = [];
      for (let s = 0; s < SENDERS; s++) {
        if (s === i) continue;
        for (let k = 0; k < MESSAGES; k++) expected.push(`${nameOf(s)} a dit : m-${s}-${k}`);
      }
      // per sender, in the order sent; senders interleave freely
      const bySender = (list: string[]): string[] => [...list].sort((a, b) => senderOf(a) - senderOf(b));
      expect(bySender(lines)).toEqual(bySender(expected));
      total += lines.length;
    }
    expect(total).toBe((CLIENTS - SENDERS) * SENDERS * MESSAGES + SENDERS * (SENDERS - 1) * MESSAGES);
    expect(proc.exit).toBeUndefined();
  }, 45_000);
});

/** The sender number in `… a dit : m-<sender>-<k>` (a stable sort keeps each sender's order). */
function senderOf(line: string): number {
  return Number(line.slice(line.lastIndexOf('m-') + 2).split('-')[0]);
}
