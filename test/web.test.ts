import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageBody, startFakeWeb, type FakeWeb, type Site } from '../scripts/fakeweb.ts';
import type { Proc } from '../scripts/proc.ts';
import { startStepFile } from '../scripts/stepfile.ts';
import { TIME_LINE, reportedSeconds } from '../scripts/web-lines.ts';
import { expectOneLineError, tempDir } from './helpers.ts';

const SCRIPTS = ['web_sync', 'web_async', 'web_sync_multiple', 'web_async_multiple'] as const;
const SINGLE = ['web_sync', 'web_async'] as const;
const MULTIPLE = ['web_sync_multiple', 'web_async_multiple'] as const;
type Script = (typeof SCRIPTS)[number];

// Ten sites at 250 ms: 2.5 s one after the other, 0.25 s all at once.
const SITES: Site[] = Array.from({ length: 10 }, (_, i) => ({
  path: `/site${i}.example/page/${i}`,
  latencyMs: 250,
  sizeBytes: 3_000 + i * 1_000,
}));
const SUCCESS = /^Contenu écrit avec succès dans le fichier : (.+)$/;

let web: FakeWeb;
let closedPort: number;

beforeAll(async () => {
  web = await startFakeWeb(SITES);
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  closedPort = (server.address() as { port: number }).port;
  server.close();
});
afterAll(() => web.close());

/** Runs a web script with its own temp folder as the system's temp folder. */
function run(script: Script, args: string[], tmp = tempDir()): { proc: Proc; tmp: string } {
  return { proc: startStepFile(`${script}.ts`, { TMPDIR: tmp }, { args }), tmp };
}

function listFile(lines: string[]): string {
  const file = join(tempDir('tp6-list-'), 'urls.txt');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** What the scripts wrote in a temp folder. */
function written(tmp: string): string[] {
  return readdirSync(tmp).sort();
}

/** `http://127.0.0.1:1234/a/b` → `web_127.0.0.1:1234_a_b`, the lab's naming rule. */
function expectedName(url: string): string {
  return `web_${url.replace('http://', '').replaceAll('/', '_')}`;
}

// Not concurrent with the other tests of this file, so that fewer processes share the CPU with it.
describe('step 02 · web, Mesure !', () => {
  it('the asynchronous version of 10 downloads is at least 4× faster than the synchronous one', async () => {
    const list = listFile(web.urls);
    const sync = run('web_sync_multiple', [list]).proc;
    await sync.waitExit();
    const async = run('web_async_multiple', [list]).proc;
    await async.waitExit();
    const syncSeconds = reportedSeconds(sync.stdout)!;
    const asyncSeconds = reportedSeconds(async.stdout)!;
    expect(syncSeconds).toBeGreaterThanOrEqual(2.5); // ten latencies of 0.25 s, one after the other
    expect(asyncSeconds).toBeGreaterThanOrEqual(0.25);
    expect(syncSeconds / asyncSeconds).toBeGreaterThanOrEqual(4);
  });
});

describe.concurrent('step 02 · web, pages written', () => {
  it.each(SINGLE)('%s writes the page to web_page in the temp folder, byte for byte', async (script) => {
    const site = SITES[3]!;
    const { proc, tmp } = run(script, [web.url(site.path)]);
    expect((await proc.waitExit()).code, proc.output).toBe(0);
    const lines = proc.stdout.trim().split('\n');
    expect(lines).toEqual([
      `Contenu écrit avec succès dans le fichier : ${join(tmp, 'web_page')}`,
      expect.stringMatching(TIME_LINE),
    ]);
    expect(readFileSync(join(tmp, 'web_page'), 'utf8')).toBe(pageBody(site.path, site.sizeBytes));
    expect(proc.stderr).toBe('');
  });

  it.each(SINGLE)('%s follows redirects, as requests and aiohttp do', async (script) => {
    const site = SITES[2]!;
    const { proc, tmp } = run(script, [web.url(`/redirect${site.path}`)]);
    expect((await proc.waitExit()).code, proc.output).toBe(0);
    expect(readFileSync(join(tmp, 'web_page'), 'utf8')).toBe(pageBody(site.path, site.sizeBytes));
  });

  it.each(MULTIPLE)(
    '%s writes one file per URL, named after the URL, skipping blank and # lines',
    async (script) => {
      const sites = SITES.slice(0, 3);
      const list = listFile([
        "# the lab's sites, offline",
        '',
        web.url(sites[0]!.path),
        '   ',
        web.url(sites[1]!.path),
        `  ${web.url(sites[2]!.path)}  `,
      ]);
      const { proc, tmp } = run(script, [list]);
      expect((await proc.waitExit()).code, proc.output).toBe(0);
      const lines = proc.stdout.trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[3]).toMatch(TIME_LINE);
      const reported = lines.slice(0, 3).map((line) => line.match(SUCCESS)?.[1]);
      const expected = sites.map((s) => join(tmp, expectedName(web.url(s.path))));
      if (script === 'web_sync_multiple')
        expect(reported).toEqual(expected); // in the order of the list
      else expect([...reported].sort()).toEqual([...expected].sort());
      expect(written(tmp)).toEqual(expected.map((f) => f.slice(tmp.length + 1)).sort());
      for (const site of sites) {
        expect(readFileSync(join(tmp, expectedName(web.url(site.path))), 'utf8')).toBe(
          pageBody(site.path, site.sizeBytes),
        );
      }
    },
  );
});

describe.concurrent('step 02 · web, bad input: one clear line, non-zero exit', () => {
  it.each(SCRIPTS)('%s without an argument prints its usage', async (script) => {
    await expectOneLineError(run(script, []).proc, 2, new RegExp(`^Erreur : usage : ${script} <`));
  });

  it.each(['web_async', 'web_sync_multiple'] as const)(
    '%s rejects a timeout that is not a number of seconds up to an hour',
    async (script) => {
      for (const timeout of ['0', 'abc', '5000000']) {
        await expectOneLineError(
          run(script, ['x', '--timeout', timeout]).proc,
          2,
          new RegExp(`^Erreur : usage : ${script} <`),
        );
      }
    },
  );

  it.each(['web_sync', 'web_async_multiple'] as const)('%s rejects an unknown option', async (script) => {
    await expectOneLineError(run(script, ['--bogus', 'x']).proc, 2, /^Erreur : Unknown option '--bogus'/);
  });

  it.each(MULTIPLE)('%s with a missing list file', async (script) => {
    await expectOneLineError(
      run(script, ['/nonexistent/urls.txt']).proc,
      1,
      /^Erreur : \/nonexistent\/urls\.txt : fichier inaccessible \(ENOENT\)$/,
    );
  });

  it.each(MULTIPLE)('%s with an unreadable list file (a folder)', async (script) => {
    const folder = tempDir();
    await expectOneLineError(
      run(script, [folder]).proc,
      1,
      /^Erreur : .* : fichier inaccessible \(EISDIR\)$/,
    );
  });

  it.each(MULTIPLE)('%s with a list that holds no URL', async (script) => {
    await expectOneLineError(
      run(script, [listFile(['# nothing here', '', '  '])]).proc,
      1,
      /^Erreur : .*urls\.txt ne contient aucune URL$/,
    );
  });

  const cases: [string, () => string, RegExp][] = [
    [
      'an invalid URL',
      () => 'pas-une-url',
      /^Erreur : pas-une-url : URL invalide \(http:\/\/ ou https:\/\/ attendu\)$/,
    ],
    ['a scheme other than http(s)', () => 'ftp://127.0.0.1/', /: URL invalide/],
    ['a refused connection', () => `http://127.0.0.1:${closedPort}/`, /: connexion refusée$/],
    [
      'an unknown host',
      () => 'http://hote-inconnu.invalid/',
      /^Erreur : http:\/\/hote-inconnu\.invalid\/ : hôte introuvable$/,
    ],
    ['a 404', () => web.url('/status/404'), /: le serveur a répondu 404$/],
    ['a 500', () => web.url('/status/500'), /: le serveur a répondu 500$/],
    [
      'a server slower than the timeout',
      () => web.url('/delay/20000'),
      /: pas de réponse dans le délai imparti$/,
    ],
  ];
  for (const script of SINGLE) {
    it.each(cases)(`${script} with %s`, async (_, url, pattern) => {
      const { proc, tmp } = run(script, [url(), '--timeout', '0.5']);
      await expectOneLineError(proc, 1, pattern);
      expect(proc.stdout).toBe('');
      expect(written(tmp)).toEqual([]);
    });
  }

  it.each(SINGLE)('%s with an output path that cannot be written', async (script) => {
    const tmp = tempDir();
    mkdirSync(join(tmp, 'web_page')); // a folder where the file should go
    await expectOneLineError(run(script, [web.urls[0]!], tmp).proc, 1, /: fichier inaccessible \(EISDIR\)$/);
    writeFileSync(join(tmp, 'a-file'), '');
    await expectOneLineError(
      run(script, [web.urls[0]!], join(tmp, 'a-file')).proc,
      1,
      /: fichier inaccessible \(ENOTDIR\)$/,
    );
  });

  it.each(MULTIPLE)('%s with an output path that cannot be written', async (script) => {
    const tmp = tempDir();
    const [blocked, fine] = [web.urls[0]!, web.urls[1]!];
    mkdirSync(join(tmp, expectedName(blocked)));
    const { proc } = run(script, [listFile([blocked, fine])], tmp);
    expect((await proc.waitExit()).code, proc.output).toBe(1);
    expect(proc.stderr.trim().split('\n')).toEqual([
      `Erreur : ${blocked} : fichier inaccessible (EISDIR)`,
      `Erreur : 1 URL sur 2 en échec : ${blocked}`,
    ]);
    expect(readFileSync(join(tmp, expectedName(fine)), 'utf8')).toBe(
      pageBody(SITES[1]!.path, SITES[1]!.sizeBytes),
    );
  });

  it.each(MULTIPLE)('%s writes the good pages and names the failures', async (script) => {
    const bad = [
      web.url('/status/404'),
      `http://127.0.0.1:${closedPort}/`,
      'pas-une-url',
      'http://hote-inconnu.invalid/',
      web.url('/delay/20000'),
    ];
    const good = SITES.slice(0, 2).map((s) => web.url(s.path));
    const { proc, tmp } = run(script, [
      listFile([bad[0]!, good[0]!, ...bad.slice(1), good[1]!]),
      '--timeout',
      '0.5',
    ]);
    expect((await proc.waitExit()).code, proc.output).toBe(1);
    expect(written(tmp)).toEqual(good.map(expectedName).sort());
    expect(proc.stdout.match(new RegExp(SUCCESS.source, 'gm'))).toHaveLength(2);
    expect(proc.stdout.trim().split('\n').at(-1)).toMatch(TIME_LINE);
    const errors = proc.stderr.trim().split('\n');
    expect(errors).toHaveLength(bad.length + 1);
    expect(proc.stderr).not.toMatch(/^\s+at /m);
    for (const url of bad)
      expect(errors.filter((line) => line.startsWith(`Erreur : ${url} : `))).toHaveLength(1);
    expect(errors.at(-1)).toBe(`Erreur : 5 URL sur 7 en échec : ${bad[0]}, ${bad.slice(1).join(', ')}`);
  });
});
