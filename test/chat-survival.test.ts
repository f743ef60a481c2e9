// Every chat server outlives whatever one client does (Node would stop the whole process on an unhandled
// socket 'error'), and keeps serving the others: one test per server and per misbehaviour.
import { afterEach, describe, expect, it } from 'vitest';
import { closeConnections, connect, track } from './chat-helpers.ts';
import { type WireClient, connectMany, startChatServer, type ChatServer } from '../scripts/chat-wire.ts';

afterEach(async () => {
  closeConnections();
});

type Version = 2 | 3 | 4 | 5 | 6;
const VERSIONS: Version[] = [2, 3, 4, 5, 6];
const withPseudo = (v: Version): boolean => v >= 5;

/** What a client sends first, so that the server counts it in (its pseudo from 05 on). */
function firstMessage(v: Version, name: string): string {
  return withPseudo(v) ? `Hello|${name}\n` : 'Hello\n';
}

/** The line that tells a client it was counted in. */
function welcome(v: Version, client: WireClient, name: string): string {
  return withPseudo(v) ? `Annonce : ${name} a rejoint la chatroom` : `Hello ${client.address}`;
}

/**
 * A client in the room if the server has one (from 04 on): the witness connected before the trouble, who
 * must see everything go on after it, or the trouble-maker itself.
 */
async function joined(v: Version, port: number, name: string): Promise<WireClient> {
  const client = await connect(port);
  if (v >= 4) {
    await client.send(firstMessage(v, name));
    await client.waitForLine(welcome(v, client, name));
  }
  return client;
}

/** After the trouble: the server still answers the witness and a newcomer, and relays between them. */
async function stillServes(v: Version, server: ChatServer, old: WireClient): Promise<void> {
  const fresh = await connect(server.port);
  if (v <= 3) {
    for (const client of [old, fresh]) {
      await client.send('Hello\n');
      await client.waitForLine(`Hello ${client.address}`);
    }
  } else {
    await fresh.send(firstMessage(v, 'fresh'));
    if (withPseudo(v)) await old.waitForLine('Annonce : fresh a rejoint la chatroom');
    await fresh.send('ping\n');
    await old.waitForLine(`${withPseudo(v) ? 'fresh' : fresh.address} a dit : ping`);
  }
  expect(server.proc.exit).toBeUndefined();
}

describe.each(VERSIONS)('chat_server_ii_%i survives', (v) => {
  const file = `chat_server_ii_${v}.ts`;

  it('a client that resets its connection abruptly', async () => {
    const server = await startChatServer(file);
    const old = await joined(v, server.port, 'witness');
    const rude = await joined(v, server.port, 'rude');
    if (v !== 2) {
      await rude.send('à moitié\nsans fin'); // a line, then the start of another one
      await server.proc.waitFor(`Message received from ${rude.address} : à moitié`);
    }
    rude.reset();
    // the reset reaches the server before the newcomer's connection does: checking it is checking after the reset
    if (v === 6) await old.waitForLine('Annonce : rude a quitté la chatroom');
    await stillServes(v, server, old);
  });

  it('invalid UTF-8 and binary garbage', async () => {
    const server = await startChatServer(file);
    const old = await joined(v, server.port, 'witness');
    const noisy = await joined(v, server.port, 'noisy');
    const garbage = Buffer.from([
      0xff, 0xfe, 0xc3, 0x28, 0x00, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x90, 0x28, 0xbc, 0x0a,
    ]);
    await new Promise<void>((resolve) =>
      noisy.socket.write(Buffer.concat([garbage, garbage, Buffer.from('\n')]), () => resolve()),
    );
    await server.proc.waitFor(
      v === 2 ? `from ${noisy.address}` : `Message received from ${noisy.address} : \uFFFD`,
    );
    await stillServes(v, server, old);
  });

  it('a 1 MiB message', async () => {
    const server = await startChatServer(file);
    const old = await joined(v, server.port, 'witness');
    const big = await joined(v, server.port, 'big');
    await big.send(`${'x'.repeat(1024 * 1024)}\nfin\n`);
    if (v === 2) await big.waitForClose();
    else await server.proc.waitFor(`Message received from ${big.address} : fin\n`);
    if (v >= 4) await old.waitForLine(`${withPseudo(v) ? 'big' : big.address} a dit : fin`);
    await stillServes(v, server, old);
  });

  it('a client that connects and never sends anything', async () => {
    const server = await startChatServer(file);
    const old = await joined(v, server.port, 'witness');
    const idle = await connect(server.port);
    await stillServes(v, server, old);
    expect(idle.ended).toBe(false);
  });

  it('hundreds of clients at once (300)', async () => {
    const server = await startChatServer(file);
    const old = await joined(v, server.port, 'witness');
    const crowd = await connectMany(server.port, 300);
    track(...crowd);
    await Promise.all(crowd.map((client, i) => client.send(firstMessage(v, `c${i}`))));
    await Promise.all(crowd.map((client, i) => client.waitForLine(welcome(v, client, `c${i}`))));
    await stillServes(v, server, old);
  });

  if (withPseudo(v)) {
    it('a bad first message', async () => {
      const server = await startChatServer(file);
      const old = await joined(v, server.port, 'witness');
      const bad = await connect(server.port);
      await bad.send('pas de hello ici\n');
      await bad.waitForClose();
      expect(bad.text).toBe('Erreur : le premier message doit être Hello|<PSEUDO>\n');
      await stillServes(v, server, old);
      expect(old.text).not.toContain('hello ici');
    });
  }
});
