// The static site in docs/: a page per step per language, the pages listed in docs-src/pages.json, and the
// local assets. Every href is relative, so it works from file:// and from any static host.
import { readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { HighlighterCore } from 'shiki/core';
import { LANGS, loadSteps, readStepFile, type Lang, type Step } from '../steps.ts';
import { splitAtMarkers, stepsByPart, partTitle } from './blocks.ts';
import {
  DOCS_SRC,
  commandsOf,
  exerciseCommands,
  directCommand,
  docsSource,
  lessonOf,
  stepContent,
  stepLabel,
  t,
  type Command,
  type FileSection,
} from './content.ts';
import { diffHtml, panesHtml, wholeFileHtml, type PaneRow } from './diffhtml.ts';
import { highlightLines, langOf, resetTokenCss, tokenCss } from './highlight.ts';
import { escapeHtml, join as joinParts } from './html.ts';
import { createMarkdown, headingId, type Markdown, type MarkdownEnv } from './markdown.ts';
import { alignPython, findPythonLine, pythonName, readPython } from './python.ts';

/** A page of docs-src/pages.json. */
export interface PageDef {
  id: string;
  /** A key of strings.json. */
  title: string;
  source: Partial<Record<Lang, string>>;
  /** Page ids that link to this page, or `steps` for every step page. */
  linkedFrom?: string[];
}

/** The site's own pages, from docs-src/pages.json; a page none of whose sources exist is left out. */
export function loadPages(): PageDef[] {
  const path = 'docs-src/pages.json';
  let pages: PageDef[];
  try {
    pages = (JSON.parse(readFileSync(join(DOCS_SRC, 'pages.json'), 'utf8')) as { pages: PageDef[] }).pages;
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  for (const page of pages) {
    if (!/^[a-z][a-z0-9-]*$/.test(page.id ?? ''))
      throw new Error(`${path}: page id "${page.id}" must be lower case letters, digits and "-"`);
    t('en', page.title);
  }
  return pages.filter((page) => LANGS.some((lang) => sourceOf(page, lang) !== undefined));
}

/** The page's Markdown in this language, or in another one when it is not translated yet. */
function sourceOf(page: PageDef, lang: Lang): { name: string; text: string } | undefined {
  for (const l of [lang, ...LANGS.filter((x) => x !== lang)]) {
    const name = page.source[l];
    const text = name === undefined ? undefined : docsSource(name);
    if (name !== undefined && text !== undefined) return { name, text };
  }
  return undefined;
}

/** Where a page lives in docs/: English at the root, French under fr/. */
export function pagePath(page: string | Step, lang: Lang): string {
  const name = typeof page === 'string' ? `${page}.html` : `${page.id}.html`;
  return lang === 'en' ? name : `${lang}/${name}`;
}

/** A relative href from one page of the site to another file of it. */
export function href(fromPage: string, to: string): string {
  const rel = posix.relative(posix.dirname(fromPage), to);
  return rel === '' ? posix.basename(to) : rel;
}

export const fileAnchor = (file: string) => `file-${file}`;
export const diffAnchor = (from: string, file: string) => `diff-${from}-${file}`;
/** The Python beside a file, and one line of that Python (1-based). */
export const pythonAnchor = (file: string) => `py-${file}`;
export const pythonLineAnchor = (pyName: string, n: number) => `py-${pyName}-${n}`;

interface Site {
  hl: HighlighterCore;
  md: Markdown;
  pages: PageDef[];
  /** Highlighted lines of each step file, computed once for both languages. */
  lines: Map<string, string[]>;
  /** The same for the lab's Python of each step file that has one. */
  python: Map<string, string[] | undefined>;
}

function pythonLines(site: Site, file: string): string[] | undefined {
  if (!site.python.has(file)) {
    const text = readPython(file);
    site.python.set(file, text === undefined ? undefined : highlightLines(site.hl, text, 'python'));
  }
  return site.python.get(file);
}

function fileLines(site: Site, file: string): string[] | undefined {
  if (!site.lines.has(file)) {
    const text = readStepFile(file);
    if (text === undefined) return undefined;
    site.lines.set(file, highlightLines(site.hl, text, langOf(file)));
  }
  return site.lines.get(file);
}

/** Turns the relative links of a Markdown source (written for GitHub) into links between site pages. */
function linkResolver(
  site: Site,
  baseDir: string,
  page: string,
  lang: Lang,
): (link: string) => string | null {
  const steps = loadSteps();
  return (link) => {
    const [pathPart = '', hash] = link.split('#', 2);
    const target = posix.normalize(posix.join(baseDir, decodeURIComponent(pathPart)));
    const stepMatch = /^steps\/(\d\d-[^/]+)\/?(.*)$/.exec(target);
    if (stepMatch) {
      const step = steps.find((s) => s.id === stepMatch[1]);
      if (!step) return null;
      const rest = stepMatch[2] ?? '';
      const to = href(page, pagePath(step, lang));
      if (rest === '' || /^(README(\.fr)?\.md|lesson\.(en|fr)\.md)$/.test(rest))
        return hash ? `${to}#${hash}` : to;
      if (!step.files.includes(rest)) return null;
      // `file.ts#py:needle`: the first line of the lab's Python that contains the needle, beside our file.
      if (hash?.startsWith('py:') && pythonLines(site, rest)) {
        const py = readPython(rest)!;
        const n = findPythonLine(py, decodeURIComponent(hash.slice(3)));
        return `${to}#${n === undefined ? pythonAnchor(rest) : pythonLineAnchor(pythonName(rest)!, n + 1)}`;
      }
      return `${to}#${fileAnchor(rest)}`;
    }
    const src = /^docs-src\/([^/]+\.md)$/.exec(target);
    const linked = src && site.pages.find((p) => Object.values(p.source).includes(src[1]!));
    if (linked) return href(page, pagePath(linked.id, lang)) + (hash ? `#${hash}` : '');
    return null;
  };
}

function renderMarkdown(
  site: Site,
  source: string,
  baseDir: string,
  page: string,
  lang: Lang,
  ids: Set<string>,
): string {
  const env: MarkdownEnv = { resolveLink: linkResolver(site, baseDir, page, lang), ids };
  return site.md.render(source, env as unknown as Record<string, unknown>);
}

function layout(opts: {
  lang: Lang;
  page: string;
  title: string;
  otherPage: string;
  body: string;
  diffs: boolean;
  /** The steps navigation, beside the content on a wide screen. */
  aside?: string;
}): string {
  const { lang, page, title, otherPage, body } = opts;
  const other: Lang = lang === 'en' ? 'fr' : 'en';
  const assets = (name: string) => href(page, `assets/${name}`);
  const toggle = opts.diffs
    ? `<div class="view-switch" role="group" aria-label="${t(lang, 'viewLabel')}"><button type="button" data-view="unified" aria-pressed="true">${t(lang, 'unified')}</button><button type="button" data-view="split" aria-pressed="false">${t(lang, 'sideBySide')}</button></div>`
    : '';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(t(lang, 'siteTitle'))}</title>
<link rel="stylesheet" href="${assets('style.css')}">
<link rel="stylesheet" href="${assets('tokens.css')}">
<link rel="alternate" hreflang="${other}" href="${href(page, otherPage)}">
<script src="${assets('site.js')}" defer></script>
</head>
<body>
<a class="skip" href="#content">${t(lang, 'skip')}</a>
<header class="top">
<a class="home" href="${href(page, pagePath(HOME, lang))}">${escapeHtml(t(lang, 'siteTitle'))}</a>
<nav class="tools">${toggle}<a class="lang-switch" href="${href(page, otherPage)}" hreflang="${other}" lang="${other}">${t(other, 'langName')}</a></nav>
</header>
<div class="frame${opts.aside ? ' with-nav' : ''}">
${opts.aside ?? ''}<main id="content">
${body}
</main>
</div>
</body>
</html>
`;
}

function commandHtml(lang: Lang, c: Command): string {
  const cmd = escapeHtml(c.command);
  return `<li class="cmd"><code>${cmd}</code><button type="button" class="copy" data-copy="${cmd}" data-done="${t(lang, 'copied')}">${t(lang, 'copy')}</button><span class="note">${escapeHtml(c.note)}</span></li>`;
}

function stepLink(page: string, step: Step, lang: Lang, anchor?: string): string {
  return href(page, pagePath(step, lang)) + (anchor ? `#${anchor}` : '');
}

function fileSectionHtml(site: Site, page: string, step: Step, section: FileSection, lang: Lang): string {
  const { file } = section;
  const head = `<h3 class="file" id="${fileAnchor(file)}"><code>${escapeHtml(file)}</code></h3>`;
  const newLines = fileLines(site, file);
  if (section.text === undefined || newLines === undefined) {
    return `<section class="file-section">${head}<p class="unavailable">${t(lang, 'notAvailableLong')}</p></section>`;
  }
  const whole = wholeFileHtml(newLines, file);
  const python = pythonHtml(site, file, newLines, lang);
  if (section.diffs.length === 0) {
    return `<section class="file-section">${head}<p>${t(lang, 'newFile')}</p>\n${whole}\n${python}</section>`;
  }
  const diffs = section.diffs.map((d) => {
    const from = escapeHtml(d.from);
    const fromLink = `<a href="${stepLink(page, d.fromStep, lang, fileAnchor(d.from))}"><code>${from}</code></a>`;
    const where = d.fromStep.id === step.id ? '' : ` (${t(lang, 'fromStep')} ${d.fromStep.id.slice(0, 2)})`;
    const caption = `${d.from} → ${file}`;
    const stat = d.diff
      ? ` <span class="stat"><span class="plus">+${d.diff.added}</span> <span class="minus">−${d.diff.removed}</span></span>`
      : '';
    const oldLines = fileLines(site, d.from);
    const body =
      d.diff && oldLines
        ? diffHtml(d.diff, { oldLines, newLines }, caption)
        : `<p class="unavailable">${t(lang, 'notAvailableLong')}</p>`;
    return `<section class="diff" id="${diffAnchor(d.from, file)}"><h4><code>${from}</code> → <code>${escapeHtml(file)}</code>${stat}</h4>
<p class="from">${t(lang, 'diffFrom')} ${fromLink}${where}.</p>
${body}</section>`;
  });
  return `<section class="file-section">${head}\n${diffs.join('\n')}\n${python}
<details class="whole-file"><summary>${t(lang, 'wholeFile')} <code>${escapeHtml(file)}</code> (${newLines.length} ${t(lang, 'lines')})</summary>
${whole}</details></section>`;
}

/** The lab's Python and our TypeScript side by side, function facing function; empty without the Python. */
function pythonHtml(site: Site, file: string, tsLines: string[], lang: Lang): string {
  const pyLines = pythonLines(site, file);
  const pyName = pythonName(file);
  if (!pyLines || !pyName) return '';
  const rows = alignPython(readPython(file)!, readStepFile(file)!);
  const side = (lines: string[], pick: (r: (typeof rows)[number]) => number | undefined, py: boolean) =>
    rows.map((r): PaneRow => {
      const i = pick(r);
      const cls = r.unit ? 'unit' : undefined;
      const pad = r.unit ? 'unit pad' : 'pad';
      if (i === undefined) return { cls: pad, cells: '<td class="num"></td><td class="src empty"> </td>' };
      return {
        cls,
        id: py ? pythonLineAnchor(pyName, i + 1) : undefined,
        cells: `<td class="num" data-n="${i + 1}"></td><td class="src">${lines[i] ?? ''}</td>`,
      };
    });
  const panes = panesHtml('pyts', `${pyName} ↔ ${file}`, [
    { head: `Python · <code>${escapeHtml(pyName)}</code>`, rows: side(pyLines, (r) => r.py, true) },
    { head: `TypeScript · <code>${escapeHtml(file)}</code>`, rows: side(tsLines, (r) => r.ts, false) },
  ]);
  const colon = lang === 'fr' ? ' :' : ':';
  const names = `<code>${escapeHtml(pyName)}</code> ↔ <code>${escapeHtml(file)}</code>`;
  const title = `${t(lang, 'pythonBeside')}${colon} ${names}`;
  return `<section class="python" id="${pythonAnchor(file)}"><h4>${title}</h4>
${panes}</section>`;
}

/** Every step, grouped by part, the current one marked; then the pages linked from every step page. */
function stepsNav(site: Site, page: string, current: Step, lang: Lang): string {
  const groups = stepsByPart().map((group) => {
    const items = group.steps.map((step) => {
      const mark = step.id === current.id ? ' aria-current="page"' : '';
      const label = `<span class="num">${step.id.slice(0, 2)}</span> ${escapeHtml(step.title[lang])}`;
      return `<li><a href="${stepLink(page, step, lang)}"${mark}>${label}</a></li>`;
    });
    return `<p class="part">${escapeHtml(partTitle(lang, group.part))}</p><ol>${items.join('')}</ol>`;
  });
  const links = pageLinks(site, page, 'steps', lang);
  return `<nav class="steps-nav" aria-label="${t(lang, 'stepsNav')}">${groups.join('')}${links}</nav>\n`;
}

/** Links to the pages that pages.json links from `from` (a page id, or `steps`). */
function pageLinks(site: Site, page: string, from: string, lang: Lang): string {
  const linked = site.pages.filter((p) => p.linkedFrom?.includes(from));
  if (linked.length === 0) return '';
  const items = linked.map(
    (p) => `<li><a href="${href(page, pagePath(p.id, lang))}">${escapeHtml(t(lang, p.title))} →</a></li>`,
  );
  return `<ul class="page-links">${items.join('')}</ul>`;
}

function stepPage(site: Site, step: Step, lang: Lang): string {
  const page = pagePath(step, lang);
  const content = stepContent(step);
  // The same ids as GitHub gives the README's headings, so that links written for the README work here.
  const runId = headingId(t(lang, 'howToRun'));
  const codeId = headingId(t(lang, 'theCode'));
  const exerciseId = headingId(t(lang, 'exercise'));
  const ids = new Set([
    'content',
    runId,
    codeId,
    exerciseId,
    ...step.files.map(fileAnchor),
    ...step.files.map(pythonAnchor),
  ]);
  const lesson = lessonOf(step, lang);
  const lessonHtml = lesson
    ? renderMarkdown(site, lesson, `steps/${step.id}`, page, lang, ids)
    : `<p class="unavailable">${t(lang, 'lessonMissing')}</p>`;
  const direct = directCommand(step);
  const nav = (cls: string) =>
    `<nav class="${cls}">${joinParts(
      [
        content.prev
          ? `<a rel="prev" href="${stepLink(page, content.prev, lang)}">← ${escapeHtml(stepLabel(content.prev, lang))}</a>`
          : '<span></span>',
        `<a href="${href(page, pagePath(HOME, lang))}">${t(lang, 'allSteps')}</a>`,
        content.next
          ? `<a rel="next" href="${stepLink(page, content.next, lang)}">${escapeHtml(stepLabel(content.next, lang))} →</a>`
          : '<span></span>',
      ],
      '',
    )}</nav>`;
  const borrowed =
    content.borrowed.length > 0
      ? `<p>${t(lang, 'alsoUses')} ${content.borrowed.map((b) => `<a href="${stepLink(page, b.step, lang, fileAnchor(b.file))}"><code>${escapeHtml(b.file)}</code></a> (${t(lang, 'fromStep')} ${b.step.id.slice(0, 2)})`).join(', ')}.</p>`
      : undefined;
  const body = joinParts([
    nav('prevnext top-nav'),
    `<h1><span class="num">${t(lang, 'step')} ${step.id.slice(0, 2)}</span> ${escapeHtml(step.title[lang])}</h1>`,
    `<p class="section">${t(lang, 'labSection')}${lang === 'fr' ? ' :' : ':'} <strong>${escapeHtml(step.section)}</strong></p>`,
    `<div class="lesson">\n${lessonHtml}</div>`,
    `<h2 id="${escapeHtml(runId)}">${t(lang, 'howToRun')}</h2>`,
    `<ul class="commands">\n${commandsOf(step, lang)
      .map((c) => commandHtml(lang, c))
      .join('\n')}\n</ul>`,
    direct &&
      `<p>${t(lang, 'runDirect')}</p><ul class="commands">${commandHtml(lang, { command: direct, note: '' })}</ul>`,
    step.exercise &&
      `<h2 id="${escapeHtml(exerciseId)}">${t(lang, 'exercise')}</h2>\n<p class="brief">${escapeHtml(step.exercise.brief[lang])}</p>\n` +
        `<ul class="commands">\n${exerciseCommands(step, lang)
          .map((c) => commandHtml(lang, c))
          .join('\n')}\n</ul>`,
    `<h2 id="${escapeHtml(codeId)}">${t(lang, 'theCode')}</h2>`,
    borrowed,
    ...content.files.map((section) => fileSectionHtml(site, page, step, section, lang)),
    nav('prevnext'),
  ]);
  const other: Lang = lang === 'en' ? 'fr' : 'en';
  return layout({
    lang,
    page,
    title: stepLabel(step, lang),
    otherPage: pagePath(step, other),
    body,
    diffs: true,
    aside: stepsNav(site, page, step, lang),
  });
}

/** A page of pages.json: its Markdown, the generated blocks in it, then the links pages.json asks for. */
function docPage(site: Site, def: PageDef, lang: Lang): string {
  const page = pagePath(def.id, lang);
  const source = sourceOf(def, lang)!;
  const ids = new Set(['content']);
  const where = `docs-src/${source.name}`;
  const stepHref = (step: Step) => stepLink(page, step, lang);
  const home = href(page, pagePath(HOME, lang));
  const content = splitAtMarkers(source.text, where)
    .map((part) => {
      if ('text' in part) return renderMarkdown(site, part.text, 'docs-src', page, lang, ids);
      const ctx = { lang, baseDir: 'docs-src', stepHref };
      return (
        part.block.html?.(ctx) ?? renderMarkdown(site, part.block.markdown(ctx), 'docs-src', page, lang, ids)
      );
    })
    .join('\n');
  const body = joinParts([
    def.id !== HOME &&
      `<nav class="prevnext top-nav"><span></span><a href="${home}">${t(lang, 'allSteps')}</a><span></span></nav>`,
    `<div class="doc page-${def.id}">\n${content}</div>`,
    pageLinks(site, page, def.id, lang),
  ]);
  const other: Lang = lang === 'en' ? 'fr' : 'en';
  return layout({
    lang,
    page,
    title: t(lang, def.title),
    otherPage: pagePath(def.id, other),
    body,
    diffs: false,
  });
}

/** The page every other one links to as "All steps": docs/index.html. */
const HOME = 'index';

/** Every file of docs/, path relative to docs/ → content. */
export function buildSite(hl: HighlighterCore): Map<string, string> {
  resetTokenCss();
  const pages = loadPages();
  if (!pages.some((p) => p.id === HOME))
    throw new Error(`docs-src/pages.json: no page "${HOME}" (the home page)`);
  const site: Site = { hl, md: createMarkdown(hl), pages, lines: new Map(), python: new Map() };
  const out = new Map<string, string>();
  for (const lang of LANGS) {
    for (const def of pages) out.set(pagePath(def.id, lang), docPage(site, def, lang));
    for (const step of loadSteps()) out.set(pagePath(step, lang), stepPage(site, step, lang));
  }
  out.set('assets/tokens.css', tokenCss());
  const assetsDir = join(DOCS_SRC, 'assets');
  for (const name of readdirSync(assetsDir).sort())
    out.set(`assets/${name}`, readFileSync(join(assetsDir, name), 'utf8'));
  return out;
}
