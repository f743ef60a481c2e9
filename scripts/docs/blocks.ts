// Generated blocks: a page of docs-src holds a marker line `<!-- generated:NAME -->`, the root README a pair
// `<!-- generated:NAME -->` … `<!-- /generated:NAME -->`; `npm run docs` puts there what BLOCKS[NAME]
// returns. A new block is a new entry of BLOCKS (e.g. a table rendered from the checker's registry).
import { posix } from 'node:path';
import { loadSteps, type Lang, type Step } from '../steps.ts';
import { t, tOptional } from './content.ts';
import { escapeHtml } from './html.ts';
import { STOPS_EVERYTHING, SUITES } from '../check/registry.ts';

export interface BlockContext {
  lang: Lang;
  /** The folder of the Markdown file the block goes into, relative to the repository ('' for the root). */
  baseDir: string;
}

/** Markdown for GitHub and the site; `html` replaces it on the site when a block needs its own markup. */
export interface Block {
  markdown: (ctx: BlockContext) => string;
  html?: (ctx: BlockContext & { stepHref: (step: Step) => string }) => string;
}

/** The steps in order, grouped by part (a part with no step has no group). */
export function stepsByPart(steps = loadSteps()): { part: string; steps: Step[] }[] {
  const groups: { part: string; steps: Step[] }[] = [];
  for (const step of steps) {
    const part = step.part;
    const last = groups.at(-1);
    if (last?.part === part) last.steps.push(step);
    else groups.push({ part, steps: [step] });
  }
  return groups;
}

export function partTitle(lang: Lang, part: string): string {
  return tOptional(lang, `part.${part}`) ?? t(lang, 'part', { n: part });
}

/** A link from the Markdown file's folder to a file of the repository. */
const relLink = (ctx: BlockContext, to: string) => posix.relative(ctx.baseDir || '.', to) || '.';

const code = (name: string) => `\`${name}\``;

function stepsTable(ctx: BlockContext): string {
  const { lang } = ctx;
  const out: string[] = [];
  for (const group of stepsByPart()) {
    out.push(`### ${partTitle(lang, group.part)}`, '');
    out.push(
      `| # | ${t(lang, 'folder')} | ${t(lang, 'sectionColumn')} | ${t(lang, 'files')} |`,
      '|---|---|---|---|',
    );
    for (const step of group.steps) {
      const readme = lang === 'en' ? 'README.md' : `README.${lang}.md`;
      const folder = `[${code(`steps/${step.id}`)}](${relLink(ctx, `steps/${step.id}/${readme}`)})`;
      const borrowed = Object.values(step.roles ?? {}).filter((f) => !step.files.includes(f));
      const also = borrowed.length > 0 ? ` (${t(lang, 'alsoRuns')} ${borrowed.map(code).join(', ')})` : '';
      out.push(
        `| ${step.number} | ${folder} | ${step.section} | ${step.files.map(code).join(', ')}${also} |`,
      );
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}

function stepsList(ctx: BlockContext & { stepHref: (step: Step) => string }): string {
  const { lang } = ctx;
  return stepsByPart()
    .map((group) => {
      const items = group.steps.map((step) => {
        const unavailable = step.available ? '' : ` <span class="badge">${t(lang, 'notAvailable')}</span>`;
        const link = `<a href="${ctx.stepHref(step)}"><span class="num">${step.id.slice(0, 2)}</span> ${escapeHtml(step.title[lang])}</a>`;
        return `<li>${link}${unavailable}<span class="section">${escapeHtml(step.section)}</span></li>`;
      });
      const title = `<h3 class="part">${escapeHtml(partTitle(lang, group.part))}</h3>`;
      return `${title}\n<ol class="steps">\n${items.join('\n')}\n</ol>`;
    })
    .join('\n');
}

/** Which steps declare a check (`05`, or `03 (ii_3)` when only some versions of the step do). */
function stepsDeclaring(id: string): string {
  return loadSteps()
    .flatMap((step) => {
      const using = step.checks.filter((target) => target.checks.includes(id));
      if (using.length === 0) return [];
      const n = step.id.slice(0, 2);
      const sameRole = step.checks.filter((target) => target.role === using[0]!.role);
      const partial = using.length < sameRole.length && using.every((target) => target.variant);
      return [partial ? `${n} (${using.map((target) => target.variant).join(', ')})` : n];
    })
    .join(', ');
}

/** Every check of the registry, suite by suite: what it checks, the steps that declare it, its kind. */
function checksTables(ctx: BlockContext): string {
  const { lang } = ctx;
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  const out: string[] = [];
  for (const suite of SUITES) {
    out.push(`**${code(suite.name)}** — ${suite.description[lang]}`, '');
    out.push(
      `| ${t(lang, 'checkColumn')} | ${t(lang, 'whatColumn')} | ${t(lang, 'stepsColumn')} | ${t(lang, 'kindColumn')} |`,
      '|---|---|---|---|',
    );
    for (const check of suite.checks) {
      const kind = t(lang, `kind.${check.category}`);
      out.push(
        `| ${code(check.id)} | ${cell(check.title[lang])} | ${stepsDeclaring(check.id) || '—'} | ${kind} |`,
      );
    }
    out.push('');
  }
  const stops = STOPS_EVERYTHING;
  out.push(
    `${t(lang, 'everyRun')} ${code(stops.id)}: ${stops.title[lang]} — ${t(lang, `kind.${stops.category}`)}.`,
  );
  return out.join('\n');
}

export const BLOCKS: Record<string, Block> = {
  /** Every check of the checker's registry, for the teachers' pages. */
  checks: { markdown: checksTables },
  /** The steps grouped by part: a table in Markdown, the list of the site's index. */
  steps: {
    markdown: stepsTable,
    html: stepsList,
  },
};

const MARKER = /^<!-- generated:([\w.-]+) -->[ \t]*$/;

function block(name: string, where: string): Block {
  const found = BLOCKS[name];
  if (!found)
    throw new Error(`${where}: unknown generated block "${name}"; known: ${Object.keys(BLOCKS).join(', ')}`);
  return found;
}

/** A docs-src page cut at its marker lines: Markdown text and block names, in order. */
export function splitAtMarkers(source: string, where: string): ({ text: string } | { block: Block })[] {
  const parts: ({ text: string } | { block: Block })[] = [];
  let text: string[] = [];
  for (const line of source.replace(/\r\n/g, '\n').split('\n')) {
    const m = MARKER.exec(line);
    if (!m) {
      text.push(line);
      continue;
    }
    parts.push({ text: text.join('\n') }, { block: block(m[1]!, where) });
    text = [];
  }
  parts.push({ text: text.join('\n') });
  return parts;
}

/** A Markdown page with every marker line replaced by its block's Markdown. */
export function expandMarkers(source: string, ctx: BlockContext, where: string): string {
  return splitAtMarkers(source, where)
    .map((p) => ('text' in p ? p.text : p.block.markdown(ctx)))
    .join('\n');
}

/** A file kept by hand (the root README) with its paired markers' contents regenerated. */
export function fillBlocks(source: string, ctx: BlockContext, where: string): string {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    out.push(line);
    const m = MARKER.exec(line);
    if (!m) continue;
    const end = lines.indexOf(`<!-- /generated:${m[1]} -->`, i + 1);
    if (end < 0) throw new Error(`${where}: "${line}" has no closing "<!-- /generated:${m[1]} -->"`);
    out.push('', block(m[1]!, where).markdown(ctx), '', lines[end]!);
    i = end;
  }
  return out.join('\n');
}

/** Hand-written files of the repository that hold generated blocks (path relative to the repository). */
export const FILES_WITH_BLOCKS: { path: string; lang: Lang }[] = [{ path: 'README.md', lang: 'en' }];
