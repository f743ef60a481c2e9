// Downloads every page of a list (one URL per line) all at once, each into its own file in the temp
// folder: https://www.ynov.com/ → /tmp/web_www.ynov.com_ on Linux.
// Usage: web_async_multiple <file> [--timeout <seconds>]
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, interceptors, request } from 'undici';

// Like requests and aiohttp, follow redirects (http → https, / → /fr/, …), up to 5 of them.
const HTTP_CLIENT = new Agent().compose(interceptors.redirect({ maxRedirections: 5 }));

// aiohttp's session.get(): the download runs in the background and the program could do other things
// meanwhile. Here there is nothing else to do: writing the page needs the page.
async function getContent(url: string, timeoutSeconds: number): Promise<string> {
  const response = await request(url, {
    dispatcher: HTTP_CLIENT,
    signal: AbortSignal.timeout(timeoutSeconds * 1000),
  });
  if (response.statusCode < 200 || response.statusCode > 299) {
    await response.body.dump();
    throw new Error(`le serveur a répondu ${response.statusCode}`);
  }
  return response.body.text();
}

// aiofiles: fs/promises hands the write to libuv's thread pool and resolves when it is done.
async function writeContent(content: string, file: string): Promise<void> {
  await writeFile(file, content);
}

// One URL per line; blank lines and # comments are skipped.
async function readUrls(listFile: string): Promise<string[]> {
  const text = await readFile(listFile, 'utf8');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

// https://www.ynov.com/ → web_www.ynov.com_ (on Windows, the characters a file name cannot hold become _ too)
function fileFor(url: string): string {
  const name = `web_${url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replaceAll('/', '_')}`;
  return join(tmpdir(), process.platform === 'win32' ? name.replace(/[<>:"\\|?*]/g, '_') : name);
}

// A failed page is reported and the others go on: returns whether this one was written.
async function savePage(url: string, timeoutSeconds: number): Promise<boolean> {
  const file = fileFor(url);
  try {
    await writeContent(await getContent(url, timeoutSeconds), file);
    console.log(`Contenu écrit avec succès dans le fichier : ${file}`);
    return true;
  } catch (error) {
    console.error(`Erreur : ${url} : ${explain(error)}`);
    return false;
  }
}

// One readable line instead of a stack trace, whatever went wrong.
function explain(error: unknown): string {
  const { name, code, message } = error as NodeJS.ErrnoException;
  if (name === 'TimeoutError') return 'pas de réponse dans le délai imparti';
  if (code === 'ERR_INVALID_URL' || message.startsWith('Invalid URL'))
    return 'URL invalide (http:// ou https:// attendu)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'hôte introuvable';
  if (code === 'ECONNREFUSED') return 'connexion refusée';
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EROFS')
    return `fichier inaccessible (${code})`;
  return message;
}

function fail(message: string, exitCode = 1): never {
  console.error(`Erreur : ${message}`);
  process.exit(exitCode);
}

function parseCommandLine(): { listFile: string; timeoutSeconds: number } {
  try {
    const { values, positionals } = parseArgs({
      options: { timeout: { type: 'string', default: '10' } },
      allowPositionals: true,
    });
    const timeoutSeconds = Number(values.timeout);
    if (positionals.length !== 1 || !(timeoutSeconds > 0 && timeoutSeconds <= 3600))
      throw new Error('usage : web_async_multiple <fichier> [--timeout <secondes>]');
    return { listFile: positionals[0]!, timeoutSeconds };
  } catch (error) {
    fail((error as Error).message, 2);
  }
}

const { listFile, timeoutSeconds } = parseCommandLine();
const start = performance.now();
let urls: string[] = [];
try {
  urls = await readUrls(listFile);
} catch (error) {
  fail(`${listFile} : ${explain(error)}`);
}
if (urls.length === 0) fail(`${listFile} ne contient aucune URL`);
// asyncio.gather(): every download starts now, and Promise.all waits for all of them. savePage never
// throws, so one failure does not cut the others short (otherwise: Promise.allSettled).
const saved = await Promise.all(urls.map((url) => savePage(url, timeoutSeconds)));
const failures = urls.filter((_, i) => !saved[i]);
console.log(
  `Le programme a pris ${((performance.now() - start) / 1000).toFixed(2)} secondes pour s'exécuter.`,
);
if (failures.length > 0) fail(`${failures.length} URL sur ${urls.length} en échec : ${failures.join(', ')}`);
