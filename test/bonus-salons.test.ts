// Step 14 (III.8, rooms) over real TCP and in a real terminal: the rooms and their sizes after the Hello,
// `Salon|<NOM>` with the pseudo's rules, messages and announcements in their room only, the client's
// questions before the loops; the demo plays to the end.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type WireClient, startChatServer } from '../scripts/chat-wire.ts';
import { stopAll, type Proc } from '../scripts/proc.ts';
import { startStepFile, stepCommand } from '../scripts/stepfile.ts';
import { ROOT } from '../scripts/steps.ts';
import { Watch } from '../scripts/watch.ts';
import { closeConnections, connect, whileStopped } from './chat-helpers.ts';
import { expectOneLineError } from './helpers.ts';
import { openTerminal, shellWord } from './tmux.ts';
import { playDemo } from './bonus-helpers.ts';

afterEach(async () => {
  closeConnections();
  await stopAll();
});

const SERVER = 'chat_server_iii_8.ts';
const CLIENT = 'chat_client_iii_8.ts';
const BAD_ROOM = 'Erreur : il faut Salon|<NOM>, de 1 à 32 caractères sans | ni : ni caractère de contrôle';

/** Says Hello, checks the rooms it is offered, then joins `room` (its own announcement seen). */
async function enter(port: number, pseudo: string, room: string, offered?: string): Promise<WireClient> {
  const client = await connect(port);
  await client.send(`Hello|${pseudo}`);
  await client.until(() => client.lines.length > 0, 'the rooms');
  if (offered !== undefined) expect(client.lines[0]).toBe(offered);
  await client.send(`Salon|${room}`);
  await client.waitForLine(`Annonce : ${pseudo} a rejoint la chatroom`);
  return client;
}

describe('chat_server_iii_8 over TCP', () => {
  it('offers the rooms and their sizes; messages and announcements stay in their room', async () => {
    const { port } = await startChatServer(SERVER);
    const alice = await enter(port, 'alice', 'jeux', "Salons : aucun pour l'instant");
    const carol = await enter(port, 'carol', 'cuisine', 'Salons : jeux (1)');
    const bob = await enter(port, 'bob', 'jeux', 'Salons : jeux (1), cuisine (1)');
    await alice.waitForLine('Annonce : bob a rejoint la chatroom');
    const dave = await enter(port, 'dave', 'cuisine', 'Salons : jeux (2), cuisine (1)');
    await carol.waitForLine('Annonce : dave a rejoint la chatroom'); // sent after bob's arrival, if carol had it

    await bob.send('on joue ?\n');
    await alice.waitForLine('bob a dit : on joue ?');
    await dave.send('à table\n');
    await carol.waitForLine('dave a dit : à table'); // after bob's message, if carol had it
    bob.end();
    await alice.waitForLine('Annonce : bob a quitté la chatroom');
    await alice.send('tant pis\n');
    dave.end();
    await carol.waitForLine('Annonce : dave a quitté la chatroom');
    expect(alice.lines).toEqual([
      "Salons : aucun pour l'instant",
      'Annonce : alice a rejoint la chatroom',
      'Annonce : bob a rejoint la chatroom',
      'bob a dit : on joue ?',
      'Annonce : bob a quitté la chatroom',
    ]);
    expect(carol.lines).toEqual([
      'Salons : jeux (1)',
      'Annonce : carol a rejoint la chatroom',
      'Annonce : dave a rejoint la chatroom',
      'dave a dit : à table',
      'Annonce : dave a quitté la chatroom',
    ]);
    await enter(port, 'eve', 'jeux', 'Salons : jeux (1), cuisine (1)'); // a room lives while someone is in it
  });

  it.each([
    ['a message instead of a room', 'bonjour'],
    ['an empty name', 'Salon|  '],
    ['a name with "|"', 'Salon|a|b'],
    ['a name with ":"', 'Salon|a:b'],
    ['a name of 33 characters', `Salon|${'x'.repeat(33)}`],
    ['a terminal escape', 'Salon|rouge\x1b[31m'],
    ['a bidi override', 'Salon|\u202eesreve'],
  ])('refuses %s with one error line and closes; the pseudo is free again', async (_, choice) => {
    const { port } = await startChatServer(SERVER);
    const alice = await enter(port, 'alice', 'jeux');
    const mallory = await connect(port);
    await mallory.send('Hello|mallory');
    await mallory.until(() => mallory.lines.length > 0, 'the rooms');
    await mallory.send(choice);
    await mallory.waitForClose();
    expect(mallory.lines).toEqual(['Salons : jeux (1)', BAD_ROOM]);
    await enter(port, 'mallory', 'jeux');
    await alice.waitForLine('Annonce : mallory a rejoint la chatroom');
    expect(alice.lines.slice(1)).toEqual([
      'Annonce : alice a rejoint la chatroom',
      'Annonce : mallory a rejoint la chatroom',
    ]);
  });

  it('sends the rooms before the error when a Hello and a bad room come in one write', async () => {
    const { port } = await startChatServer(SERVER);
    await enter(port, 'alice', 'jeux');
    const mallory = await connect(port);
    await mallory.send('Hello|mallory\nSalon|a:b\n');
    await mallory.waitForClose();
    expect(mallory.lines).toEqual(['Salons : jeux (1)', BAD_ROOM]);
  });

  it('takes a room of 32 characters, accents included, and a Hello and its room sent at once', async () => {
    const { port } = await startChatServer(SERVER);
    const long = 'é'.repeat(32);
    const alice = await enter(port, 'alice', long);
    const bob = await connect(port);
    await bob.send(`Hello|bob\nSalon|${long}\nme voilà\n`);
    await alice.waitForLine('bob a dit : me voilà');
    expect(bob.lines).toEqual([`Salons : ${long} (1)`, 'Annonce : bob a rejoint la chatroom']);
  });

  it('a client that enters a room in the same turn as a message there hears only what follows', async () => {
    const { proc, port } = await startChatServer(SERVER);
    const alice = await enter(port, 'alice', 'jeux');
    const carol = await enter(port, 'carol', 'jeux'); // the witness: the order she hears is the server's
    const bob = await connect(port);
    await bob.send('Hello|bob');
    await bob.until(() => bob.lines.length > 0, 'the rooms');
    // alice's message and bob's room reach the server in one turn of its loop
    await whileStopped(proc.pid!, async () => {
      await alice.send('avant\n');
      await bob.send('Salon|jeux');
    });
    await carol.waitForLine('alice a dit : avant');
    await carol.waitForLine('Annonce : bob a rejoint la chatroom');
    await alice.send('après\n');
    await bob.waitForLine('alice a dit : après');
    // the server reads alice first, as a rule: then bob came after her message, and never gets it
    const cameAfter =
      carol.lines.indexOf('Annonce : bob a rejoint la chatroom') > carol.lines.indexOf('alice a dit : avant');
    expect(bob.lines.slice(1)).toEqual([
      'Annonce : bob a rejoint la chatroom',
      ...(cameAfter ? [] : ['alice a dit : avant']),
      'alice a dit : après',
    ]);
  });

  it('keeps the pseudo while its owner chooses; leaving then is announced to nobody', async () => {
    const { port } = await startChatServer(SERVER);
    const alice = await enter(port, 'alice', 'jeux');
    const choosing = await connect(port);
    await choosing.send('Hello|zoe');
    await choosing.until(() => choosing.lines.length > 0, 'the rooms');
    const twin = await connect(port);
    await twin.send('Hello|zoe');
    await twin.waitForClose();
    expect(twin.lines).toEqual(['Erreur : le pseudo zoe est déjà pris']);
    choosing.end();
    await choosing.waitForClose();
    await enter(port, 'zoe', 'jeux'); // free again, and the arrival is the next thing alice hears
    await alice.waitForLine('Annonce : zoe a rejoint la chatroom');
    expect(alice.lines.slice(1)).toEqual([
      'Annonce : alice a rejoint la chatroom',
      'Annonce : zoe a rejoint la chatroom',
    ]);
  });
});

describe('what 06 guarantees still holds in chat_server_iii_8', () => {
  it('a connection without a Hello is closed after HELLO_TIMEOUT_MS; the one over MAX_CLIENTS is refused', async () => {
    const { port } = await startChatServer(SERVER, { HELLO_TIMEOUT_MS: '300', MAX_CLIENTS: '2' });
    const alice = await enter(port, 'alice', 'jeux');
    const silent = await connect(port);
    const over = await connect(port);
    await over.waitForClose();
    expect(over.text).toBe('Erreur : la chatroom est pleine (2 connexions)\n');
    await silent.waitForClose(5_000);
    expect(silent.text).toBe('Erreur : aucun Hello|<PSEUDO> reçu en 0.3 s\n');
    expect(alice.ended).toBe(false);
  });

  it('its console shows what a client sends harmlessly; a bad pseudo is refused before any room', async () => {
    const { proc, port } = await startChatServer(SERVER);
    const eve = await enter(port, 'eve', 'jeux');
    await eve.send('hi\x1b[2J\u202e fin\n');
    await proc.waitFor(' fin\n');
    expect(proc.stdout).toContain(' : hi\\x1b[2J\\u202e fin\n');
    const bad = await connect(port);
    await bad.send('Hello|a|b');
    await bad.waitForClose();
    expect(bad.lines).toEqual([
      'Erreur : le pseudo doit avoir de 1 à 32 caractères, sans | ni : ni caractère de contrôle',
    ]);
  });

  it.each([SERVER, CLIENT])('%s refuses PORT=abc in one line', async (file) => {
    const proc = startStepFile(file, { HOST: '127.0.0.1', PORT: 'abc' });
    proc.endInput();
    await expectOneLineError(proc, 2, /^Erreur : PORT=abc n'est pas un numéro de port$/);
  });
});

describe('chat_client_iii_8', () => {
  /** A fake server that answers the Hello with `answer`; the client (not a terminal), and what it sent. */
  async function clientOf(answer: string): Promise<{ client: Proc; sent: Watch; server: net.Server }> {
    const sent = new Watch();
    const server = net.createServer((socket) => {
      socket.setEncoding('utf8').on('error', () => {});
      socket.on('data', (data: string) => {
        if (sent.text === '') socket.write(answer, () => answer.startsWith('Erreur') && socket.end());
        sent.append(data);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = startStepFile(CLIENT, {
      HOST: '127.0.0.1',
      PORT: String((server.address() as net.AddressInfo).port),
    });
    void client.exited.then(() => server.close());
    return { client, sent, server };
  }

  it('shows the rooms, then sends exactly "Salon|<NOM>" once a room is typed', async () => {
    const { client, sent, server } = await clientOf('Salons : jeux (2), cuisine (1)\n');
    const connection = once(server, 'connection');
    client.write('zoe\n');
    await client.waitFor('Salons : jeux (2), cuisine (1)\n');
    expect(sent.text).toBe('Hello|zoe');
    client.write('cuisine\n');
    await sent.until(() => sent.text.length > 'Hello|zoe'.length, 'the room', 10_000);
    expect(sent.text).toBe('Hello|zoeSalon|cuisine');
    const [socket] = (await connection) as [net.Socket];
    socket.end(); // the server goes: the client says so and exits
    expect((await client.waitExit()).code).toBe(0);
  });

  it('refused after its Hello (a pseudo already taken): shows the error, asks no room, exits 1', async () => {
    const { client, sent } = await clientOf('Erreur : le pseudo zoe est déjà pris\n');
    client.write('zoe\n');
    expect((await client.waitExit()).code).toBe(1);
    expect(client.stdout).toBe('Erreur : le pseudo zoe est déjà pris\n');
    expect(client.stderr).toBe('');
    expect(sent.text).toBe('Hello|zoe');
  });

  it('the server stops while the room is asked: the client says so and exits 0 at once', async () => {
    const { proc, port } = await startChatServer(SERVER);
    const client = startStepFile(CLIENT, { HOST: '127.0.0.1', PORT: String(port) });
    client.write('zoe\n');
    await client.waitFor("Salons : aucun pour l'instant\n");
    proc.signal('SIGTERM');
    expect((await client.waitExit()).code).toBe(0);
    expect(client.stdout).toBe("Salons : aucun pour l'instant\nLe serveur a fermé la connexion.\n");
    expect(client.stderr).toBe('');
  });

  it('a room the server refuses: the error line, then exit 1', async () => {
    const { port } = await startChatServer(SERVER);
    const client = startStepFile(CLIENT, { HOST: '127.0.0.1', PORT: String(port) });
    client.write('zoe\n');
    await client.waitFor("Salons : aucun pour l'instant\n");
    client.write('a|b\n');
    expect((await client.waitExit()).code).toBe(1);
    expect(client.stdout).toBe(`Salons : aucun pour l'instant\n${BAD_ROOM}\n`);
  });

  it('in a terminal (tmux): the rooms, the "Salon :" question, then the room and the prompt', async () => {
    const { port } = await startChatServer(SERVER);
    const alice = await enter(port, 'alice', 'jeux');
    const command = ['env', 'HOST=127.0.0.1', `PORT=${port}`, ...stepCommand(CLIENT)];
    const terminal = openTerminal(command.map(shellWord).join(' '), { cwd: ROOT });
    await terminal.waitFor((lines) => lines.at(-1) === 'Pseudo :', 15_000);
    terminal.type('zoe');
    terminal.type('Enter', { literal: false });
    await terminal.waitFor((lines) => lines.at(-1) === 'Salon :');
    terminal.type('jeux');
    terminal.type('Enter', { literal: false });
    await alice.waitForLine('Annonce : zoe a rejoint la chatroom');
    await terminal.waitFor((lines) => lines.at(-1) === '>');
    expect(terminal.lines()).toEqual([
      'Pseudo : zoe',
      'Salons : jeux (1)',
      'Salon : jeux',
      'Annonce : zoe a rejoint la chatroom',
      '>',
    ]);
    terminal.kill();
  });
});

it('`npm run step 14` plays its scenario to the end: two rooms that do not hear each other', async () => {
  const out = await playDemo('14');
  expect(out).toMatch(/^bob +\| Salons : jeux \(1\), cuisine \(1\)$/m);
  expect(out).not.toMatch(/^carol +\| .*(partie|carrément|bob)/m);
  expect(out).not.toMatch(/^(alice|bob) +\| .*soupe/m);
});
