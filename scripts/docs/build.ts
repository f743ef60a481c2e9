// Everything `npm run docs` writes, computed in memory (path relative to the repository → content), then
// either written or compared with what is on disk (`--check`). Deterministic: no dates, no absolute paths.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { LANGS, ROOT, loadSteps } from '../steps.ts';
import { FILES_WITH_BLOCKS, fillBlocks } from './blocks.ts';
import { getHighlighter } from './highlight.ts';
import { readmeName, renderReadme } from './readme.ts';
import { buildSite } from './site.ts';

export const SITE_DIR = 'docs';

export async function buildAll(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const step of loadSteps()) {
    for (const lang of LANGS) out.set(`steps/${step.id}/${readmeName(lang)}`, renderReadme(step, lang));
  }
  // The hand-written files that hold generated blocks (the root README's steps table).
  for (const { path, lang } of FILES_WITH_BLOCKS) {
    if (!existsSync(join(ROOT, path))) continue;
    const text = readFileSync(join(ROOT, path), 'utf8');
    out.set(path, fillBlocks(text, { lang, baseDir: dirname(path) === '.' ? '' : dirname(path) }, path));
  }
  const site = buildSite(await getHighlighter());
  for (const [path, text] of site) out.set(`${SITE_DIR}/${path}`, text);
  return out;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
}

/** Files under `root` that differ from what the generator would write, missing, or left over in docs/. */
export function staleFiles(files: Map<string, string>, root = ROOT): string[] {
  const stale: string[] = [];
  for (const [path, text] of files) {
    const full = join(root, path);
    // A checkout with CRLF line endings (git on Windows) is not stale for that.
    if (!existsSync(full) || readFileSync(full, 'utf8').replace(/\r\n/g, '\n') !== text) stale.push(path);
  }
  for (const path of listFiles(join(root, SITE_DIR))) {
    const rel = `${SITE_DIR}/${path}`;
    if (!files.has(rel)) stale.push(rel);
  }
  return stale.sort();
}

/** Writes what changed and removes what the site no longer has; returns the paths touched. */
export function writeFiles(files: Map<string, string>, root = ROOT): string[] {
  const touched = staleFiles(files, root);
  for (const path of touched) {
    const full = join(root, path);
    const text = files.get(path);
    if (text === undefined) {
      rmSync(full);
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return touched;
}
