// `npm run docs`: writes each step's README.md / README.fr.md, the root README's generated blocks and the
// static site in docs/. `npm run docs -- --check` (or `npm run docs --check`): writes nothing, exits 1
// naming every generated file that is stale.
import { isEntryPoint, runMain } from './cli.ts';
import { docsMain } from './docs/cli.ts';

if (isEntryPoint(import.meta)) runMain(() => docsMain(process.argv.slice(2)));
