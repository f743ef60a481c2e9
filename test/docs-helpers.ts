// Shared by the docs tests: running a script of the repository, and reading links and ids out of HTML.
import { execFile } from 'node:child_process';
import { posix } from 'node:path';
import { tsxCommand } from '../scripts/proc.ts';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tsx <script> <args>` in `cwd` (the repository by default) and collects its output. */
export function runScript(
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  const [command, argv] = tsxCommand(script, args);
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'npm_config_color', 'npm_config_stat', 'npm_config_check'])
    if (!options.env?.[name]) delete env[name];
  return new Promise((resolve) => {
    execFile(command, argv, { cwd: options.cwd, env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const decode = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

export interface Link {
  tag: string;
  attr: string;
  value: string;
}

/** Every href/src of the page with the tag that carries it. */
export function linksOf(html: string): Link[] {
  const links: Link[] = [];
  for (const tag of html.matchAll(/<([a-z]+)\b[^>]*>/gi)) {
    for (const attr of tag[0].matchAll(/\s(href|src)="([^"]*)"/g))
      links.push({ tag: tag[1]!.toLowerCase(), attr: attr[1]!, value: decode(attr[2]!) });
  }
  return links;
}

export function idsOf(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => decode(m[1]!)));
}

export const isExternal = (href: string) => /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//');

/** The site path a relative href of `page` points to, and its fragment. */
export function resolveHref(page: string, href: string): { path: string; hash?: string } {
  const [path = '', hash] = href.split('#', 2);
  return {
    path: path === '' ? page : posix.normalize(posix.join(posix.dirname(page), decodeURIComponent(path))),
    hash,
  };
}
