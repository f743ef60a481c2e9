// `npm run step` without a TypeScript loader: `node --import tsx` costs ~100 ms before the first line runs,
// the command students type most should not. The script (scripts/step.ts and what it imports) is bundled
// once with esbuild, tsx's own compiler, into node_modules/.cache, and bundled again when one of its files
// changes. Plain JavaScript, as it runs before anything can read TypeScript.
//   node scripts/launch.mjs scripts/step.ts [args…]
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const script = resolve(process.argv[2] ?? '');
const cache = join(import.meta.dirname, '..', 'node_modules', '.cache', 'tp6-scripts');
// one bundle per script and place: a copy of the repository (the tests make some) gets its own
const place = createHash('sha256').update(script).digest('hex').slice(0, 12);
const bundle = join(cache, `${basename(script, '.ts')}-${place}.mjs`);
const inputsFile = `${bundle}.json`;

/** Each file the bundle holds, with its size and time: when they still match, the bundle is up to date. */
const stamp = (file) => {
  const { size, mtimeMs } = statSync(file);
  return `${size}:${mtimeMs}`;
};

function upToDate() {
  try {
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    return Object.entries(inputs).every(([file, was]) => stamp(file) === was);
  } catch {
    return false; // never built, or a file is gone
  }
}

/**
 * Each file's `import.meta` is spelt out as the original's (the bundle lives elsewhere): `ROOT` stays the
 * repository, and `isEntryPoint(import.meta)` holds for the script alone.
 */
const keepPlace = {
  name: 'keep-place',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, ({ path }) => {
      const place = {
        url: JSON.stringify(pathToFileURL(path).href),
        filename: JSON.stringify(path),
        dirname: JSON.stringify(dirname(path)),
      };
      const contents = readFileSync(path, 'utf8')
        .replace(/\bimport\.meta\.(url|filename|dirname)\b/g, (_, key) => place[key])
        .replace(/\bimport\.meta\b(?!\.)/g, `{ url: ${place.url}, filename: ${place.filename} }`);
      return { contents, loader: 'ts' };
    });
  },
};

if (!upToDate()) {
  const { build } = await import('esbuild');
  const { outputFiles, metafile } = await build({
    entryPoints: [script],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [keepPlace],
  }).catch((error) => {
    console.error(`error: ${basename(script)} cannot be built: ${error.errors?.[0]?.text ?? error.message}`);
    process.exit(1);
  });
  const inputs = Object.fromEntries(Object.keys(metafile.inputs).map((file) => [resolve(file), stamp(file)]));
  mkdirSync(cache, { recursive: true });
  for (const [path, text] of [
    [bundle, outputFiles[0].text],
    [inputsFile, JSON.stringify(inputs)],
  ]) {
    writeFileSync(`${path}.${process.pid}`, text);
    renameSync(`${path}.${process.pid}`, path); // whole or not at all, whatever other runs do
  }
}
process.argv.splice(1, 2, script); // the script sees its own arguments, as if started directly
await import(pathToFileURL(bundle).href);
