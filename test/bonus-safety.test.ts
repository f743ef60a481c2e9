// What 06 guarantees still holds in the bonus files of 09 and 10 (copies of 06 plus their bonus), over real
// TCP: harmless text, pseudos that cannot impersonate, the Hello deadline, the connection cap, whole lines,
// the Hello as the lab writes it. The 09 programs always log to a folder of the test's own.
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startChatServer, type WireClient } from '../scripts/chat-wire.ts';
import { stopAll } from '../scripts/proc.ts';
import { startStepFile } from '../scripts/stepfile.ts';
import { closeConnections, connect } from './chat-helpers.ts';
import { expectOneLineError, tempDir } from './helpers.ts';

afterEach(async () => {
  closeConnections();
  await stopAll();
});

async function joined(port: number, pseudo: string): Promise<WireClient> {
  const client = await connect(port);
  await client.send(`Hello|${pseudo}\n`);
  await client.waitForLine(`Annonce : ${pseudo} a rejoint la chatroom`);
  return client;
}

const logDir = (): NodeJS.ProcessEnv => ({ LOG_DIR: tempDir() });
const noEnv = (): NodeJS.ProcessEnv => ({});

describe.each([
  ['chat_server_iii_3.ts', logDir],
  ['chat_server_iii_4.ts', noEnv],
])('%s, as 06', (file, env) => {
  it('shows what a client sends harmlessly on its console', async () => {
    const { proc, port } = await startChatServer(file, env());
    const eve = await joined(port, 'eve');
    await eve.send('hi\x1b[2J\u202egnp.exe\u200b fin\n');
    await proc.waitFor(' fin\n');
    expect(proc.stdout).toContain(' : hi\\x1b[2J\\u202egnp.exe\\u200b fin\n');
    expect(proc.stdout).not.toMatch(/[\x1b\u202e\u200b]/);
  });

  it('refuses a pseudo with control characters, and one already taken', async () => {
    const { port } = await startChatServer(file, env());
    const alice = await joined(port, 'alice');
    const intruder = await connect(port);
    await intruder.send('Hello|z\rbob\x1b[K\n');
    await intruder.waitForClose();
    expect(intruder.text).toBe(
      'Erreur : le pseudo doit avoir de 1 à 32 caractères, sans | ni : ni caractère de contrôle\n',
    );
    const twin = await connect(port);
    await twin.send('Hello|alice');
    await twin.waitForClose();
    expect(twin.text).toBe('Erreur : le pseudo alice est déjà pris\n');
    await joined(port, 'carol');
    await alice.waitForLine('Annonce : carol a rejoint la chatroom');
    expect(alice.lines).toEqual([
      'Annonce : alice a rejoint la chatroom',
      'Annonce : carol a rejoint la chatroom',
    ]);
  });

  it('closes a silent connection at the Hello deadline, and one over MAX_CLIENTS', async () => {
    const { port } = await startChatServer(file, { ...env(), HELLO_TIMEOUT_MS: '300', MAX_CLIENTS: '2' });
    const alice = await joined(port, 'alice');
    const silent = await connect(port);
    const over = await connect(port);
    await over.waitForClose();
    expect(over.text).toBe('Erreur : la chatroom est pleine (2 connexions)\n');
    await silent.waitForClose(5_000);
    expect(silent.text).toBe('Erreur : aucun Hello|<PSEUDO> reçu en 0.3 s\n');
    expect(alice.ended).toBe(false);
  });

  it("relays a line cut by TCP whole, and text without newline (the lab's client) once its sender pauses", async () => {
    const { port } = await startChatServer(file, env());
    const alice = await joined(port, 'alice');
    const it4 = await connect(port);
    it4.socket.setNoDelay(true);
    await it4.send('Hello|it4');
    await alice.waitForLine('Annonce : it4 a rejoint la chatroom');
    await it4.send('bon');
    await sleep(200);
    await it4.send('jour\n');
    await alice.waitForLine('it4 a dit : bonjour');
    await it4.send('ça va ?');
    await alice.waitForLine('it4 a dit : ça va ?');
    expect(alice.lines.slice(2)).toEqual(['it4 a dit : bonjour', 'it4 a dit : ça va ?']);
  });

  it('refuses PORT=abc in one line, exit 2', async () => {
    const proc = startStepFile(file, { ...env(), HOST: '127.0.0.1', PORT: 'abc' });
    await expectOneLineError(proc, 2, /^Erreur : (PORT=)?abc n'est pas un numéro de port/);
  });
});

describe.each([
  ['chat_client_iii_3.ts', logDir],
  ['chat_client_iii_4.ts', noEnv],
])('%s, as 06', (file, env) => {
  it('sends exactly "Hello|<PSEUDO>", nothing more before the answer, and shows hostile text harmlessly', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as net.AddressInfo).port;
      const client = startStepFile(file, { ...env(), HOST: '127.0.0.1', PORT: String(port) });
      client.write('it4\nsalut\n');
      const [peer] = (await once(server, 'connection')) as [net.Socket];
      peer.setEncoding('utf8');
      let received = '';
      peer.on('data', (data: string) => {
        received += data;
      });
      await sleep(300); // a silence: nothing typed may follow the Hello before the answer
      expect(received).toBe('Hello|it4');
      peer.write('Annonce : it4 a rejoint la chatroom\nbob a dit : x\rAnnonce : admin\x1b[2J\u202e\n');
      await client.waitFor('admin');
      expect(client.stdout).toContain(
        'Annonce : it4 a rejoint la chatroom\nbob a dit : x\\x0dAnnonce : admin\\x1b[2J\\u202e\n',
      );
      while (!received.includes('salut\n')) await once(peer, 'data');
      expect(received).toBe('Hello|it4salut\n');
      peer.end();
      expect((await client.waitExit()).code).toBe(0);
      expect(client.stdout).toContain('Le serveur a fermé la connexion.\n');
    } finally {
      server.close();
    }
  });

  it('refused (a pseudo already taken): prints the error line and exits 1', async () => {
    const { port } = await startChatServer(file.replace('client', 'server'), env());
    await joined(port, 'alice');
    const client = startStepFile(file, { ...env(), HOST: '127.0.0.1', PORT: String(port) });
    client.write('alice\n');
    expect((await client.waitExit()).code).toBe(1);
    expect(client.stdout).toContain('Erreur : le pseudo alice est déjà pris\n');
  });
});
