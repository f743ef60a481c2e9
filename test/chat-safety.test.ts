// Safe in a classroom, over real TCP: text from the network shown harmlessly, pseudos that cannot pass for
// someone else, the limits of 06 (Hello deadline, connection cap, message size), whole lines, and the
// wire as the lab writes it (a client's Hello is exactly `Hello|<PSEUDO>`, answered at once).
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeConnections, connect } from './chat-helpers.ts';
import { expectOneLineError } from './helpers.ts';
import { stopAll } from '../scripts/proc.ts';
import { type WireClient, startChatServer } from '../scripts/chat-wire.ts';
import { startStepFile } from '../scripts/stepfile.ts';

afterEach(async () => {
  closeConnections();
  await stopAll();
});

const BAD_PSEUDO = 'Erreur : le pseudo doit avoir de 1 à 32 caractères, sans | ni : ni caractère de contrôle';

/** A raw client that joined as `pseudo` (its own announcement seen). */
async function joined(port: number, pseudo: string): Promise<WireClient> {
  const client = await connect(port);
  await client.send(`Hello|${pseudo}\n`);
  await client.waitForLine(`Annonce : ${pseudo} a rejoint la chatroom`);
  return client;
}

describe('every chat server and client refuses PORT=abc in one line', () => {
  it.each([
    'chat_server_ii_2.ts',
    'chat_server_ii_3.ts',
    'chat_server_ii_4.ts',
    'chat_server_ii_5.ts',
    'chat_server_ii_6.ts',
    'chat_client_ii_2.ts',
    'chat_client_ii_3.ts',
    'chat_client_ii_5.ts',
    'chat_client_ii_6.ts',
  ])('%s', async (file) => {
    const proc = startStepFile(file, { HOST: '127.0.0.1', PORT: 'abc' });
    proc.endInput();
    await expectOneLineError(proc, 2, /^Erreur : PORT=abc n'est pas un numéro de port$/);
  });
});

describe.each(['chat_server_ii_3.ts', 'chat_server_ii_4.ts', 'chat_server_ii_5.ts', 'chat_server_ii_6.ts'])(
  '%s, its console',
  (file) => {
    it('shows what a client sends harmlessly: escapes, bidi and invisible characters made visible', async () => {
      const { proc, port } = await startChatServer(file);
      const client = await connect(port);
      await client.send(file.includes('_ii_5') || file.includes('_ii_6') ? 'Hello|eve\n' : 'Hello\n');
      await client.send('hi\x1b[2J\x1b[H\u202egnp.exe\u200b\x7f\x85 fin\n');
      await proc.waitFor(' fin\n');
      expect(proc.stdout).toContain(' : hi\\x1b[2J\\x1b[H\\u202egnp.exe\\u200b\\x7f\\x85 fin\n');
      expect(proc.stdout).not.toMatch(/[\x1b\u202e\u200b\x7f\x85]/);
    });
  },
);

it('chat_server_ii_2.ts, its console, shows what a client sends harmlessly', async () => {
  const { proc, port } = await startChatServer('chat_server_ii_2.ts');
  const client = await connect(port);
  await client.send('Hello\x1b]0;pwned\x07');
  await client.waitForClose();
  expect(proc.stdout).toContain('Received "Hello\\x1b]0;pwned\\x07" from');
});

describe.each(['chat_server_ii_5.ts', 'chat_server_ii_6.ts'])(
  '%s: pseudos that cannot impersonate',
  (file) => {
    it('refuses a pseudo with \\r and an escape, bidi or zero-width characters, a | or a :, 33 characters, or a Hello over 1 KiB: the error line, closed, never heard of', async () => {
      const { proc, port } = await startChatServer(file);
      const alice = await joined(port, 'alice');
      const pseudos = [
        'z\rbob\x1b[K',
        'bob\u202e',
        'b\u200bob',
        'bob|admin',
        'Annonce : admin',
        'b'.repeat(33),
        `${' '.repeat(2000)}bob`,
      ];
      for (const pseudo of pseudos) {
        const intruder = await connect(port);
        await intruder.send(`Hello|${pseudo}\n`);
        await intruder.waitForClose();
        expect(intruder.text, JSON.stringify(pseudo)).toBe(`${BAD_PSEUDO}\n`);
        await proc.waitFor(`Refused ${intruder.address}`);
      }
      await joined(port, 'carol'); // a fence: a later arrival reaches alice, nothing about the intruders before it
      await alice.waitForLine('Annonce : carol a rejoint la chatroom');
      expect(alice.lines).toEqual([
        'Annonce : alice a rejoint la chatroom',
        'Annonce : carol a rejoint la chatroom',
      ]);
      expect(proc.stdout).not.toMatch(/[\r\x1b\u202e\u200b]/);
    });

    it('takes a pseudo of 32 characters, and accents', async () => {
      const { port } = await startChatServer(file);
      await joined(port, 'é'.repeat(32));
    });

    it('refuses a 1 MB Hello at once, closed, never relayed', async () => {
      const { port } = await startChatServer(file);
      const alice = await joined(port, 'alice');
      const intruder = await connect(port);
      intruder.send(`Hello|${'x'.repeat(1024 * 1024)}\n`).catch(() => {}); // it may be reset mid-send
      await intruder.waitForClose();
      await joined(port, 'carol');
      await alice.waitForLine('Annonce : carol a rejoint la chatroom');
      expect(alice.lines).toHaveLength(2);
    });

    it('refuses a pseudo already used by a connected client: "Erreur : le pseudo alice est déjà pris"', async () => {
      const { port } = await startChatServer(file);
      const alice = await joined(port, 'alice');
      const other = await connect(port);
      await other.send('Hello|alice');
      await other.waitForClose();
      expect(other.text).toBe('Erreur : le pseudo alice est déjà pris\n');
      await joined(port, 'bob');
      await alice.waitForLine('Annonce : bob a rejoint la chatroom');
      expect(alice.lines).toEqual([
        'Annonce : alice a rejoint la chatroom',
        'Annonce : bob a rejoint la chatroom',
      ]);
    });

    it("takes a Hello without newline (the lab's client) at once, and what follows its newline as messages", async () => {
      const { port } = await startChatServer(file);
      const alice = await joined(port, 'alice');
      const it4 = await connect(port);
      const sent = Date.now();
      await it4.send('Hello|it4');
      await it4.waitForLine('Annonce : it4 a rejoint la chatroom');
      expect(Date.now() - sent).toBeLessThan(150); // no fixed pause before the answer
      const carol = await connect(port);
      await carol.send('Hello|carol\nbonjour\n');
      await alice.waitForLine('carol a dit : bonjour');
    });
  },
);

describe('chat_server_ii_6.ts: limits and whole lines', () => {
  it('a pseudo is free again once its owner left', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    const witness = await joined(port, 'witness');
    const alice = await joined(port, 'alice');
    alice.end();
    await witness.waitForLine('Annonce : alice a quitté la chatroom');
    await joined(port, 'alice');
  });

  it('closes a connection without a Hello after the deadline (HELLO_TIMEOUT_MS), the others undisturbed', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts', { HELLO_TIMEOUT_MS: '300' });
    const alice = await joined(port, 'alice');
    const silent = await connect(port);
    await silent.waitForClose(5_000);
    expect(silent.text).toBe('Erreur : aucun Hello|<PSEUDO> reçu en 0.3 s\n');
    await alice.send('encore là\n');
    const bob = await joined(port, 'bob');
    await alice.send('oui\n');
    await bob.waitForLine('alice a dit : oui');
    expect(alice.ended).toBe(false);
  });

  it('caps the connections at MAX_CLIENTS: the one over gets an error line, the others go on', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts', { MAX_CLIENTS: '3' });
    const alice = await joined(port, 'alice');
    const bob = await joined(port, 'bob');
    const idle = await connect(port);
    const over = await connect(port);
    await over.waitForClose();
    expect(over.text).toBe('Erreur : la chatroom est pleine (3 connexions)\n');
    await alice.send('salut\n');
    await bob.waitForLine('alice a dit : salut');
    idle.end();
    await idle.waitForClose();
    await joined(port, 'carol'); // a place is free again
  });

  it('cuts a message line over 64 KiB at that size: one relay, not dozens', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    const alice = await joined(port, 'alice');
    const big = await joined(port, 'big');
    await big.send(`${'x'.repeat(1024 * 1024)}\nfin\n`);
    await alice.waitForLine('big a dit : fin');
    expect(alice.lines.slice(2)).toEqual([`big a dit : ${'x'.repeat(64 * 1024)}`, 'big a dit : fin']);
  });

  it('relays a line cut by TCP whole: "bon", 200 ms later "jour\\n", is one message', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    const alice = await joined(port, 'alice');
    const bob = await joined(port, 'bob');
    bob.socket.setNoDelay(true);
    await bob.send('bon');
    await sleep(200);
    await bob.send('jour\n');
    await alice.waitForLine('bob a dit : bonjour');
    expect(alice.lines.filter((line) => line.startsWith('bob a dit'))).toEqual(['bob a dit : bonjour']);
  });

  it("relays text that never gets a newline (the lab's Python client) once its sender pauses", async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    const alice = await joined(port, 'alice');
    const it4 = await connect(port);
    await it4.send('Hello|it4');
    await alice.waitForLine('Annonce : it4 a rejoint la chatroom');
    await it4.send('salut');
    await alice.waitForLine('it4 a dit : salut');
    await it4.send('ça va ?');
    await alice.waitForLine('it4 a dit : ça va ?');
  });

  it('a reader that stops reading slows the sender (the server stops reading it), and is not dropped', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    const slow = await joined(port, 'slow');
    const flooder = await joined(port, 'flooder');
    await slow.waitForLine('Annonce : flooder a rejoint la chatroom');
    slow.socket.pause(); // reads nothing for now: its queue on the server fills up
    const count = 30 * 1024; // 30 MB of 1 KiB lines
    const lineOf = (i: number): string => `${String(i).padStart(6, '0')}`.padEnd(1023, 'x');
    flooder.socket.write(Array.from({ length: count }, (_, i) => `${lineOf(i)}\n`).join(''));
    // a negative needs a window: the flood has stalled once the flooder's own queue stops shrinking for 300 ms
    let queued = flooder.socket.writableLength;
    for (;;) {
      await sleep(300);
      if (flooder.socket.writableLength === queued) break;
      queued = flooder.socket.writableLength;
    }
    expect(queued).toBeGreaterThan(15 * 1024 * 1024); // most of it still waits on the sender's side
    let received = 0;
    let inOrder = true;
    let partial = '';
    const all = new Promise<void>((resolve) =>
      slow.socket.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          if (!line.startsWith('flooder a dit : ')) continue;
          if (line !== `flooder a dit : ${lineOf(received)}`) inOrder = false;
          received++;
        }
        if (received >= count) resolve();
      }),
    );
    slow.socket.resume();
    await Promise.race([all, slow.closed]);
    expect(received).toBe(count);
    expect(inOrder).toBe(true);
    expect(slow.ended).toBe(false);
  }, 60_000);

  it('100,000 small messages sent at once arrive intact, in order', async () => {
    const { port } = await startChatServer('chat_server_ii_6.ts');
    const alice = await joined(port, 'alice');
    const bob = await joined(port, 'bob');
    const count = 100_000;
    const messages = Array.from({ length: count }, (_, i) => `m-${i}`);
    const received: string[] = [];
    let partial = '';
    const all = new Promise<void>((resolve) =>
      alice.socket.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) if (line.startsWith('bob a dit : ')) received.push(line.slice(12));
        if (received.length >= count) resolve();
      }),
    );
    await bob.send(`${messages.join('\n')}\n`);
    await Promise.race([all, alice.closed]);
    expect(received).toEqual(messages);
  }, 30_000);
});

describe.each(['chat_client_ii_5.ts', 'chat_client_ii_6.ts'])('%s on the wire', (file) => {
  /** A server of the test's own: what the client sends, and the connection to answer on. */
  async function fakeServer(): Promise<{ port: number; peer: Promise<net.Socket>; close: () => void }> {
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const peer = once(server, 'connection').then(([socket]) => socket as net.Socket);
    return {
      port: (server.address() as net.AddressInfo).port,
      peer,
      close: () => server.close(),
    };
  }

  it('sends exactly "Hello|<PSEUDO>", no newline, and nothing else until the server answers', async () => {
    const fake = await fakeServer();
    try {
      const client = startStepFile(file, { HOST: '127.0.0.1', PORT: String(fake.port) });
      client.write('it4\nsalut\n');
      const peer = await fake.peer;
      peer.setEncoding('utf8');
      let received = '';
      peer.on('data', (data: string) => {
        received += data;
      });
      await sleep(300); // a silence: nothing typed may follow the Hello before the answer
      expect(received).toBe('Hello|it4');
      peer.write('Annonce : it4 a rejoint la chatroom\n');
      await client.waitFor('Annonce : it4 a rejoint la chatroom\n');
      while (!received.includes('salut\n')) await once(peer, 'data');
      expect(received).toBe('Hello|it4salut\n');
      client.endInput();
      await client.waitExit();
      peer.destroy();
    } finally {
      fake.close();
    }
  });

  it('refused (a pseudo already taken): prints the error line and exits 1', async () => {
    const { port } = await startChatServer(file.replace('client', 'server'));
    await joined(port, 'alice');
    const client = startStepFile(file, { HOST: '127.0.0.1', PORT: String(port) });
    client.write('alice\n');
    expect((await client.waitExit()).code).toBe(1);
    expect(client.stdout).toBe('Erreur : le pseudo alice est déjà pris\n');
  });

  it('shows hostile text harmlessly when its output is not a terminal', async () => {
    const fake = await fakeServer();
    try {
      const client = startStepFile(file, { HOST: '127.0.0.1', PORT: String(fake.port) });
      client.write('zoe\n');
      const peer = await fake.peer;
      await once(peer, 'data');
      peer.write('Annonce : zoe a rejoint la chatroom\nbob a dit : x\rAnnonce : admin\x1b[2J\u202e\n');
      await client.waitFor('admin');
      expect(client.stdout).toBe(
        'Annonce : zoe a rejoint la chatroom\nbob a dit : x\\x0dAnnonce : admin\\x1b[2J\\u202e\n',
      );
      peer.destroy();
      await client.waitExit();
    } finally {
      fake.close();
    }
  });

  it('reports a reset by the server as a lost connection, not as a server it could not talk to', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const client = startStepFile(file, {
        HOST: '127.0.0.1',
        PORT: String((server.address() as net.AddressInfo).port),
      });
      client.write('eve\n');
      expect((await client.waitExit()).code, client.output).toBe(1);
      expect(client.stdout).toBe('Connexion perdue avec le serveur (ECONNRESET)\n');
      expect(client.stderr).toBe('');
    } finally {
      server.close();
    }
  });
});

it.each(['chat_client_ii_2.ts', 'chat_client_ii_3.ts'])(
  '%s shows hostile text harmlessly when its output is not a terminal',
  async (file) => {
    const server = net.createServer((socket) =>
      socket.once('data', () => socket.end('Hello\x1b]0;pwned\x07\u202e\n')),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const client = startStepFile(file, {
        HOST: '127.0.0.1',
        PORT: String((server.address() as net.AddressInfo).port),
      });
      await client.waitFor('Hello');
      client.endInput();
      await client.waitExit();
      expect(client.stdout).toBe('Hello\\x1b]0;pwned\\x07\\u202e\n');
    } finally {
      server.close();
    }
  },
);
