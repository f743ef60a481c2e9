// The command line of `npm run docs`, separate from its entry point so that tests can call it in-process.
import { resolve } from 'node:path';
import { UsageError, parseCommandLine } from '../cli.ts';
import { ROOT } from '../steps.ts';
import { buildAll, staleFiles, writeFiles } from './build.ts';

export const USAGE = 'usage: npm run docs [-- --check] [--out <dir>]';

/** `--check`: write nothing, exit 1 naming the stale files. `--out <dir>`: another root than the repository. */
/** `prebuilt`: files already generated in this process (tests), instead of building them again. */
/** `env`: `npm run docs --check` (without `--`) leaves the flag to npm, which sets npm_config_check. */
export async function docsMain(
  args: readonly string[],
  prebuilt?: Map<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCommandLine(
    {
      args: [...args],
      allowPositionals: true,
      options: {
        check: { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`unknown argument "${positionals[0]}"; ${USAGE}`);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const check = values.check === true || env.npm_config_check === 'true';
  const root = values.out === undefined ? ROOT : resolve(values.out);
  const started = performance.now();
  const files = prebuilt ?? (await buildAll());
  if (check) {
    const stale = staleFiles(files, root);
    if (stale.length === 0) {
      console.log(`docs: the ${files.size} generated files are up to date`);
      return 0;
    }
    console.error(`docs: ${stale.length} stale file${stale.length === 1 ? '' : 's'}, run \`npm run docs\`:`);
    for (const path of stale) console.error(`  ${path}`);
    return 1;
  }
  const touched = writeFiles(files, root);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`docs: ${files.size} files generated, ${touched.length} written or removed (${seconds} s)`);
  return 0;
}
