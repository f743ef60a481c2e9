// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the mutants replace source text that holds ${…}
// Step 08 (III.2 IDs) over real TCP: an ID at the first connection, "Welcome back" and "est de retour" on
// return, nothing for who is away, no ID trusted to take someone over; the client's ID file; the checker on
// our files, on our step 06, and on mutants that each break one check; the demo.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { stopAll, type Proc } from '../scripts/proc.ts';
import { type WireClient, startChatServer } from '../scripts/chat-wire.ts';
import { startStepFile, stepCommand } from '../scripts/stepfile.ts';
import { check, dump, failures } from './check-helpers.ts';
import { closeConnections, connect } from './chat-helpers.ts';
import { tempDir } from './helpers.ts';
import { mutant } from './mutants.ts';
import { playDemo } from './bonus-helpers.ts';

afterAll(async () => {
  closeConnections();
  await stopAll();
});

const SERVER = 'chat_server_iii_2.ts';
const CLIENT = 'chat_client_iii_2.ts';
const UUID_V4 = /^ID\|([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$/;
const node = (file: string): string[] => stepCommand(file);

/** Says Hello (with an ID if given) and waits for `answer`. */
async function hello(port: number, pseudo: string, id?: string, answer?: string): Promise<WireClient> {
  const client = await connect(port);
  await client.send(id === undefined ? `Hello|${pseudo}` : `Hello|${pseudo}|${id}`); // no newline, as the lab
  await client.waitForLine(answer ?? `Annonce : ${pseudo} a rejoint la chatroom`);
  return client;
}

function idOf(client: WireClient): string | undefined {
  return client.lines.map((line) => UUID_V4.exec(line)?.[1]).find((id) => id !== undefined);
}

describe('08 · the server', () => {
  it('gives each newcomer its own random ID, "ID|<uuid>", before the announcement', async () => {
    const { port } = await startChatServer(SERVER);
    const erin = await hello(port, 'erin');
    const frank = await hello(port, 'frank');
    expect(erin.lines[0]).toMatch(UUID_V4);
    expect(erin.lines[1]).toBe('Annonce : erin a rejoint la chatroom');
    expect(idOf(frank)).not.toBe(idOf(erin));
    await erin.waitForLine('Annonce : frank a rejoint la chatroom');
    expect(idOf(erin)).toBeDefined();
    expect(erin.lines.filter((line) => line.startsWith('ID|'))).toHaveLength(1); // frank's is his alone
  });

  it('welcomes back who returns with its ID, tells the others, and gave it nothing while away', async () => {
    const { port } = await startChatServer(SERVER);
    const gina = await hello(port, 'gina');
    const frank = await hello(port, 'frank');
    const erin = await hello(port, 'erin');
    const id = idOf(erin)!;
    erin.end();
    await gina.waitForLine('Annonce : erin a quitté la chatroom');
    await gina.send('tu as raté ça\n');
    await frank.waitForLine('gina a dit : tu as raté ça'); // relayed while erin was away
    const back = await hello(port, 'erin', id, 'Welcome back erin !');
    await gina.waitForLine('erin est de retour !');
    await gina.send('te revoilà\n');
    await back.waitForLine('gina a dit : te revoilà');
    expect(back.lines).toEqual(['Welcome back erin !', 'gina a dit : te revoilà']);
    expect(gina.text).not.toMatch(/Annonce : erin a rejoint[\s\S]*Annonce : erin a rejoint/);
  });

  it('takes an unknown, malformed or in-use ID for a first connection; the owner is undisturbed', async () => {
    const { port } = await startChatServer(SERVER);
    const frank = await hello(port, 'frank');
    const frankId = idOf(frank)!;
    for (const [pseudo, claimed] of [
      ['hugo', randomUUID()],
      ['ines', '../../etc/passwd'],
      ['mallory', frankId],
    ]) {
      const client = await hello(port, pseudo!, claimed);
      expect(idOf(client)).not.toBe(claimed);
      expect(client.text).not.toContain('Welcome back');
    }
    const victor = await hello(port, 'victor');
    await victor.send('frank, tu es là ?\n');
    await frank.waitForLine('victor a dit : frank, tu es là ?');
    expect(frank.text).not.toMatch(/est de retour|Welcome/);
  });

  it('keeps the pseudo rules for who returns: a pseudo taken meanwhile is refused, the ID still works later', async () => {
    const { port } = await startChatServer(SERVER);
    const watcher = await hello(port, 'watcher');
    const erin = await hello(port, 'erin');
    const id = idOf(erin)!;
    erin.end();
    await watcher.waitForLine('Annonce : erin a quitté la chatroom');
    const other = await hello(port, 'erin'); // someone else took the pseudo meanwhile
    const refused = await connect(port);
    await refused.send(`Hello|erin|${id}`);
    await refused.waitForLine('Erreur : le pseudo erin est déjà pris');
    await refused.waitForClose();
    const bad = await connect(port);
    await bad.send(`Hello|er\x1b[2Jin|${id}`);
    await bad.waitForClose();
    expect(bad.text).toMatch(/^Erreur : le pseudo doit avoir/);
    other.end();
    await hello(port, 'erin', id, 'Welcome back erin !');
  });
});

describe('08 · the client', () => {
  const start = (port: number, env: Record<string, string>): Proc =>
    startStepFile(CLIENT, { HOST: '127.0.0.1', PORT: String(port), CHAT_ID_FILE: '', ...env });

  it('keeps its ID in $XDG_CONFIG_HOME/chat_room/id (owner only), and is welcomed back with it', async () => {
    const { port } = await startChatServer(SERVER);
    const watcher = await hello(port, 'watcher');
    const config = tempDir();
    const first = start(port, { XDG_CONFIG_HOME: config });
    first.write('zoe\n');
    await first.waitFor('Annonce : zoe a rejoint la chatroom');
    const file = join(config, 'chat_room', 'id');
    const id = readFileSync(file, 'utf8').trim();
    expect(`ID|${id}`).toMatch(UUID_V4);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.stdout).not.toContain('ID|'); // kept, not shown
    first.endInput();
    await first.waitExit();
    await watcher.waitForLine('Annonce : zoe a quitté la chatroom');

    const again = start(port, { XDG_CONFIG_HOME: config });
    again.write('zoe\n');
    await again.waitFor('Welcome back zoe !');
    await watcher.waitForLine('zoe est de retour !');
    again.endInput();
    await again.waitExit();
  });

  it('CHAT_ID_FILE wins; a file that holds no ID is a first connection; a file it cannot write: one line', async () => {
    const { port } = await startChatServer(SERVER);
    const dir = tempDir();
    const file = join(dir, 'mon-id');
    writeFileSync(file, 'pas un id\n');
    const client = start(port, { CHAT_ID_FILE: file, XDG_CONFIG_HOME: join(dir, 'unused') });
    client.write('yves\n');
    await client.waitFor('Annonce : yves a rejoint la chatroom');
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(existsSync(join(dir, 'unused'))).toBe(false);
    client.endInput();
    await client.waitExit();

    writeFileSync(join(dir, 'plain'), '');
    const stuck = start(port, { CHAT_ID_FILE: join(dir, 'plain', 'id') });
    stuck.write('xena\n');
    await stuck.waitFor('Annonce : xena a rejoint la chatroom');
    expect(stuck.stdout).toContain(`Impossible d'enregistrer l'ID dans ${join(dir, 'plain', 'id')} (E`);
    stuck.write('toujours là\n');
    stuck.endInput();
    expect((await stuck.waitExit()).code).toBe(0);
    expect(stuck.stderr).toBe('');
  });
});

describe('08 · the checker', () => {
  const cases: [string, () => string[], 'server' | 'client', string[]][] = [
    ['our 08 server', () => node(SERVER), 'server', []],
    ['our 08 client', () => node(CLIENT), 'client', []],
    [
      'our 06 server, which lacks the bonus',
      () => node('chat_server_ii_6.ts'),
      'server',
      [
        'ids.welcome-back:fail',
        'ids.back-others:fail',
        'ids.away-nothing:fail',
        'ids.unknown-is-new:fail',
        'ids.no-takeover:fail',
        'ids.unguessable:fail',
      ],
    ],
    [
      'our 06 client, which keeps no ID',
      () => node('chat_client_ii_6.ts'),
      'client',
      ['ids.client-keeps:fail', 'ids.client-sends-id:fail'],
    ],
    [
      'a server that says "Bon retour"',
      () => mutant(SERVER, ['`Welcome back ${pseudo} !', '`Bon retour ${pseudo} !']),
      'server',
      ['ids.welcome-back:fail'],
    ],
    [
      'a server that announces a return as "Annonce : <PSEUDO> est revenu"',
      () => mutant(SERVER, ['`${pseudo} est de retour !`', '`Annonce : ${pseudo} est revenu`']),
      'server',
      ['ids.back-others:fail'],
    ],
    [
      'a server that gives who returns the last message said',
      () =>
        mutant(
          SERVER,
          ['const USERS =', "let LAST = '';\nconst USERS ="],
          [
            'send({ bytes: Buffer.from(`Welcome back ${pseudo} !\\n`), to: address });',
            'send({ bytes: Buffer.from(`Welcome back ${pseudo} !\\n${LAST}\\n`), to: address });',
          ],
          [
            'console.log(messages.map(',
            'LAST = `${pseudo} a dit : ${messages.at(-1)}`;\nconsole.log(messages.map(',
          ],
        ),
      'server',
      ['ids.away-nothing:fail'],
    ],
    [
      'a server that refuses an unknown ID',
      () =>
        mutant(SERVER, [
          'const known = USERS.get(claimedId);',
          "const known = USERS.get(claimedId);\nif (claimedId !== '' && !known) return void refuse(socket, address, 'Erreur : ID inconnu');",
        ]),
      'server',
      ['ids.unknown-is-new:fail'],
    ],
    [
      'a server that trusts the ID of someone connected',
      () => mutant(SERVER, ['known !== undefined && !known.connected', 'known !== undefined']),
      'server',
      ['ids.no-takeover:fail'],
    ],
    [
      'a server that numbers its users',
      () => mutant(SERVER, ['randomUUID()', '`user-${USERS.size}`']),
      'server',
      ['ids.unguessable:fail'],
    ],
    [
      'a client that shows its ID instead of keeping it',
      () => mutant(CLIENT, ['saveId(rl, id);', 'show(rl, id);']),
      'client',
      ['ids.client-keeps:fail'],
    ],
    [
      'a client that never sends its ID',
      () => mutant(CLIENT, ['`Hello|${pseudo}|${id}`', '`Hello|${pseudo}`']),
      'client',
      ['ids.client-sends-id:fail'],
    ],
  ];

  it.concurrent.each(cases)('%s', async (_, command, role, fails) => {
    const report = await check('8', command(), { role, waitMs: 2_500 }); // the machine may be busy
    expect(failures(report), dump(report)).toEqual(fails);
  });
});

describe('08 · the demo', () => {
  it('`npm run step 8` plays its scenario: bob leaves, comes back with his ID, misses what was said', async () => {
    const text = await playDemo('8');
    expect(text).toMatch(/^bob +\| Welcome back bob !$/m);
    expect(text).toMatch(/^alice +\| bob est de retour !$/m);
    expect(text).not.toMatch(/^bob +\| alice a dit : bob ne lira pas ceci$/m);
  });
});
