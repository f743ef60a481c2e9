// The figures of `npm run bench -- --save` (docs-src/bench.json) as the docs show them: a table for the
// README and the site, static SVG charts for the Performance page, and how many clients one server holds.
// Nothing here is typed by hand: every number comes from the saved run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchFile } from '../bench.ts';
import type { RunFigures } from '../bench/load.ts';
import { memoryPerClient } from '../bench/stats.ts';
import { ROOT, type Lang } from '../steps.ts';
import { escapeHtml } from './html.ts';

export function loadBench(path = join(ROOT, 'docs-src', 'bench.json')): BenchFile | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BenchFile) : undefined;
}

const num = (lang: Lang, value: number, digits = 0): string =>
  value.toLocaleString(lang === 'en' ? 'en' : 'fr', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

/** What one server holds, as the capacity sentence says it (numbers already formatted). */
interface Holds {
  /** KiB per client right after the joins, and after the silence when measured. */
  kib: { ours: string; python: string };
  silentKib?: { ours: string; python: string };
  /** Clients in 1 GiB: a figure, or a range from one memory per client to the other. */
  clients: { ours: string; python: string };
  fds: string;
}

const WORDS = {
  en: {
    none: 'No figures saved yet: `npm run bench -- --save` measures them.',
    measured: (b: BenchFile) =>
      `Measured on ${b.date} by \`npm run bench -- --save\` on ${b.machine.cores} cores ` +
      `(${b.machine.model}), load average ${b.machine.load} at the start; Node ` +
      `${b.machine.node}, ${b.machine.python}. Chat: every client joins, then ${b.load.senders} ` +
      `of them send ${b.load.messages} messages each, all at once. Our server runs as \`npm run ` +
      `step 6 server\` starts it: \`${b.ours ?? 'node'}\`. Each chat figure is the median of ` +
      `${b.runs ?? 1} run${(b.runs ?? 1) > 1 ? 's' : ''}, ours and Python in turn, taken figure by figure (a ` +
      `p50 and a p99 may come from different runs); a loss in any run is kept.`,
    start: (runs: number, npm: string, alone: string) =>
      `\`npm run step 6 server\` listens ${npm} s after the command (median of ${runs}), the server ` +
      `alone ${alone} s: npm and the runner take the rest.`,
    clients: 'clients',
    ours: 'ours',
    ratio: 'ours/Python (first figure)',
    urls: 'URLs',
    floor: 'floor: sum / max',
    rows: [
      'join p50 / p99 (ms)',
      'fan-out latency p50 / p99 (ms)',
      'deliveries per second',
      'lost (cut) / expected',
      'server memory, all joined (MiB)',
      '… and after the silence (MiB, one run)',
      'server memory per 1,000 clients (MiB)',
      'server CPU, joins + burst (s)',
      'load generator CPU (s)',
    ],
    latencyChart: 'Fan-out latency against clients (ms)',
    memoryChart: 'Server memory with everyone joined (MiB)',
    silentSeries: 'ours, silent room',
    cpuChart: 'Server CPU time for the whole load (s)',
    webChart: 'Downloading the list, against its number of URLs (s)',
    clientsAxis: 'clients',
    urlsAxis: 'URLs',
    settled: (seconds: number) =>
      `"After the silence": the memory read again once everyone joined and the room has been silent for ` +
      `${seconds} s, in the first run of each side only (one run, where the other figures are medians). ` +
      `Node frees garbage only when its collector runs: right after the joins, our server still holds ` +
      `what they left behind, until V8's memory reducer collects it, a few seconds (about 8 in Node 20) ` +
      `after the last full collection of a process gone quiet. Python frees each object as soon as it ` +
      `is unused.`,
    range: (low: string, high: string) => (low === high ? low : `${low} to ${high}`),
    holds: (h: Holds) =>
      `Measured: one joined client costs our server about ${h.kib.ours} KiB of memory` +
      (h.silentKib
        ? ` right after the joins and ${h.silentKib.ours} KiB after the silence (the lab's Python: ` +
          `${h.kib.python} and ${h.silentKib.python} KiB)`
        : ` (the lab's Python: ${h.kib.python} KiB)`) +
      `, and ${h.fds} open descriptor. With 1 GiB for the server, memory alone would allow about ` +
      `${h.clients.ours} clients (Python: ${h.clients.python}); the open-file limit usually comes first ` +
      `(\`ulimit -n\`, often 1,024 by default).`,
  },
  fr: {
    none: 'Pas encore de mesures enregistrées : `npm run bench -- --save` les prend.',
    measured: (b: BenchFile) =>
      `Mesuré le ${b.date} par \`npm run bench -- --save\` sur ${b.machine.cores} cœurs ` +
      `(${b.machine.model}), charge moyenne ${b.machine.load} au départ ; Node ` +
      `${b.machine.node}, ${b.machine.python}. Chat : tous les clients rejoignent le salon, puis ` +
      `${b.load.senders} d'entre eux envoient ${b.load.messages} messages chacun, tous d'un coup ` +
      `. Notre serveur tourne comme \`npm run step 6 server\` le lance : \`${b.ours ?? 'node'}\`. ` +
      `Chaque mesure du chat est la médiane de ${b.runs ?? 1} passage${(b.runs ?? 1) > 1 ? 's' : ''}, ` +
      `le nôtre et Python à tour de rôle, prise chiffre par chiffre (un p50 et un p99 peuvent venir de ` +
      `passages différents) ; une perte dans l'un d'eux est gardée.`,
    start: (runs: number, npm: string, alone: string) =>
      `\`npm run step 6 server\` écoute ${npm} s après la commande (médiane de ${runs}), le serveur ` +
      `seul ${alone} s : npm et le lanceur prennent le reste.`,
    clients: 'clients',
    ours: 'le nôtre',
    ratio: 'nôtre/Python (1re mesure)',
    urls: 'URLs',
    floor: 'plancher : somme / max',
    rows: [
      'arrivée p50 / p99 (ms)',
      'latence de diffusion p50 / p99 (ms)',
      'livraisons par seconde',
      'perdus (coupés) / attendus',
      'mémoire du serveur, tous connectés (Mio)',
      '… et après le silence (Mio, un passage)',
      'mémoire du serveur pour 1 000 clients (Mio)',
      'CPU du serveur, arrivées + rafale (s)',
      'CPU du générateur de charge (s)',
    ],
    latencyChart: 'Latence de diffusion selon le nombre de clients (ms)',
    memoryChart: 'Mémoire du serveur, tous connectés (Mio)',
    silentSeries: 'le nôtre, salon muet',
    cpuChart: 'Temps CPU du serveur pour toute la charge (s)',
    webChart: "Télécharger la liste, selon son nombre d'URLs (s)",
    clientsAxis: 'clients',
    urlsAxis: 'URLs',
    settled: (seconds: number) =>
      `« Après le silence » : la mémoire relue une fois tout le monde connecté et le salon silencieux ` +
      `depuis ${seconds} s, au premier passage de chaque serveur seulement (un seul passage, là où ` +
      `les autres chiffres sont des médianes). Node ne libère les déchets que quand son ramasse-miettes ` +
      `s'exécute : juste après les arrivées, notre serveur garde encore ce qu'elles ont laissé, jusqu'à ` +
      `ce que le *memory reducer* de V8 le ramasse, quelques secondes (environ 8 avec Node 20) après le ` +
      `dernier ramassage complet d'un processus devenu inactif. Python libère chaque objet dès qu'il ne ` +
      `sert plus.`,
    range: (low: string, high: string) => (low === high ? low : `${low} à ${high}`),
    holds: (h: Holds) =>
      `Mesuré : un client connecté coûte à notre serveur environ ${h.kib.ours} Kio de mémoire` +
      (h.silentKib
        ? ` juste après les arrivées et ${h.silentKib.ours} Kio après le silence (au Python du TP : ` +
          `${h.kib.python} et ${h.silentKib.python} Kio)`
        : ` (au Python du TP : ${h.kib.python} Kio)`) +
      `, et ${h.fds} descripteur ouvert. Avec 1 Gio pour le serveur, la mémoire seule permettrait ` +
      `environ ${h.clients.ours} clients (Python : ${h.clients.python}) ; la limite de fichiers ouverts ` +
      `arrive en général avant (\`ulimit -n\`, souvent 1 024 par défaut).`,
  },
} as const;

/** Where WORDS.rows has the memory after the silence. */
const SILENT_ROW = 5;

/** The figures of one run, in the order of WORDS.rows. */
function cells(lang: Lang, r: RunFigures | undefined): string[] {
  if (!r) return WORDS[lang].rows.map(() => '—');
  const f = (v: number | undefined, d = 0) =>
    v === undefined || !Number.isFinite(v) ? '—' : num(lang, v, d);
  return [
    `${f(r.join.p50)} / ${f(r.join.p99)}`,
    `${f(r.latency.p50)} / ${f(r.latency.p99)}`,
    f(r.deliveriesPerSecond),
    `${f(r.lost)} (${f(r.cut)}) / ${f(r.expected)}`,
    f(r.memory?.joined, 1),
    f(r.memory?.settled, 1),
    f(r.memory?.perThousand, 1),
    f(serverCpu(r), 2),
    f(r.cpu.generatorJoin + r.cpu.generatorBurst, 2),
  ];
}

const serverCpu = (r: RunFigures): number | undefined =>
  r.cpu.serverJoin === undefined || r.cpu.serverBurst === undefined
    ? undefined
    : r.cpu.serverJoin + r.cpu.serverBurst;

const ratioText = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !b ? '—' : `${(a / b).toFixed(a / b < 10 ? 2 : 0)}×`;

/** The README's and the site's table: chat side by side per number of clients, then the web. */
export function benchTables(lang: Lang, bench = loadBench()): string {
  const w = WORDS[lang];
  if (!bench) return w.none;
  const out: string[] = [w.measured(bench), ''];
  if (bench.start)
    out.push(w.start(bench.start.runs, num(lang, bench.start.npm, 2), num(lang, bench.start.alone, 2)), '');
  out.push(`| ${w.clients} | | ${w.ours} | Python | ${w.ratio} |`, '|---|---|---|---|---|');
  const ratios = (o: RunFigures, p: RunFigures | undefined): string[] => [
    ratioText(o.join.p50, p?.join.p50),
    ratioText(o.latency.p50, p?.latency.p50),
    ratioText(o.deliveriesPerSecond, p?.deliveriesPerSecond),
    '',
    ratioText(o.memory?.joined, p?.memory?.joined),
    ratioText(o.memory?.settled, p?.memory?.settled),
    ratioText(o.memory?.perThousand, p?.memory?.perThousand),
    ratioText(serverCpu(o), p && serverCpu(p)),
    '',
  ];
  const silent = bench.chat.some((pair) => pair.ours.memory?.settled !== undefined);
  for (const pair of bench.chat) {
    const ours = cells(lang, pair.ours);
    const python = cells(lang, pair.python);
    const r = ratios(pair.ours, pair.python);
    w.rows.forEach((label, i) => {
      if (i === SILENT_ROW && !silent) return; // a run saved without the silence
      out.push(
        `| ${i === 0 ? num(lang, pair.clients) : ''} | ${label} | ${ours[i]} | ${python[i]} | ${r[i]} |`,
      );
    });
  }
  if (bench.settle) out.push('', w.settled(bench.settle));
  out.push(
    '',
    `| ${w.urls} | sync: ${w.ours} / Python | async: ${w.ours} / Python | ${w.floor} |`,
    '|---|---|---|---|',
  );
  const s = (v: number | undefined) => (v === undefined ? '—' : `${num(lang, v, 2)} s`);
  for (const web of bench.web) {
    out.push(
      `| ${web.urls} | ${s(web.ours.sync)} / ${s(web.python?.sync)} ` +
        `| ${s(web.ours.async)} / ${s(web.python?.async)} | ${s(web.floor.sum)} / ${s(web.floor.max)} |`,
    );
  }
  return out.join('\n');
}

/** What one server holds, from the largest run's memory and descriptors per client. */
export function benchCapacity(lang: Lang, bench = loadBench()): string {
  const w = WORDS[lang];
  const [first, last] = [bench?.chat[0], bench?.chat.at(-1)];
  if (!first?.ours.memory || !first.python?.memory || !last?.ours.memory || !last.python?.memory)
    return w.none;
  // the slope between the smallest and the largest run; with one run, from idle to everyone joined
  const slopes = (which: 'ours' | 'python') =>
    first === last
      ? { joined: (last[which]!.memory!.perThousand * 1024) / 1000 }
      : memoryPerClient(first[which]!, last[which]!);
  const [ours, python] = [slopes('ours'), slopes('python')];
  const silent = ours.settled !== undefined && python.settled !== undefined; // both sides, or neither
  const kib = (v: number) => num(lang, v, 1);
  const perGiB = (k: number) => Math.floor((1024 * 1024) / k / 1000) * 1000;
  const clients = (s: { joined?: number; settled?: number }): string => {
    const [low, high] = [s.joined!, silent ? s.settled! : s.joined!].map(perGiB).sort((a, b) => a - b);
    return w.range(num(lang, low!), num(lang, high!));
  };
  // descriptors per client: the server's open files with everyone joined, over the clients
  const fds = (last.ours.fds ?? 0) / last.clients;
  return w.holds({
    kib: { ours: kib(ours.joined!), python: kib(python.joined!) },
    silentKib: silent ? { ours: kib(ours.settled!), python: kib(python.settled!) } : undefined,
    clients: { ours: clients(ours), python: clients(python) },
    fds: num(lang, fds, 1),
  });
}

interface Series {
  name: string;
  colour: string;
  dashed?: boolean;
  points: [number, number][];
}

/** A rounded step for about five ticks up to `max`. */
function tickStep(max: number): number {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
}

/** A static line chart: x and y from 0, one polyline per series, a legend on the right. */
export function lineChart(title: string, xAxis: string, all: Series[]): string {
  const series = all.filter((s) => s.points.length > 0); // a figure an older saved run lacks
  const [W, H, left, right, top, bottom] = [640, 300, 56, 170, 34, 44];
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const maxX = Math.max(...xs, 1);
  const yStep = tickStep(Math.max(...series.flatMap((s) => s.points.map(([, y]) => y)), 1e-9));
  const maxY =
    yStep * Math.ceil(Math.max(...series.flatMap((s) => s.points.map(([, y]) => y)), 1e-9) / yStep);
  const px = (x: number) => left + (x / maxX) * (W - left - right);
  const py = (y: number) => H - bottom - (y / maxY) * (H - top - bottom);
  const r = (v: number) => v.toFixed(1);
  const text = (x: number, y: number, content: string, anchor = 'start', more = ''): string =>
    `<text x="${r(x)}" y="${r(y)}" text-anchor="${anchor}" fill="currentColor"${more}>` +
    `${escapeHtml(content)}</text>`;
  const line = (x1: number, x2: number, y1: number, y2: number, colour: string, more = ''): string =>
    `<line x1="${r(x1)}" x2="${r(x2)}" y1="${r(y1)}" y2="${r(y2)}" stroke="${colour}"${more}/>`;
  const out = [
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}" ` +
      'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
    `<title>${escapeHtml(title)}</title>`,
    text(left, 20, title, 'start', ' font-weight="bold" font-size="14"'),
  ];
  for (let y = 0; y <= maxY + 1e-9; y += yStep) {
    out.push(
      line(left, W - right, py(y), py(y), 'currentColor', ' stroke-opacity="0.15"'),
      text(left - 6, py(y) + 4, String(+y.toPrecision(6)), 'end'),
    );
  }
  for (const x of xs) {
    out.push(text(px(x), H - bottom + 16, x.toLocaleString('en'), 'middle'));
  }
  out.push(
    text((left + W - right) / 2, H - 8, xAxis, 'middle'),
    line(left, W - right, H - bottom, H - bottom, 'currentColor'),
  );
  series.forEach((s, i) => {
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const points = s.points.map(([x, y]) => `${r(px(x))},${r(py(y))}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    for (const [x, y] of s.points)
      out.push(
        `<circle cx="${r(px(x))}" cy="${r(py(y))}" r="3" fill="${s.colour}">` +
          `<title>${escapeHtml(`${s.name}: ${+y.toPrecision(4)}`)}</title></circle>`,
      );
    const ly = top + 10 + i * 20;
    out.push(
      line(W - right + 14, W - right + 40, ly, ly, s.colour, ` stroke-width="2"${dash}`),
      text(W - right + 46, ly + 4, s.name),
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

const OURS = '#3178c6';
const PYTHON = '#d9822b';
const FLOOR = '#888888';

/** The Performance page's charts, inline SVG (nothing loaded from anywhere). */
export function benchCharts(lang: Lang, bench = loadBench()): string {
  const w = WORDS[lang];
  if (!bench) return `<p>${escapeHtml(w.none)}</p>`;
  const side = (pick: (r: RunFigures) => number | undefined) => (which: 'ours' | 'python') =>
    bench.chat.flatMap((p): [number, number][] => {
      const run = p[which];
      const v = run && pick(run);
      return v === undefined || !Number.isFinite(v) ? [] : [[p.clients, v]];
    });
  const two = (pick: (r: RunFigures) => number | undefined, suffix = ''): Series[] => [
    { name: `${w.ours}${suffix}`, colour: OURS, points: side(pick)('ours') },
    { name: `Python${suffix}`, colour: PYTHON, points: side(pick)('python') },
  ];
  const latency = [
    ...two((r) => r.latency.p50, ' p50'),
    ...two((r) => r.latency.p99, ' p99').map((s) => ({ ...s, dashed: true })),
  ];
  const web = (pick: (f: BenchFile['web'][number]) => number | undefined) =>
    bench.web.flatMap((f): [number, number][] => {
      const v = pick(f);
      return v === undefined ? [] : [[f.urls, v]];
    });
  const charts = [
    lineChart(w.latencyChart, w.clientsAxis, latency),
    lineChart(w.memoryChart, w.clientsAxis, [
      ...two((r) => r.memory?.joined),
      { name: w.silentSeries, colour: OURS, dashed: true, points: side((r) => r.memory?.settled)('ours') },
    ]),
    lineChart(w.cpuChart, w.clientsAxis, two(serverCpu)),
    lineChart(w.webChart, w.urlsAxis, [
      { name: `sync, ${w.ours}`, colour: OURS, dashed: true, points: web((f) => f.ours.sync) },
      { name: `async, ${w.ours}`, colour: OURS, points: web((f) => f.ours.async) },
      { name: 'sync, Python', colour: PYTHON, dashed: true, points: web((f) => f.python?.sync) },
      { name: 'async, Python', colour: PYTHON, points: web((f) => f.python?.async) },
      { name: `${w.floor.split(':')[0]}: sum`, colour: FLOOR, dashed: true, points: web((f) => f.floor.sum) },
      { name: `${w.floor.split(':')[0]}: max`, colour: FLOOR, points: web((f) => f.floor.max) },
    ]),
  ];
  return `<div class="charts">\n${charts.join('\n')}\n</div>`;
}
