// What a step's page says, independent of the output format: the lesson, the commands, and for each file
// its diffs from its predecessors (lineage). readme.ts renders it as Markdown, site.ts as HTML.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT,
  nextStep,
  predecessors,
  previousStep,
  readStepFile,
  stepOfFile,
  type Lang,
  type Step,
} from '../steps.ts';
import { diffTexts, type FileDiff } from '../textdiff.ts';

export const DOCS_SRC = join(ROOT, 'docs-src');

export type Strings = Record<string, string>;

let strings: Record<Lang, Strings> | undefined;

/** The site's interface words, from docs-src/strings.json. */
export function t(lang: Lang, key: string, params: Record<string, string> = {}): string {
  const value = tOptional(lang, key, params);
  if (value === undefined) throw new Error(`docs-src/strings.json has no "${key}" for ${lang}`);
  return value;
}

/** The same, or undefined when strings.json has no such key. */
export function tOptional(lang: Lang, key: string, params: Record<string, string> = {}): string | undefined {
  strings ??= JSON.parse(readFileSync(join(DOCS_SRC, 'strings.json'), 'utf8')) as Record<Lang, Strings>;
  return strings[lang][key]?.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** A source file of docs-src, or undefined when it does not exist (optional pages). */
export function docsSource(name: string): string | undefined {
  const path = join(DOCS_SRC, name);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export function lessonOf(step: Step, lang: Lang): string | undefined {
  const path = join(step.dir, `lesson.${lang}.md`);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export interface Command {
  command: string;
  note: string;
}

/** The exact commands that run the step: its demo, its roles, its other runnable files, then step.json's extras. */
export function commandsOf(step: Step, lang: Lang): Command[] {
  const n = String(step.number);
  const commands: Command[] = [
    { command: `npm run step ${n}`, note: t(lang, 'runDemo', { what: step.demo.note[lang] }) },
  ];
  const roles = step.roles ?? {};
  if (roles.server)
    commands.push({
      command: `npm run step ${n} server`,
      note: t(lang, 'runServer', { file: roles.server }),
    });
  if (roles.client)
    commands.push({
      command: `npm run step ${n} client`,
      note: t(lang, 'runClient', { file: roles.client }),
    });
  const roleFiles = Object.values(roles);
  for (const file of step.files) {
    if (!file.endsWith('.ts') || roleFiles.includes(file)) continue;
    commands.push({ command: `npm run step ${n} ${file.replace(/\.ts$/, '')}`, note: t(lang, 'runFile') });
  }
  for (const extra of step.commands ?? []) commands.push({ command: extra.command, note: extra.note[lang] });
  return commands;
}

/** The exercise mode's commands for the step, or none when its step.json has no exercise. */
export function exerciseCommands(step: Step, lang: Lang): Command[] {
  if (!step.exercise) return [];
  const n = String(step.number);
  return [
    { command: `npm run exercise ${n}`, note: t(lang, 'exPrepare', { id: step.id }) },
    { command: `npm run verify ${n}`, note: t(lang, 'exVerify') },
    { command: `npm run hint ${n}`, note: t(lang, 'exHint') },
    { command: `npm run solution ${n}`, note: t(lang, 'exSolution') },
    { command: `npm run exercise -- ${n} --python`, note: t(lang, 'exPython') },
  ];
}

/** A direct command for one file, for the curious: `npx tsx steps/…/file.ts`. */
export function directCommand(step: Step): string | undefined {
  const file = step.roles?.server ?? step.files.find((f) => f.endsWith('.ts'));
  return file ? `npx tsx steps/${stepOfFile(file).id}/${file}` : undefined;
}

export interface DiffSection {
  /** The predecessor and the step that owns it. */
  from: string;
  fromStep: Step;
  /** Undefined when either file is not written yet. */
  diff?: FileDiff;
}

export interface FileSection {
  file: string;
  /** Undefined while the file is not written yet. */
  text?: string;
  /** Empty on the file's first appearance: the page shows the whole file. */
  diffs: DiffSection[];
}

export interface StepContent {
  step: Step;
  prev?: Step;
  next?: Step;
  files: FileSection[];
  /** Files of earlier steps this step still runs unchanged (roles), e.g. step 04's client. */
  borrowed: { file: string; step: Step }[];
}

export function stepContent(step: Step): StepContent {
  const files = step.files.map((file): FileSection => {
    const text = readStepFile(file);
    const diffs = predecessors(file).map((from): DiffSection => {
      const oldText = readStepFile(from);
      const diff =
        oldText !== undefined && text !== undefined ? diffTexts(from, oldText, file, text) : undefined;
      return { from, fromStep: stepOfFile(from), diff };
    });
    return { file, text, diffs };
  });
  const borrowed = Object.values(step.roles ?? {})
    .filter((file) => !step.files.includes(file))
    .map((file) => ({ file, step: stepOfFile(file) }));
  return { step, prev: previousStep(step), next: nextStep(step), files, borrowed };
}

/** `05 · Pseudonyms` */
export function stepLabel(step: Step, lang: Lang): string {
  return `${step.id.slice(0, 2)} · ${step.title[lang]}`;
}
