// A copy of a TypeScript file that runs from elsewhere (a type-stripped step file in node_modules/.cache,
// a bundle of the runner) must still know where its original is: `chat_room.conf` beside the program, the
// repository's root beside scripts/. Plain JavaScript: scripts/launch.mjs uses it before TypeScript can run.
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `code` with each `import.meta.url`, `.filename` and `.dirname`, and each bare `import.meta` (passed to
 * `isEntryPoint`), spelt out as the original file's. `import.meta.resolve` is left as it is: it resolves
 * packages, which the copies find the same way from node_modules/.cache.
 * @param {string} code
 * @param {string} original the original file's absolute path
 * @returns {string}
 */
export function keepPlace(code, original) {
  const place = {
    url: JSON.stringify(pathToFileURL(original).href),
    filename: JSON.stringify(original),
    dirname: JSON.stringify(dirname(original)),
  };
  return code
    .replace(/\bimport\.meta\.(url|filename|dirname)\b/g, (_, key) => place[key])
    .replace(
      /\bimport\.meta\b(?!\.)/g,
      `{ url: ${place.url}, filename: ${place.filename}, dirname: ${place.dirname} }`,
    );
}
