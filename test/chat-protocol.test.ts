// The lab's protocol, step by step, over real TCP: every exact string, who receives what, and who does not.
import { afterEach, describe, expect, it } from 'vitest';
import { closeConnections, connect, whileStopped } from './chat-helpers.ts';
import net from 'node:net';
import { once } from 'node:events';
import type { Proc } from '../scripts/proc.ts';
import { type WireClient, startChatServer } from '../scripts/chat-wire.ts';
import { freePort } from '../scripts/ports.ts';
import { startStepFile } from '../scripts/stepfile.ts';

afterEach(async () => {
  closeConnections();
});

function startClient(file: string, port: number): Proc {
  return startStepFile(file, { HOST: '127.0.0.1', PORT: String(port) });
}

/** Two pseudo'd clients that have both seen each other's arrival. */
async function pair(port: number): Promise<[WireClient, WireClient]> {
  const alice = await connect(port);
  await alice.send('Hello|alice\n');
  await alice.waitForLine('Annonce : alice a rejoint la chatroom');
  const bob = await connect(port);
  await bob.send('Hello|bob\n');
  await bob.waitForLine('Annonce : bob a rejoint la chatroom');
  await alice.waitForLine('Annonce : bob a rejoint la chatroom');
  return [alice, bob];
}

describe('every server', () => {
  it.each([
    'chat_server_ii_2.ts',
    'chat_server_ii_3.ts',
    'chat_server_ii_4.ts',
    'chat_server_ii_5.ts',
    'chat_server_ii_6.ts',
  ])('%s prints the address it listens on, the real port when asked for port 0', async (file) => {
    const { proc, port } = await startChatServer(file);
    expect(port).toBeGreaterThan(0);
    expect(proc.stdout.split('\n')[0]).toBe(`Serving on 127.0.0.1:${port}`);
  });
});

describe('every client, when the server cannot be reached', () => {
  it.each(['chat_client_ii_2.ts', 'chat_client_ii_3.ts', 'chat_client_ii_5.ts', 'chat_client_ii_6.ts'])(
    '%s prints one clear line and exits non-zero',
    async (file) => {
      const port = await freePort();
      const client = startClient(file, port);
      client.write('alice\n'); // from 05 on, the pseudo comes first, then the connection
      const exit = await client.waitExit();
      expect(exit.code).not.toBe(0);
      expect(client.stdout).toBe('');
      expect(client.stderr).toBe(
        `Erreur : impossible de parler au serveur 127.0.0.1:${port} (ECONNREFUSED)\n`,
      );
    },
  );
});

describe('03 · II.2 première version', () => {
  it('the server prints the message and answers "Hello IP:port", then closes', async () => {
    const { proc, port } = await startChatServer('chat_server_ii_2.ts');
    const client = await connect(port);
    await client.send('Hello');
    await client.waitForClose();
    expect(client.text).toBe(`Hello ${client.address}\n`);
    await proc.waitFor(`Received "Hello" from ${client.address}`);
  });

  it('the client says Hello, prints the answer and exits 0', async () => {
    const { proc, port } = await startChatServer('chat_server_ii_2.ts');
    const client = startClient('chat_client_ii_2.ts', port);
    expect((await client.waitExit()).code).toBe(0);
    expect(client.stdout).toMatch(/^Hello 127\.0\.0\.1:\d+\n$/);
    await proc.waitFor('Received "Hello" from 127.0.0.1:');
  });

  it('the client says so in one line, exit 1, when the server closes without answering', async () => {
    const silent = net.createServer((socket) => socket.end()).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const client = startClient('chat_client_ii_2.ts', (silent.address() as net.AddressInfo).port);
      expect((await client.waitExit()).code).toBe(1);
      expect(client.stdout).toBe('');
      expect(client.stderr).toMatch(
        /^Erreur : impossible de parler au serveur 127\.0\.0\.1:\d+ \(le serveur a fermé la connexion sans répondre\)\n$/,
      );
    } finally {
      silent.close();
    }
  });
});

describe('03 · II.3 client asynchrone', () => {
  it('the server prints every message as "Message received from IP:port : msg" and greets once', async () => {
    const { proc, port } = await startChatServer('chat_server_ii_3.ts');
    const client = await connect(port);
    await client.send('Hello\n');
    await client.waitForLine(`Hello ${client.address}`);
    await client.send('premier\ndeuxième\n');
    await proc.waitFor(
      `Message received from ${client.address} : Hello\nMessage received from ${client.address} : premier\nMessage received from ${client.address} : deuxième\n`,
    );
    expect(client.text).toBe(`Hello ${client.address}\n`);
  });

  it('clients do not see each other yet', async () => {
    const { proc, port } = await startChatServer('chat_server_ii_3.ts');
    const alice = await connect(port);
    const bob = await connect(port);
    await bob.send('Hello\n');
    await bob.waitForLine(`Hello ${bob.address}`);
    await alice.send('Hello\nsecret\n');
    await proc.waitFor(`Message received from ${alice.address} : secret`);
    await bob.send('ping\n');
    await proc.waitFor(`Message received from ${bob.address} : ping`);
    expect(bob.text).toBe(`Hello ${bob.address}\n`);
  });

  it('the client sends Hello, then each typed line, shows what arrives, and leaves cleanly at the end of its input', async () => {
    const { proc, port } = await startChatServer('chat_server_ii_3.ts');
    const client = startClient('chat_client_ii_3.ts', port);
    await client.waitFor(/^Hello 127\.0\.0\.1:(\d+)\n/);
    const address = `127.0.0.1:${client.stdout.match(/:(\d+)/)![1]}`;
    client.write('bonjour\nça va ?\n');
    await proc.waitFor(
      `Message received from ${address} : Hello\nMessage received from ${address} : bonjour\nMessage received from ${address} : ça va ?\n`,
    );
    client.endInput();
    expect((await client.waitExit()).code).toBe(0);
    expect(client.stderr).toBe('');
  });
});

describe('04 · II.4 chat fonctionnel', () => {
  it('a message reaches every other client as "IP:port a dit : msg", never its sender, once each', async () => {
    const { proc, port } = await startChatServer('chat_server_ii_4.ts');
    const [alice, bob, carol] = [await connect(port), await connect(port), await connect(port)];
    for (const client of [alice, bob, carol]) {
      await client.send('Hello\n');
      await client.waitForLine(`Hello ${client.address}`);
    }
    await alice.send('salut\n');
    await alice.send('encore\n');
    for (const other of [bob, carol]) {
      await other.waitForLine(`${alice.address} a dit : salut`);
      await other.waitForLine(`${alice.address} a dit : encore`);
    }
    // a fence: once alice has bob's later message, she would have her own if the server sent it back
    await bob.send('fin\n');
    await alice.waitForLine(`${bob.address} a dit : fin`);
    expect(alice.lines.filter((l) => l.startsWith(`${alice.address} a dit`))).toEqual([]);
    expect(bob.count(`${alice.address} a dit : salut`)).toBe(1); // in CLIENTS once, not once per message
    expect(carol.count(`${alice.address} a dit : encore`)).toBe(1);
    await proc.waitFor(`Message received from ${alice.address} : salut`);
  });
});

describe('05 · II.5 pseudos', () => {
  it('the newcomer and everyone else get "Annonce : <PSEUDO> a rejoint la chatroom"; messages become "<PSEUDO> a dit : msg"', async () => {
    const { port } = await startChatServer('chat_server_ii_5.ts');
    const [alice, bob] = await pair(port);
    expect(alice.lines).toEqual([
      'Annonce : alice a rejoint la chatroom',
      'Annonce : bob a rejoint la chatroom',
    ]);
    expect(bob.lines).toEqual(['Annonce : bob a rejoint la chatroom']);
    await alice.send('salut bob\n');
    await bob.waitForLine('alice a dit : salut bob');
    await bob.send('salut alice\n');
    await alice.waitForLine('bob a dit : salut alice');
    expect(alice.lines.some((l) => l.startsWith('alice a dit'))).toBe(false);
  });

  it('what follows the Hello on the same read, after its newline, is a message', async () => {
    const { port } = await startChatServer('chat_server_ii_5.ts');
    const alice = await connect(port);
    await alice.send('Hello|alice\n');
    await alice.waitForLine('Annonce : alice a rejoint la chatroom');
    const carol = await connect(port);
    await carol.send('Hello|carol\nbonjour\n');
    await alice.waitForLine('Annonce : carol a rejoint la chatroom');
    await alice.waitForLine('carol a dit : bonjour');
  });

  it("takes a Hello without end of line (the lab's Python client) at once, then its messages", async () => {
    const { port } = await startChatServer('chat_server_ii_5.ts');
    const [alice] = await pair(port);
    const it4 = await connect(port);
    await it4.send('Hello|it4');
    await it4.waitForLine('Annonce : it4 a rejoint la chatroom');
    await alice.waitForLine('Annonce : it4 a rejoint la chatroom');
    await it4.send('salut');
    await alice.waitForLine('it4 a dit : salut');
  });

  it.each([
    ['a bare Hello', 'Hello\n'],
    ['an empty pseudo', 'Hello|\n'],
    ['a blank pseudo', 'Hello|   \n'],
    ['another word', 'Bonjour|bob\n'],
    ['an HTTP request', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a bare Hello with no newline', 'Hello'],
    ['an empty pseudo with no newline', 'Hello|'],
    ['a blank pseudo with no newline', 'Hello|   '],
  ])('refuses %s as first message: one error line, closed, never announced nor relayed', async (_, first) => {
    const { proc, port } = await startChatServer('chat_server_ii_5.ts');
    const alice = await connect(port);
    await alice.send('Hello|alice\n');
    await alice.waitForLine('Annonce : alice a rejoint la chatroom');
    const intruder = await connect(port);
    await intruder.send(first);
    await intruder.waitForClose();
    expect(intruder.text).toBe('Erreur : le premier message doit être Hello|<PSEUDO>\n');
    await proc.waitFor(`Refused ${intruder.address}`);
    // a fence: a later arrival reaches alice, nothing about the intruder came before it
    const bob = await connect(port);
    await bob.send('Hello|bob\n');
    await alice.waitForLine('Annonce : bob a rejoint la chatroom');
    expect(alice.lines).toEqual([
      'Annonce : alice a rejoint la chatroom',
      'Annonce : bob a rejoint la chatroom',
    ]);
  });

  it('the client asks the pseudo first (blank lines asked again), sends exactly Hello|<PSEUDO>, then its lines', async () => {
    const { proc, port } = await startChatServer('chat_server_ii_5.ts');
    const watcher = await connect(port);
    await watcher.send('Hello|watcher\n');
    await watcher.waitForLine('Annonce : watcher a rejoint la chatroom');
    const client = startClient('chat_client_ii_5.ts', port);
    client.write('\n  \nit4\nsalut\n');
    await watcher.waitForLine('Annonce : it4 a rejoint la chatroom');
    await watcher.waitForLine('it4 a dit : salut');
    await client.waitFor('Annonce : it4 a rejoint la chatroom\n');
    await watcher.send('bienvenue\n');
    await client.waitFor('watcher a dit : bienvenue\n');
    client.endInput();
    expect((await client.waitExit()).code).toBe(0);
    expect(client.stdout).toBe('Annonce : it4 a rejoint la chatroom\nwatcher a dit : bienvenue\n');
    expect(proc.stdout).toMatch(/Message received from 127\.0\.0\.1:\d+ : salut\n/);
  });
});

describe('06 · II.6 déconnexion', () => {
  it.each([
    ['a clean close', (client: WireClient) => client.end()],
    ['a reset', (client: WireClient) => client.reset()],
  ])('a departure by %s is announced to the others exactly once', async (_, leave) => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    const [alice, bob] = await pair(port);
    const carol = await connect(port);
    await carol.send('Hello|carol\n');
    await bob.waitForLine('Annonce : carol a rejoint la chatroom');
    await alice.waitForLine('Annonce : carol a rejoint la chatroom');
    leave(bob);
    await alice.waitForLine('Annonce : bob a quitté la chatroom');
    await carol.waitForLine('Annonce : bob a quitté la chatroom');
    // a fence: a later message arrives after any duplicate would have
    await carol.send('encore là ?\n');
    await alice.waitForLine('carol a dit : encore là ?');
    expect(alice.count('Annonce : bob a quitté la chatroom')).toBe(1);
    expect(carol.count('Annonce : bob a quitté la chatroom')).toBe(1);
    // bob is out of CLIENTS: the room still works for the others
    await alice.send('oui\n');
    await carol.waitForLine('alice a dit : oui');
  });

  it('a client that half-closes still gets what was relayed to it in the same turn of the loop', async () => {
    const { proc, port } = await startChatServer('chat_server_ii_6.ts');
    const [alice, bob] = await pair(port);
    // bob's message and alice's end reach the server in one turn of its loop
    await whileStopped(proc.pid!, async () => {
      await bob.send('coucou\n');
      alice.end(); // she will not write any more, but still reads
      await once(alice.socket, 'finish');
    });
    await alice.waitForClose();
    expect(alice.lines).toContain('bob a dit : coucou');
  });

  it('a client that joins in the same turn of the loop as a message hears only what is said after it came', async () => {
    const { proc, port } = await startChatServer('chat_server_ii_6.ts');
    const carol = await connect(port); // first: the joins that follow make sure the server accepted her
    const [alice, bob] = await pair(port);
    // bob's message and carol's Hello reach the server in one turn of its loop
    await whileStopped(proc.pid!, async () => {
      await bob.send('avant\n');
      await carol.send('Hello|carol\n');
    });
    await alice.waitForLine('bob a dit : avant');
    await alice.waitForLine('Annonce : carol a rejoint la chatroom');
    await bob.send('après\n');
    await carol.waitForLine('bob a dit : après');
    // the server reads bob first, as a rule: then carol came after his message, and never gets it
    const cameAfter =
      alice.lines.indexOf('Annonce : carol a rejoint la chatroom') > alice.lines.indexOf('bob a dit : avant');
    expect(carol.lines).toEqual([
      'Annonce : carol a rejoint la chatroom',
      ...(cameAfter ? [] : ['bob a dit : avant']),
      'bob a dit : après',
    ]);
  });

  it('a connection that never said Hello, or was refused, leaves without an announcement', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    const [alice, bob] = await pair(port);
    const silent = await connect(port);
    const refused = await connect(port);
    await refused.send('nope\n');
    await refused.waitForClose();
    silent.end();
    await silent.waitForClose();
    await bob.send('fence\n');
    await alice.waitForLine('bob a dit : fence');
    expect(alice.lines).toEqual([
      'Annonce : alice a rejoint la chatroom',
      'Annonce : bob a rejoint la chatroom',
      'bob a dit : fence',
    ]);
  });

  it('stopping the server (SIGTERM) closes every client: each says so and exits 0', async () => {
    const { proc, port } = await startChatServer('chat_server_ii_6.ts');
    const idle = await connect(port); // never says Hello: must not keep the server alive
    const procs: Proc[] = [];
    for (const name of ['alice', 'bob', 'carol']) {
      const client = startClient('chat_client_ii_6.ts', port);
      client.write(`${name}\n`);
      await client.waitFor(`Annonce : ${name} a rejoint la chatroom`);
      procs.push(client);
    }
    proc.signal('SIGTERM');
    for (const client of procs) {
      expect((await client.waitExit()).code).toBe(0);
      expect(client.stdout).toMatch(/Le serveur a fermé la connexion\.\n$/);
      expect(client.stdout).not.toContain('a quitté'); // leaving because the server stops is not news
      expect(client.stderr).toBe('');
    }
    expect((await proc.waitExit()).code).toBe(0);
    await idle.waitForClose(); // a connection that has not said Hello yet is closed too
  });

  it('Ctrl+C on a client (SIGINT) closes its connection cleanly: exit 0, the others see it leave', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    const watcher = await connect(port);
    await watcher.send('Hello|watcher\n');
    const client = startClient('chat_client_ii_6.ts', port);
    client.write('dave\n');
    await watcher.waitForLine('Annonce : dave a rejoint la chatroom');
    client.signal('SIGINT');
    expect((await client.waitExit()).code).toBe(0);
    await watcher.waitForLine('Annonce : dave a quitté la chatroom');
    expect(client.stdout).toBe('Annonce : dave a rejoint la chatroom\n');
  });

  it('a server that resets the connection makes the client say so and exit non-zero', async () => {
    const net = await import('node:net');
    const server = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const client = startClient(
        'chat_client_ii_6.ts',
        (server.address() as import('node:net').AddressInfo).port,
      );
      client.write('eve\n');
      const exit = await client.waitExit();
      expect(exit.code).toBe(1);
      expect(client.stdout).toBe('Connexion perdue avec le serveur (ECONNRESET)\n');
    } finally {
      server.close();
    }
  });
});
