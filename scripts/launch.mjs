// `npm run step` without a TypeScript loader: `node --import tsx` costs ~100 ms before the first line runs,
// and the command students type most should not. The script (scripts/step.ts and what it imports) is
// bundled once with esbuild, tsx's own compiler, and bundled again when one of its files changes. Plain
// JavaScript, as it runs before anything can read TypeScript.
//   node scripts/launch.mjs scripts/step.ts [args…]
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { keepPlace } from './keep-place.mjs';

if (!process.argv[2]?.endsWith('.ts')) {
  console.error('usage: node scripts/launch.mjs <script.ts> [args…]');
  process.exit(2);
}
const script = resolve(process.argv[2]);
// Under node_modules, so that the bundle's own imports (tsx, undici…) resolve from it as from scripts/.
const cache = join(import.meta.dirname, '..', 'node_modules', '.cache', 'tp6-scripts');
// one bundle per script and place: a copy of the repository (the tests make some) gets its own
const place = createHash('sha256').update(script).digest('hex').slice(0, 12);
const bundle = join(cache, `${basename(script, '.ts')}-${place}.mjs`);
const inputsFile = `${bundle}.json`;

/** A file's size and time: while every file of the bundle keeps its own, the bundle is up to date. */
const stamp = (file) => {
  const { size, mtimeMs } = statSync(file);
  return `${size}:${mtimeMs}`;
};

function upToDate() {
  try {
    const { inputs } = JSON.parse(readFileSync(inputsFile, 'utf8'));
    return Object.entries(inputs).every(([file, was]) => stamp(file) === was);
  } catch {
    return false; // never built, or a file is gone
  }
}

/** Bundles the script; each file is stamped as it is read, so that an edit made meanwhile is seen next time. */
async function build() {
  const { build } = await import('esbuild');
  const inputs = {};
  const readStamped = {
    name: 'read-stamped',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, ({ path }) => {
        inputs[path] = stamp(path);
        return { contents: keepPlace(readFileSync(path, 'utf8'), path), loader: 'ts' };
      });
    },
  };
  const { outputFiles } = await build({
    entryPoints: [script],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    plugins: [readStamped],
  });
  mkdirSync(cache, { recursive: true });
  for (const entry of readdirSync(cache)) {
    // the bundles of copies that are gone (the tests' temporary ones)
    if (!entry.endsWith('.mjs.json')) continue;
    try {
      if (!existsSync(JSON.parse(readFileSync(join(cache, entry), 'utf8')).script)) throw new Error('gone');
    } catch {
      for (const file of [entry, entry.replace(/\.json$/, '')]) rmSync(join(cache, file), { force: true });
    }
  }
  for (const [path, text] of [
    [bundle, outputFiles[0].text],
    [inputsFile, JSON.stringify({ script, inputs })],
  ]) {
    writeFileSync(`${path}.${process.pid}`, text);
    renameSync(`${path}.${process.pid}`, path); // whole or not at all, whatever other runs do
  }
}

if (!upToDate()) {
  try {
    await build();
  } catch (error) {
    const reason = error.errors?.[0]?.text ?? String(error.message).split('\n')[0];
    console.error(`error: ${basename(script)} cannot be prepared: ${reason}`);
    process.exit(1);
  }
}
process.argv.splice(1, 2, script); // the script sees its own arguments, as if started directly
await import(pathToFileURL(bundle).href);
