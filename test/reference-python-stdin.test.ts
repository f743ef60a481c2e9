// The lab's Python clients (reference/python/) and their input: lines typed ahead of the server's answer
// (all piped at once), stdin from a file, and a bad PORT stopped in one line by every chat file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVING } from '../scripts/chat-wire.ts';
import { escapeRegExp, start, type Proc } from '../scripts/proc.ts';
import { ROOT } from '../scripts/steps.ts';
import { expectOneLineError, tempDir } from './helpers.ts';

const WAIT_MS = 10_000;
const PYTHON_ENV = { HOST: '127.0.0.1', PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
const file = (name: string): string => join(ROOT, 'reference', 'python', `${name}.py`);

/** `python3 <name>.py`, its stdin a pipe, or the file `input` when given (`< input`). */
function python(name: string, port: number | string, input?: string): Proc {
  const env = { ...PYTHON_ENV, PORT: String(port) };
  if (input === undefined) return start('python3', [file(name)], { env });
  return start('sh', ['-c', 'exec python3 "$0" < "$1"', file(name), input], { env });
}

/** The server's log holds `text` from one client, however its reads cut it ("salut", "ça va" or "salutça va"). */
function logged(text: string): RegExp {
  const from = String.raw`Message received from (127\.0\.0\.1:\d+) : `;
  const cut = String.raw`(?:\nMessage received from \1 : )?`;
  return new RegExp(`${from}${[...text].map(escapeRegExp).join(cut)}\\n`);
}

/** Runs the lab's server `server` with the client `client`; both are stopped at the end. */
async function withServer(
  server: string,
  client: (port: number) => Proc,
  scenario: (server: Proc, client: Proc) => Promise<void>,
): Promise<void> {
  const serverProc = python(server, 0);
  const procs = [serverProc];
  try {
    const port = Number((await serverProc.waitFor(SERVING, { timeoutMs: WAIT_MS }))[1]);
    const clientProc = client(port);
    procs.push(clientProc);
    await scenario(serverProc, clientProc);
  } finally {
    await Promise.all(procs.map((proc) => proc.stop()));
  }
}

describe.concurrent('the Python clients read every line they are given', () => {
  for (const step of [5, 6]) {
    it(`chat_client_ii_${step}: pseudo and messages piped at once, every message reaches the server`, async () => {
      const name = `chat_client_ii_${step}`;
      await withServer(
        `chat_server_ii_${step}`,
        (port) => python(name, port),
        async (server, client) => {
          client.write('alice\nsalut\nça va\n'); // typed ahead of the server's answer, as printf '…' | does
          client.endInput();
          await server.waitFor(logged('salutça va'), { timeoutMs: WAIT_MS });
          expect((await client.waitExit(WAIT_MS)).code, client.output).toBe(0);
          expect(client.stdout).toBe('Pseudo : Annonce : alice a rejoint la chatroom\n');
        },
      );
    });
  }

  const fromFile: [string, string, string][] = [
    // the step-3 client has no pseudo: its Hello, then every line, "alice" included
    ['chat_client_ii_3', 'chat_server_ii_3', 'Helloalicesalutça va'],
    ['chat_client_ii_5', 'chat_server_ii_5', 'salutça va'],
    ['chat_client_ii_6', 'chat_server_ii_6', 'salutça va'],
  ];
  it.each(fromFile)('%s < file: every line reaches %s, no traceback', async (name, serverName, text) => {
    const input = join(tempDir(), 'input.txt');
    writeFileSync(input, 'alice\nsalut\nça va\n');
    await withServer(
      serverName,
      (port) => python(name, port, input),
      async (server, client) => {
        await server.waitFor(logged(text), { timeoutMs: WAIT_MS });
        expect((await client.waitExit(WAIT_MS)).code, client.output).toBe(0);
        expect(client.stderr).toBe('');
      },
    );
  });
});

describe.concurrent('PORT=abc: one clear line, exit 2, in every chat file', () => {
  const names = [2, 3, 4, 5, 6].flatMap((n) => [
    `chat_server_ii_${n}`,
    ...(n === 4 ? [] : [`chat_client_ii_${n}`]),
  ]);
  it.each(names)('%s', async (name) => {
    const proc = python(name, 'abc');
    proc.endInput();
    await expectOneLineError(proc, 2, /^Erreur : PORT=abc n'est pas un numéro de port$/);
  });
});
