// Downloads one web page and writes it to web_page in the temp folder (/tmp/web_page on Linux).
// Usage: web_sync <url> [--timeout <seconds>]
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, interceptors, request } from 'undici';

// Like requests and aiohttp, follow redirects (http → https, / → /fr/, …), up to 5 of them.
const HTTP_CLIENT = new Agent().compose(interceptors.redirect({ maxRedirections: 5 }));

// Python's requests.get() blocks the program until the page is there. Node has no blocking HTTP
// client: we await the download, and since nothing else is started meanwhile, the timeline is the same.
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

function writeContent(content: string, file: string): void {
  writeFileSync(file, content);
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
      throw new Error('usage : web_sync <url> [--timeout <secondes>]');
    return { url: positionals[0]!, timeoutSeconds };
  } catch (error) {
    fail((error as Error).message, 2);
  }
}

const { url, timeoutSeconds } = parseCommandLine();
const start = performance.now();
const file = join(tmpdir(), 'web_page');
try {
  writeContent(await getContent(url, timeoutSeconds), file);
  console.log(`Contenu écrit avec succès dans le fichier : ${file}`);
} catch (error) {
  fail(`${url} : ${explain(error)}`);
}
console.log(
  `Le programme a pris ${((performance.now() - start) / 1000).toFixed(2)} secondes pour s'exécuter.`,
);
