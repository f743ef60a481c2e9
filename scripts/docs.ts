// `npm run docs`: writes each step's README.md / README.fr.md and the static site in docs/.
// `npm run docs -- --check`: writes nothing, exits 1 naming every generated file that is stale.
// `--out <dir>`: another root than the repository (tests).
import { resolve } from 'node:path';
import { UsageError, runMain } from './cli.ts';
import { ROOT } from './steps.ts';
import { buildAll, staleFiles, writeFiles } from './docs/build.ts';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let check = false;
  let root = ROOT;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--check') check = true;
    else if (arg === '--out' && args[i + 1]) root = resolve(args[++i]!);
    else throw new UsageError(`unknown argument "${arg}"; usage: npm run docs [-- --check] [--out <dir>]`);
  }
  const started = performance.now();
  const files = await buildAll();
  if (check) {
    const stale = staleFiles(files, root);
    if (stale.length === 0) {
      console.log(`docs: ${files.size} generated files are up to date`);
      return 0;
    }
    console.error(`docs: ${stale.length} stale file${stale.length === 1 ? '' : 's'} (run \`npm run docs\`):`);
    for (const path of stale) console.error(`  ${path}`);
    return 1;
  }
  const touched = writeFiles(files, root);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`docs: ${files.size} files generated, ${touched.length} written or removed (${seconds} s)`);
  return 0;
}

runMain(main);
