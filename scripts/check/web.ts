// Step 02: the web scripts against the embedded fake web. The checker gives the script a fresh temp
// folder (TMPDIR/TEMP/TMP), the URL (or a URL list) as first argument, then checks the files it wrote,
// byte for byte, what it printed, and (multiple versions) whether the downloads overlapped.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SITES, pageBody, startFakeWeb, writeUrlList } from '../fakeweb.ts';
import { findMessage } from './match.ts';
import { TIME_LINE, writtenLine } from '../web-lines.ts';
import type { Context } from './context.ts';
import { lab, type Suite } from './define.ts';
import { assertStarted, startTarget } from './target.ts';

export const webSuite: Suite = {
  name: 'web',
  description: {
    en: 'The checker serves a fake web (ten sites, 100–300 ms each), gives the script a URL or a list, a fresh temp folder.',
    fr: 'Le vérificateur sert un faux web (dix sites, 100 à 300 ms chacun), donne au script une URL ou une liste, et un dossier temporaire neuf.',
  },
  checks: [
    lab('web.exit', 'runs to the end with exit code 0', "va jusqu'au bout, code de sortie 0"),
    lab(
      'web.file',
      'writes the page, byte for byte, to web_page in the temp folder',
      'écrit la page, octet pour octet, dans web_page du dossier temporaire',
    ),
    lab(
      'web.files',
      'writes each page, byte for byte, to web_<url without scheme, / replaced by _> in the temp folder',
      'écrit chaque page, octet pour octet, dans web_<url sans schéma, / remplacés par _> du dossier temporaire',
    ),
    lab(
      'web.written-lines',
      'prints "Contenu écrit avec succès dans le fichier : <path>" for each file',
      'affiche « Contenu écrit avec succès dans le fichier : <chemin> » pour chaque fichier',
    ),
    lab(
      'web.time-line',
      'prints "Le programme a pris <s.ss> secondes pour s\'exécuter."',
      "affiche « Le programme a pris <s.ss> secondes pour s'exécuter. »",
    ),
    lab(
      'web.duration-sync-multiple',
      'downloads one page after the other: about the sum of the latencies',
      "télécharge les pages l'une après l'autre : environ la somme des latences",
    ),
    lab(
      'web.duration-async-multiple',
      'downloads all pages at once: about the longest latency, not the sum',
      'télécharge toutes les pages à la fois : environ la plus longue latence, pas la somme',
    ),
  ],
  run: checkWeb,
};

/** The lab's file name for a URL: the scheme dropped, every / replaced by _. */
export function fileNameFor(url: string): string {
  return `web_${url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replaceAll('/', '_')}`;
}

async function checkWeb(ctx: Context): Promise<void> {
  const { command, cwd, exitMs } = ctx.options;
  const multiple = ctx.wants('web.files');
  const variant = ctx.wants('web.duration-async-multiple') ? 'async-multiple' : 'sync-multiple';
  const { list } = ctx;

  const web = await startFakeWeb(DEFAULT_SITES);
  ctx.cleanups.push(() => web.close());
  const temp = await mkdtemp(join(tmpdir(), 'tp6-check-'));
  ctx.cleanups.push(() => rm(temp, { recursive: true, force: true }));
  const sites = multiple ? DEFAULT_SITES : DEFAULT_SITES.slice(0, 1);
  const urls = sites.map((site) => web.url(site.path));
  let argument = urls[0]!;
  if (multiple) {
    argument = await writeUrlList(urls);
    ctx.cleanups.push(() => rm(join(argument, '..'), { recursive: true, force: true }));
  }
  ctx.address = web.origin;

  const started = Date.now();
  const proc = startTarget({
    command: [...command, argument],
    cwd,
    env: { TMPDIR: temp, TEMP: temp, TMP: temp },
  });
  ctx.procs.push(proc);
  ctx.program = proc;
  const exit = await proc.waitExit(exitMs + 30_000).catch(() => undefined);
  const wall = (Date.now() - started) / 1000;
  assertStarted(proc, command);
  list.check(
    'web.exit',
    exit?.code === 0,
    'exit code 0',
    exit ? (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`) : 'still running',
    exit ? missingModule(proc.stderr) : `stopped after ${((exitMs + 30_000) / 1000).toFixed(0)} s`,
  );

  // the files: in the temp folder given, or in the machine's own (a script that hard-codes /tmp)
  const written: string[] = [];
  const problems: string[] = [];
  for (const [i, site] of sites.entries()) {
    const name = multiple ? fileNameFor(urls[i]!) : 'web_page';
    const path = await locate([join(temp, name), join(tmpdir(), name)], started);
    if (!path) {
      problems.push(`${name}: missing`);
      continue;
    }
    written.push(path);
    const content = await readFile(path);
    const wanted = Buffer.from(pageBody(site.path, site.sizeBytes));
    if (!content.equals(wanted))
      problems.push(
        `${path}: ${content.length} bytes, expected ${wanted.length}${firstDifference(content, wanted)}`,
      );
  }
  const fileId = multiple ? 'web.files' : 'web.file';
  const found = (await readdir(temp).catch(() => [] as string[])).join(', ');
  list.check(
    fileId,
    problems.length === 0,
    multiple ? `${sites.length} files such as ${fileNameFor(urls[0]!)}` : 'web_page',
    problems.join('; '),
    problems.length ? `in the temp folder given (TMPDIR=${temp}): ${found || 'nothing'}` : undefined,
  );

  // one line per file written, then the time
  const stdout = { text: proc.stdout, boundaries: new Set<number>() };
  const lines = (multiple ? urls.map(fileNameFor) : ['web_page']).map((name, _i) =>
    writtenLine(written.find((p) => p.endsWith(`/${name}`) || p.endsWith(`\\${name}`)) ?? join(temp, name)),
  );
  ctx.known.push(...lines);
  const missingLine = lines
    .map((line) => ({ line, seen: findMessage(stdout, line, ctx.known) }))
    .find(({ seen }) => seen.kind !== 'exact');
  if (!missingLine) list.pass('web.written-lines');
  else
    list.observe(
      'web.written-lines',
      missingLine.line,
      missingLine.seen.kind === 'near' ? missingLine.seen : { kind: 'missing', seen: proc.stdout },
    );

  const time = proc.stdout.match(TIME_LINE);
  const loose = proc.stdout.split('\n').find((line) => /programme a pris/i.test(line));
  if (time) list.pass('web.time-line');
  else if (loose)
    list.near(
      'web.time-line',
      "Le programme a pris 0.35 secondes pour s'exécuter.",
      loose,
      'not the exact form (two decimals, a final period)',
    );
  else list.fail('web.time-line', "Le programme a pris 0.35 secondes pour s'exécuter.", proc.stdout);

  if (!multiple) return;
  const id = `web.duration-${variant}`;
  const sum = sites.reduce((total, site) => total + site.latencyMs, 0) / 1000;
  const max = Math.max(...sites.map((site) => site.latencyMs)) / 1000;
  const reported = Number(loose?.match(/(\d+(?:[.,]\d+)?)/)?.[1]?.replace(',', '.'));
  const seconds = Number.isFinite(reported) && reported <= wall + 0.1 ? reported : wall;
  const source =
    seconds === wall ? 'measured by the checker, startup included' : 'as the program reported it';
  if (variant === 'sync-multiple') {
    list.check(
      id,
      seconds >= 0.9 * sum,
      `at least ${(0.9 * sum).toFixed(2)} s (the sum is ${sum.toFixed(2)} s)`,
      `${seconds.toFixed(2)} s (${source})`,
    );
  } else {
    const limit = (max + sum) / 2;
    list.check(
      id,
      seconds >= 0.9 * max && seconds < limit,
      `${(0.9 * max).toFixed(2)}–${limit.toFixed(2)} s (the longest latency is ${max.toFixed(2)} s, the sum ${sum.toFixed(2)} s)`,
      `${seconds.toFixed(2)} s (${source})`,
    );
  }
}

/** The first candidate path that exists and was written after `since`. */
async function locate(paths: string[], since: number): Promise<string | undefined> {
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs >= since - 1_000) return path;
  }
  return undefined;
}

function firstDifference(a: Buffer, b: Buffer): string {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return `, first difference at byte ${i}`;
  return '';
}

/** The lab's Python web scripts need three libraries that only Debian's packages give /usr/bin/python3. */
export const PYTHON_WEB_PACKAGES = 'python3-aiohttp python3-aiofiles python3-requests';

/** How to install a library the script could not import, in one line, or undefined. */
function missingModule(stderr: string): string | undefined {
  const module = /No module named '(aiohttp|aiofiles|requests)'/.exec(stderr)?.[1];
  return module
    ? `Python has no "${module}": sudo apt-get install ${PYTHON_WEB_PACKAGES}, then run it with /usr/bin/python3`
    : undefined;
}
