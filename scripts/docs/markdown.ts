// Markdown → HTML for the site (lessons and docs-src pages): markdown-it, shiki for code fences, an id on
// every heading, and relative links rewritten to the site's pages (or to plain text when they point
// outside the site).
import MarkdownIt from 'markdown-it';

export type Markdown = ReturnType<typeof MarkdownIt>;
import type { HighlighterCore } from 'shiki/core';
import { highlightBlock } from './highlight.ts';

export interface MarkdownEnv {
  /** Returns the site href for a relative link, or null to render the link text only. */
  resolveLink: (href: string) => string | null;
  /** Ids already used on the page; headings get unique ones. */
  ids: Set<string>;
}

/** GitHub's way of naming heading anchors, so that `#…` links written for GitHub also work here. */
export function headingId(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function uniqueId(base: string, ids: Set<string>): string {
  let id = base || 'section';
  for (let n = 1; ids.has(id); n++) id = `${base}-${n}`;
  ids.add(id);
  return id;
}

export function isExternal(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//');
}

export function createMarkdown(hl: HighlighterCore): Markdown {
  const md = new MarkdownIt({
    html: false,
    linkify: false,
    typographer: false,
    highlight: (code, lang) => highlightBlock(hl, code, lang || 'text'),
  });
  md.core.ruler.push('site_ids_and_links', (state) => {
    const env = state.env as unknown as MarkdownEnv;
    const tokens = state.tokens;
    // Each table cell is labelled with its column's header, so that a phone can show a row as a block.
    let headers: string[] = [];
    let column = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.type === 'thead_open') headers = [];
      if (token.type === 'tr_open') column = 0;
      if (token.type === 'th_open') headers.push((tokens[i + 1]?.content ?? '').replace(/`/g, ''));
      if (token.type === 'td_open' && headers[column]) token.attrSet('data-label', headers[column]!);
      if (token.type === 'td_open') column++;
      if (token.type === 'heading_open') {
        const inline = tokens[i + 1];
        token.attrSet('id', uniqueId(headingId(inline?.content ?? ''), env.ids));
      }
      if (token.type !== 'inline' || !token.children) continue;
      const stack: { rewrite: boolean }[] = [];
      for (const child of token.children) {
        if (child.type === 'link_open') {
          const href = String(child.attrGet('href') ?? '');
          if (href.startsWith('#') || isExternal(href)) {
            stack.push({ rewrite: false });
            continue;
          }
          const resolved = env.resolveLink(href);
          if (resolved === null) {
            child.tag = 'span';
            child.attrs = [['class', 'nolink']];
            stack.push({ rewrite: true });
          } else {
            child.attrSet('href', resolved);
            stack.push({ rewrite: false });
          }
        } else if (child.type === 'link_close') {
          if (stack.pop()?.rewrite) child.tag = 'span';
        }
      }
    }
  });
  return md;
}
