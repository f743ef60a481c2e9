// A local "fake web": one HTTP server on 127.0.0.1 standing in for several real sites, each answering
// after a set latency with a page of a set size. The machines that run this course have no internet.
// Run it alone with `npx tsx scripts/fakeweb.ts [port]` to point the web scripts at it by hand.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { once } from 'node:events';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, isEntryPoint, runMain } from './cli.ts';

export interface Site {
  /** The path that stands for the site, e.g. `/www.ynov.com/`. */
  path: string;
  latencyMs: number;
  sizeBytes: number;
}

/** Ten sites, as the lab's "Mesure !" asks: 100 to 300 ms each, 1.8 s in all one after the other. */
export const DEFAULT_SITES: readonly Site[] = [
  { path: '/www.ynov.com/', latencyMs: 250, sizeBytes: 48_000 },
  { path: '/www.pokepedia.fr/', latencyMs: 300, sizeBytes: 64_000 },
  { path: '/www.monsterhunter.com/', latencyMs: 200, sizeBytes: 32_000 },
  { path: '/fr.wikipedia.org/wiki/Asynchronisme', latencyMs: 150, sizeBytes: 80_000 },
  { path: '/docs.python.org/3/library/asyncio.html', latencyMs: 120, sizeBytes: 40_000 },
  { path: '/nodejs.org/api/net.html', latencyMs: 180, sizeBytes: 56_000 },
  { path: '/developer.mozilla.org/fr/', latencyMs: 220, sizeBytes: 24_000 },
  { path: '/www.typescriptlang.org/', latencyMs: 100, sizeBytes: 16_000 },
  { path: '/example.org/', latencyMs: 160, sizeBytes: 2_000 },
  { path: '/www.iana.org/help/example-domains', latencyMs: 140, sizeBytes: 8_000 },
];

export interface FakeWeb {
  origin: string;
  port: number;
  sites: readonly Site[];
  /** The full URL of each site, in the order of `sites`. */
  urls: string[];
  url(path: string): string;
  /** How many requests each path received. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** The page served for a path: deterministic, so tests can compare written files byte for byte. */
export function pageBody(path: string, sizeBytes: number): string {
  const head = `<!doctype html>\n<html lang="fr"><head><meta charset="utf-8"><title>${path}</title></head><body>\n<h1>Page ${path} — réponse du faux web</h1>\n`;
  const tail = '</body></html>\n';
  const line = `<p>${path} : contenu de démonstration, é à ç ü.</p>\n`;
  const room = sizeBytes - Buffer.byteLength(head + tail);
  return head + line.repeat(Math.max(0, Math.floor(room / Buffer.byteLength(line)))) + tail;
}

/**
 * Besides the sites, three more routes: `/status/<code>` answers that status code, `/delay/<ms>` answers
 * 200 after that many milliseconds, `/redirect/<path>` redirects (301) to `/<path>`.
 */
export async function startFakeWeb(sites: readonly Site[] = DEFAULT_SITES, port = 0): Promise<FakeWeb> {
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const answerLater = (res: ServerResponse, delayMs: number, status: number, body: string): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      res.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    }, delayMs);
    timers.add(timer);
  };

  const pages = new Map(sites.map((site) => [site.path, pageBody(site.path, site.sizeBytes)]));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const site = sites.find((s) => s.path === path);
    const status = path.match(/^\/status\/(\d{3})$/);
    const delay = path.match(/^\/delay\/(\d+)$/);
    const redirect = path.match(/^\/redirect(\/.*)$/);
    if (site) answerLater(res, site.latencyMs, 200, pages.get(site.path)!);
    else if (status) answerLater(res, 10, Number(status[1]), `<p>status ${status[1]}</p>\n`);
    else if (delay) answerLater(res, Number(delay[1]), 200, pageBody(path, 1_000));
    else if (redirect) res.writeHead(301, { location: redirect[1] }).end();
    else answerLater(res, 10, 404, '<p>404 : page inconnue du faux web</p>\n');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');

  const actualPort = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${actualPort}`;
  const url = (path: string): string => origin + path;
  return {
    origin,
    port: actualPort,
    sites,
    urls: sites.map((s) => url(s.path)),
    url,
    hits,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Writes a URL list (one per line, as the lab's urls.txt) into a fresh temp folder and returns its path. */
export async function writeUrlList(urls: readonly string[], name = 'urls.txt'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tp6-urls-'));
  const file = join(dir, name);
  await writeFile(file, urls.join('\n') + '\n');
  return file;
}

/** `npx tsx scripts/fakeweb.ts [port]`: the fake web alone, until Ctrl+C. */
async function main(): Promise<void> {
  const { positionals } = parseArgs({ allowPositionals: true });
  const port = Number(positionals[0] ?? 0);
  if (positionals.length > 1 || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(
      'usage: npx tsx scripts/fakeweb.ts [port]   (a port is 0–65535; 0 picks a free one)',
    );
  }
  const web = await startFakeWeb(DEFAULT_SITES, port);
  console.log(`Faux web sur ${web.origin} (Ctrl+C pour arrêter) :`);
  for (const [i, site] of web.sites.entries()) {
    console.log(`  ${web.urls[i]}  (${site.latencyMs} ms, ${site.sizeBytes} octets)`);
  }
  const list = await writeUrlList(web.urls);
  console.log(`Liste des URLs : ${list}`);
}

if (isEntryPoint(import.meta)) runMain(main);
