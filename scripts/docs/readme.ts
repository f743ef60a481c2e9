// steps/NN-*/README.md and README.fr.md: the step's page as Markdown, readable on GitHub.
import type { Lang, Step } from '../steps.ts';
import {
  commandsOf,
  exerciseCommands,
  directCommand,
  lessonOf,
  stepContent,
  stepLabel,
  t,
  type FileSection,
} from './content.ts';
import { hunkHeader, type FileDiff } from '../textdiff.ts';
import { langOf } from './highlight.ts';
import { PYTHON_DIR, pythonName, readPython } from './python.ts';

export function readmeName(lang: Lang): string {
  return lang === 'en' ? 'README.md' : `README.${lang}.md`;
}

/** A fence longer than any run of backticks in the text. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function codeBlock(text: string, lang: string): string {
  const body = text.replace(/\r\n/g, '\n').replace(/\n$/, '');
  const f = fence(body);
  return `${f}${lang}\n${body}\n${f}`;
}

/** The unified diff body (hunk headers and lines, no file headers: the heading names the files). */
export function diffMarkdown(diff: FileDiff): string {
  const lines = diff.hunks.flatMap((h) => [
    hunkHeader(h),
    ...h.lines.map((l) => (l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' ') + l.text),
  ]);
  return codeBlock(lines.join('\n') || '(no change)', 'diff');
}

/** Relative link from one step folder to a file of any step. */
function fileLink(from: Step, to: Step, file: string): string {
  return from.id === to.id ? file : `../${to.id}/${file}`;
}

function stepLink(to: Step, lang: Lang): string {
  return `[${stepLabel(to, lang)}](../${to.id}/${readmeName(lang)})`;
}

/** The lab's Python for the file, collapsed (GitHub renders `<details>`), when reference/python/ has it. */
function pythonSection(file: string, lang: Lang): string[] {
  const py = readPython(file);
  const name = pythonName(file);
  if (py === undefined || !name) return [];
  return [
    '<details>',
    `<summary>${t(lang, 'pythonFile')} <code>${name}</code></summary>`,
    '',
    `[${PYTHON_DIR}/${name}](../../${PYTHON_DIR}/${name})`,
    '',
    codeBlock(py, 'python'),
    '',
    '</details>',
    '',
  ];
}

function fileSection(step: Step, section: FileSection, lang: Lang): string[] {
  if (section.text === undefined) return [`### ${section.file}`, '', `_${t(lang, 'notAvailableLong')}_`, ''];
  const out = [`### [${section.file}](${section.file})`, ''];
  if (section.diffs.length === 0) {
    return [
      ...out,
      t(lang, 'newFile'),
      '',
      codeBlock(section.text, langOf(section.file) ? 'ts' : 'text'),
      '',
      ...pythonSection(section.file, lang),
    ];
  }
  for (const d of section.diffs) {
    out.push(`#### \`${d.from}\` → \`${section.file}\``, '');
    out.push(
      `${t(lang, 'diffFrom')} [${d.from}](${fileLink(step, d.fromStep, d.from)})${d.fromStep.id === step.id ? '' : ` (${t(lang, 'fromStep')} ${d.fromStep.id.slice(0, 2)})`}.`,
      '',
    );
    out.push(d.diff ? diffMarkdown(d.diff) : `_${t(lang, 'notAvailableLong')}_`, '');
  }
  out.push(...pythonSection(section.file, lang));
  return out;
}

export function renderReadme(step: Step, lang: Lang): string {
  const content = stepContent(step);
  const other: Lang = lang === 'en' ? 'fr' : 'en';
  const nav = [
    content.prev && `← ${stepLink(content.prev, lang)}`,
    content.next && `${stepLink(content.next, lang)} →`,
  ]
    .filter(Boolean)
    .join(' · ');
  const lesson = lessonOf(step, lang);
  const commands = commandsOf(step, lang);
  const width = Math.max(...commands.map((c) => c.command.length));
  const direct = directCommand(step);
  const out: string[] = [
    `<!-- ${t(lang, 'generatedNote')} -->`,
    '',
    `**${t(lang, 'langName')}** · [${t(other, 'langName')}](${readmeName(other)})`,
    '',
    `# ${t(lang, 'step')} ${stepLabel(step, lang)}`,
    '',
    `${t(lang, 'labSection')}${lang === 'fr' ? ' :' : ':'} **${step.section}**${nav ? ` · ${nav}` : ''}`,
    '',
    lesson ? lesson.replace(/\r\n/g, '\n').trim() : `_${t(lang, 'lessonMissing')}_`,
    '',
    `## ${t(lang, 'howToRun')}`,
    '',
    codeBlock(commands.map((c) => `${c.command.padEnd(width)}   # ${c.note}`).join('\n'), 'sh'),
    '',
  ];
  if (direct) out.push(t(lang, 'runDirect'), '', codeBlock(direct, 'sh'), '');
  const exercise = exerciseCommands(step, lang);
  if (step.exercise && exercise.length > 0) {
    const wide = Math.max(...exercise.map((c) => c.command.length));
    const lines = exercise.map((c) => `${c.command.padEnd(wide)}   # ${c.note}`).join('\n');
    out.push(`## ${t(lang, 'exercise')}`, '', step.exercise.brief[lang], '', codeBlock(lines, 'sh'), '');
  }
  out.push(`## ${t(lang, 'theCode')}`, '');
  if (content.borrowed.length > 0) {
    out.push(
      `${t(lang, 'alsoUses')} ${content.borrowed.map((b) => `[${b.file}](${fileLink(step, b.step, b.file)}) (${t(lang, 'fromStep')} ${b.step.id.slice(0, 2)})`).join(', ')}.`,
      '',
    );
  }
  for (const section of content.files) out.push(...fileSection(step, section, lang));
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}
