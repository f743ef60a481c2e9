// Downloads one web page and writes it to web_page in the temp folder, without ever blocking.
// Usage: web_async <url> [--timeout <seconds>]
import { writeFile } from 'node:fs/promises';
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

function parseCommandLine(): { url: string; timeoutSeconds: number } {
  try {
    const { values, positionals } = parseArgs({
      options: { timeout: { type: 'string', default: '10' } },
      allowPositionals: true,
    });
    const timeoutSeconds = Number(values.timeout);
    if (positionals.length !== 1 || !(timeoutSeconds > 0 && timeoutSeconds <= 3600))
      throw new Error('usage : web_async <url> [--timeout <secondes>]');
    return { url: positionals[0]!, timeoutSeconds };
  } catch (error) {
    fail((error as Error).message, 2);
  }
}

const { url, timeoutSeconds } = parseCommandLine();
const start = performance.now();
const file = join(tmpdir(), 'web_page');
try {
  await writeContent(await getContent(url, timeoutSeconds), file);
  console.log(`Contenu écrit avec succès dans le fichier : ${file}`);
} catch (error) {
  fail(`${url} : ${explain(error)}`);
}
console.log(
  `Le programme a pris ${((performance.now() - start) / 1000).toFixed(2)} secondes pour s'exécuter.`,
);
