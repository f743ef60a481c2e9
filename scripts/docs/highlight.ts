// Syntax highlighting with shiki: one highlighter, only the grammars and the two themes the docs use.
// Tokens carry both themes as CSS variables (--shiki-light / --shiki-dark); the stylesheet picks one.
import { createHighlighterCore, type HighlighterCore } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import { escapeHtml } from './html.ts';

const THEMES = { light: 'github-light', dark: 'github-dark' } as const;

/** Code-fence names → the grammar that highlights them. */
const ALIASES: Record<string, string> = {
  ts: 'typescript',
  typescript: 'typescript',
  js: 'typescript',
  javascript: 'typescript',
  mjs: 'typescript',
  py: 'python',
  python: 'python',
  sh: 'shellscript',
  bash: 'shellscript',
  shell: 'shellscript',
  console: 'shellscript',
  shellscript: 'shellscript',
  json: 'json',
};

let highlighter: Promise<HighlighterCore> | undefined;

export function getHighlighter(): Promise<HighlighterCore> {
  highlighter ??= createHighlighterCore({
    themes: [import('shiki/themes/github-light.mjs'), import('shiki/themes/github-dark.mjs')],
    langs: [
      import('shiki/langs/typescript.mjs'),
      import('shiki/langs/python.mjs'),
      import('shiki/langs/shellscript.mjs'),
      import('shiki/langs/json.mjs'),
    ],
    engine: createJavaScriptRegexEngine(),
  });
  return highlighter;
}

/** The grammar for a file name or a fence name; undefined means plain text. */
export function langOf(nameOrFence: string): string | undefined {
  const key = nameOrFence.includes('.') ? nameOrFence.slice(nameOrFence.lastIndexOf('.') + 1) : nameOrFence;
  return ALIASES[key.toLowerCase()];
}

/**
 * Token colours become classes named after the two colours (`c-D73A49-F97583`), not inline styles: the
 * pages are half the size. tokenCss() writes the stylesheet of every class used so far.
 */
const used = new Map<string, string>();

function tokenClass(style: Record<string, string>): string | undefined {
  const light = style['--shiki-light'];
  const dark = style['--shiki-dark'];
  if (!light || !dark || Object.keys(style).length !== 2) return undefined;
  const name = `c-${light.slice(1)}-${dark.slice(1)}`.toUpperCase().replace(/^C-/, 'c-');
  used.set(name, `.${name}{--shiki-light:${light};--shiki-dark:${dark}}`);
  return name;
}

/** Forgets the classes used so far (a new build starts). */
export function resetTokenCss(): void {
  used.clear();
}

export function tokenCss(): string {
  return (
    [...used.keys()]
      .sort()
      .map((k) => used.get(k)!)
      .join('\n') + '\n'
  );
}

/** Each line of the code as HTML (highlighted spans), so that a diff can pick lines from either file. */
export function highlightLines(hl: HighlighterCore, code: string, lang: string | undefined): string[] {
  const text = code.replace(/\r\n/g, '\n').replace(/\n$/, '');
  if (!lang) return text.split('\n').map(escapeHtml);
  // No time limit per line (shiki's default is 500 ms): on a loaded machine the first lines, while the
  // grammar compiles, would otherwise come out half-tokenised, and the output would not be deterministic.
  const { tokens } = hl.codeToTokens(text, {
    lang,
    themes: THEMES,
    defaultColor: false,
    tokenizeTimeLimit: 0,
    tokenizeMaxLineLength: 0,
  });
  return tokens.map((line) =>
    line
      .map((t) => {
        const cls = tokenClass(t.htmlStyle ?? {});
        if (cls) return `<span class="${cls}">${escapeHtml(t.content)}</span>`;
        const style = Object.entries(t.htmlStyle ?? {})
          .map(([k, v]) => `${k}:${v}`)
          .join(';');
        return style
          ? `<span style="${escapeHtml(style)}">${escapeHtml(t.content)}</span>`
          : escapeHtml(t.content);
      })
      .join(''),
  );
}

/** A whole code block (`<pre class="shiki">`), used for Markdown fences. */
export function highlightBlock(hl: HighlighterCore, code: string, fence: string): string {
  const lang = langOf(fence);
  const lines = highlightLines(hl, code, lang);
  return `<pre class="shiki"><code>${lines.map((l) => `<span class="line">${l}</span>`).join('\n')}</code></pre>`;
}
