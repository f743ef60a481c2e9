// The two lines the lab's web scripts print, as the checker, the demo, the benchmark and the tests read them.

/** `Contenu écrit avec succès dans le fichier : /tmp/web_page` */
export const writtenLine = (path: string): string => `Contenu écrit avec succès dans le fichier : ${path}`;

/** `Le programme a pris 2.08 secondes pour s'exécuter.`, exactly (two decimals, a final period), on a line of its own. */
export const TIME_LINE = /^Le programme a pris (\d+\.\d{2}) secondes pour s'exécuter\.$/m;

/** The figure a web script prints about itself, in seconds, if it printed the time line. */
export function reportedSeconds(output: string): number | undefined {
  const match = TIME_LINE.exec(output);
  return match ? Number(match[1]) : undefined;
}
