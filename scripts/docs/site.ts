// The static site in docs/: an index per language, a page per step per language, an optional teachers'
// page, and the local assets. Every href is relative, so it works from file:// and from any static host.
import { readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { HighlighterCore } from 'shiki/core';
import { LANGS, loadSteps, readStepFile, type Lang, type Step } from '../steps.ts';
import {
  DOCS_SRC,
  commandsOf,
  directCommand,
  docsSource,
  lessonOf,
  stepContent,
  stepLabel,
  t,
  type Command,
  type FileSection,
} from './content.ts';
import { diffHtml, wholeFileHtml } from './diffhtml.ts';
import { highlightLines, langOf, resetTokenCss, tokenCss } from './highlight.ts';
import { escapeHtml, join as joinParts } from './html.ts';
import { createMarkdown, headingId, type Markdown, type MarkdownEnv } from './markdown.ts';

type PageKind = 'index' | 'teachers' | Step;

/** Where a page lives in docs/: English at the root, French under fr/. */
export function pagePath(kind: PageKind, lang: Lang): string {
  const name = kind === 'index' ? 'index.html' : kind === 'teachers' ? 'teachers.html' : `${kind.id}.html`;
  return lang === 'en' ? name : `${lang}/${name}`;
}

/** A relative href from one page of the site to another file of it. */
export function href(fromPage: string, to: string): string {
  const rel = posix.relative(posix.dirname(fromPage), to);
  return rel === '' ? posix.basename(to) : rel;
}

export const fileAnchor = (file: string) => `file-${file}`;
export const diffAnchor = (from: string, file: string) => `diff-${from}-${file}`;

interface Site {
  hl: HighlighterCore;
  md: Markdown;
  hasTeachers: boolean;
  /** Highlighted lines of each step file, computed once for both languages. */
  lines: Map<string, string[]>;
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
      if (step.files.includes(rest)) return `${to}#${fileAnchor(rest)}`;
      return null;
    }
    const src = /^docs-src\/(index|teachers)\.(en|fr)\.md$/.exec(target);
    if (src && (src[1] === 'index' || site.hasTeachers))
      return href(page, pagePath(src[1] as 'index' | 'teachers', lang));
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
<a class="home" href="${href(page, pagePath('index', lang))}">${escapeHtml(t(lang, 'siteTitle'))}</a>
<nav class="tools">${toggle}<a class="lang-switch" href="${href(page, otherPage)}" hreflang="${other}" lang="${other}">${t(other, 'langName')}</a></nav>
</header>
<main id="content">
${body}
</main>
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
  if (section.diffs.length === 0) {
    return `<section class="file-section">${head}<p>${t(lang, 'newFile')}</p>\n${whole}</section>`;
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
  return `<section class="file-section">${head}\n${diffs.join('\n')}
<details class="whole-file"><summary>${t(lang, 'wholeFile')} <code>${escapeHtml(file)}</code> (${newLines.length} ${t(lang, 'lines')})</summary>
${whole}</details></section>`;
}

function stepPage(site: Site, step: Step, lang: Lang): string {
  const page = pagePath(step, lang);
  const content = stepContent(step);
  // The same ids as GitHub gives the README's headings, so that links written for the README work here.
  const runId = headingId(t(lang, 'howToRun'));
  const codeId = headingId(t(lang, 'theCode'));
  const ids = new Set(['content', runId, codeId, ...step.files.map(fileAnchor)]);
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
        `<a href="${href(page, pagePath('index', lang))}">${t(lang, 'allSteps')}</a>`,
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
  });
}

function indexPage(site: Site, lang: Lang): string {
  const page = pagePath('index', lang);
  const ids = new Set(['content', 'steps']);
  const intro = docsSource(`index.${lang}.md`) ?? `# ${t(lang, 'siteTitle')}\n`;
  const mapping = docsSource(`mapping.${lang}.md`);
  const items = loadSteps().map((step) => {
    const unavailable = step.available ? '' : ` <span class="badge">${t(lang, 'notAvailable')}</span>`;
    return `<li><a href="${stepLink(page, step, lang)}"><span class="num">${step.id.slice(0, 2)}</span> ${escapeHtml(step.title[lang])}</a>${unavailable}<span class="section">${escapeHtml(step.section)}</span></li>`;
  });
  const body = joinParts([
    renderMarkdown(site, intro, 'docs-src', page, lang, ids),
    `<h2 id="steps">${t(lang, 'steps')}</h2>`,
    `<ol class="steps">\n${items.join('\n')}\n</ol>`,
    site.hasTeachers &&
      `<p class="teachers-link"><a href="${href(page, pagePath('teachers', lang))}">${t(lang, 'teachers')} →</a></p>`,
    mapping && `<div class="mapping">\n${renderMarkdown(site, mapping, 'docs-src', page, lang, ids)}</div>`,
  ]);
  const other: Lang = lang === 'en' ? 'fr' : 'en';
  return layout({
    lang,
    page,
    title: t(lang, 'allSteps'),
    otherPage: pagePath('index', other),
    body,
    diffs: false,
  });
}

function teachersPage(site: Site, lang: Lang): string {
  const page = pagePath('teachers', lang);
  const source =
    docsSource(`teachers.${lang}.md`) ?? docsSource(`teachers.${lang === 'en' ? 'fr' : 'en'}.md`) ?? '';
  const body =
    `<nav class="prevnext top-nav"><span></span><a href="${href(page, pagePath('index', lang))}">${t(lang, 'allSteps')}</a><span></span></nav>\n` +
    renderMarkdown(site, source, 'docs-src', page, lang, new Set(['content']));
  const other: Lang = lang === 'en' ? 'fr' : 'en';
  return layout({
    lang,
    page,
    title: t(lang, 'teachers'),
    otherPage: pagePath('teachers', other),
    body,
    diffs: false,
  });
}

/** Every file of docs/, path relative to docs/ → content. */
export function buildSite(hl: HighlighterCore): Map<string, string> {
  resetTokenCss();
  const site: Site = {
    hl,
    md: createMarkdown(hl),
    hasTeachers: LANGS.some((lang) => docsSource(`teachers.${lang}.md`) !== undefined),
    lines: new Map(),
  };
  const out = new Map<string, string>();
  for (const lang of LANGS) {
    out.set(pagePath('index', lang), indexPage(site, lang));
    if (site.hasTeachers) out.set(pagePath('teachers', lang), teachersPage(site, lang));
    for (const step of loadSteps()) out.set(pagePath(step, lang), stepPage(site, step, lang));
  }
  out.set('assets/tokens.css', tokenCss());
  const assetsDir = join(DOCS_SRC, 'assets');
  for (const name of readdirSync(assetsDir).sort())
    out.set(`assets/${name}`, readFileSync(join(assetsDir, name), 'utf8'));
  return out;
}
