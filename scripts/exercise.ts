// The exercise mode: the student writes each step, in TypeScript or in Python, and the checker says when it works.
//   npm run exercise [N] [--python] [--reset [--yes]] [--lang fr|en]   list the steps, or prepare work/NN-name/
//   npm run verify N [--watch] [--lang fr|en]                           the checker on the student's files
//   npm run hint N                                                       the next hint
//   npm run solution N [--force]                                         the diff from their files to the answer
import { existsSync, readFileSync, watch } from 'node:fs';
import { relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { UsageError, colourer, isEntryPoint, npmFlags, parseCommandLine, runMain } from './cli.ts';
import { unifiedLines } from './diff.ts';
import { verify } from './exercise/verify.ts';
import {
  WORK_DIR,
  clear,
  hasWork,
  inTrack,
  nextToDo,
  ownFile,
  prepare,
  programs,
  readState,
  referenceFile,
  studentLang,
  trackOf,
  updateState,
  workDir,
  type Track,
} from './exercise/workspace.ts';
import { stopAllOnSignals } from './proc.ts';
import { ROOT, findStep, loadSteps, type Lang, type Step } from './steps.ts';
import { diffTexts } from './textdiff.ts';

const USAGE = {
  exercise: 'usage: npm run exercise [-- <step> [--python] [--reset [--yes]] [--lang fr|en]]',
  verify: 'usage: npm run verify -- <step> [--watch] [--lang fr|en]',
  hint: 'usage: npm run hint -- <step> [--lang fr|en]',
  solution: 'usage: npm run solution -- <step> [--force]',
} as const;
type Mode = keyof typeof USAGE;

const paint = colourer(process.stdout);
/** The student's language for the few words around the brief. */
const say = (lang: Lang, en: string, fr: string): string => (lang === 'fr' ? fr : en);
/** A path as the student would type it: relative to where they are, unless it is elsewhere. */
const shown = (path: string): string => {
  const rel = relative(process.env.INIT_CWD ?? ROOT, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
};

function exerciseOf(step: Step): NonNullable<Step['exercise']> {
  if (!step.exercise)
    throw new UsageError(`step ${step.id} has no exercise (its step.json has no "exercise")`);
  return step.exercise;
}

/** `npm run exercise`: every step with its state, and the next one to do. */
function list(lang: Lang): void {
  const state = readState();
  const width = Math.max(...loadSteps().map((s) => s.id.length));
  console.log(
    say(
      lang,
      `The exercises (your work is in ${shown(WORK_DIR)}/):`,
      `Les exercices (votre travail est dans ${shown(WORK_DIR)}/) :`,
    ),
  );
  for (const step of loadSteps().filter((s) => s.exercise)) {
    const verified = state[step.id]?.verified;
    const status = verified
      ? paint('green', `✓ ${say(lang, 'verified', 'vérifié')} ${verified.slice(0, 16).replace('T', ' ')}`)
      : hasWork(step)
        ? paint('yellow', say(lang, 'in progress', 'en cours'))
        : paint('dim', say(lang, 'not started', 'pas commencé'));
    console.log(`  ${step.id.padEnd(width)}  ${step.title[lang].padEnd(44)} ${status}`);
  }
  const next = nextToDo();
  console.log(
    next
      ? `\n${say(lang, 'Next:', 'Suivant :')} npm run exercise ${next.number}`
      : `\n${say(lang, 'All done!', 'Tout est fait !')}`,
  );
}

function brief(step: Step, lang: Lang, track: Track): string[] {
  const exercise = exerciseOf(step);
  return [
    paint('bold', `${say(lang, 'Step', 'Étape')} ${step.id} · ${step.title[lang]} (${step.section})`),
    '',
    exercise.brief[lang],
    '',
    `${say(lang, 'Your files:', 'Vos fichiers :')} ${programs(step)
      .map((file) => shown(ownFile(file, track)))
      .join(', ')}`,
    `${say(lang, 'When it works:', 'Quand ça marche :')} npm run verify ${step.number}   (${say(lang, 'or', 'ou')} npm run verify -- ${step.number} --watch)`,
    `${say(lang, 'Stuck?', 'Bloqué ?')} npm run hint ${step.number}`,
  ];
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(y|yes|o|oui)$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

async function exercise(
  step: Step,
  lang: Lang,
  options: { python: boolean; reset: boolean; yes: boolean },
): Promise<number> {
  exerciseOf(step);
  const dir = shown(workDir(step));
  if (hasWork(step) && !options.reset) {
    console.log(
      say(
        lang,
        `${dir}/ already holds your work: nothing was overwritten (--reset starts over).`,
        `${dir}/ contient déjà votre travail : rien n'a été écrasé (--reset pour recommencer).`,
      ),
    );
    console.log(['', ...brief(step, lang, trackOf(step))].join('\n'));
    return 0;
  }
  if (hasWork(step)) {
    if (!options.yes && !process.stdin.isTTY)
      throw new UsageError(`--reset erases ${dir}/: add --yes to confirm`);
    if (
      !options.yes &&
      !(await confirm(say(lang, `Erase ${dir}/ and start over?`, `Effacer ${dir}/ et recommencer ?`)))
    )
      return 1;
    clear(step);
  }
  const track: Track = options.python ? 'python' : 'ts';
  const prepared = prepare(step, track);
  updateState(step, (state) => {
    state.track = track;
    delete state.verified;
  });
  console.log(say(lang, `Prepared ${dir}/:`, `${dir}/ est prêt :`));
  for (const { file, from } of prepared) {
    const origin =
      from.kind === 'blank'
        ? say(lang, 'a blank file', 'un fichier vide')
        : from.kind === 'own'
          ? say(lang, `your ${shown(from.path)}`, `votre ${shown(from.path)}`)
          : say(lang, `the course's ${shown(from.path)}`, `le ${shown(from.path)} du cours`);
    console.log(`  ${file}  ←  ${origin}`);
  }
  console.log(['', ...brief(step, lang, track)].join('\n'));
  return 0;
}

async function runVerify(step: Step, lang: Lang): Promise<boolean> {
  const { ok, lines } = await verify(step, lang, paint);
  console.log(lines.join('\n'));
  if (ok) {
    const next = nextToDo(step);
    const then = next
      ? `${say(lang, 'next:', 'la suivante :')} npm run exercise ${next.number}`
      : say(lang, 'all done!', 'tout est fait !');
    console.log(
      paint(
        'green',
        `\n✓ ${say(lang, 'Step', 'Étape')} ${step.id} ${say(lang, 'verified', 'vérifiée')} — ${then}`,
      ),
    );
  }
  return ok;
}

/** Re-runs on every save (debounced), screen cleared between runs; Ctrl+C leaves with 130 and nothing running. */
async function watchAndVerify(step: Step, lang: Lang): Promise<number> {
  const dir = workDir(step);
  if (!existsSync(dir))
    throw new UsageError(`${shown(dir)}/ does not exist: npm run exercise ${step.number} prepares it`);
  stopAllOnSignals();
  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
    console.log(
      paint(
        'dim',
        say(
          lang,
          `watching ${shown(dir)}/ — Ctrl+C to stop`,
          `surveille ${shown(dir)}/ — Ctrl+C pour arrêter`,
        ),
      ),
    );
    await runVerify(step, lang);
    console.log(paint('dim', say(lang, '(waiting for a change)', '(en attente d’une modification)')));
    running = false;
    if (again) {
      again = false;
      await run();
    }
  };
  watch(dir, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), 300);
  });
  await run();
  return new Promise<number>(() => {}); // until Ctrl+C (stopAllOnSignals exits with 130)
}

function hint(step: Step, lang: Lang): void {
  const hints = exerciseOf(step).hints[lang];
  const seen = readState()[step.id]?.hintsShown ?? 0;
  if (seen >= hints.length) {
    console.log(
      say(
        lang,
        `No hint left for step ${step.id} (${hints.length} shown): npm run solution ${step.number} shows the answer.`,
        `Plus d'indice pour l'étape ${step.id} (${hints.length} déjà vus) : npm run solution ${step.number} montre la réponse.`,
      ),
    );
    return;
  }
  updateState(step, (state) => {
    state.hintsShown = seen + 1;
  });
  console.log(
    `${paint('bold', `${say(lang, 'Hint', 'Indice')} ${seen + 1}/${hints.length}${say(lang, ':', ' :')}`)} ${hints[seen]}`,
  );
}

function solution(step: Step, force: boolean): void {
  const state = readState()[step.id];
  if (!force && !state?.attempts) {
    throw new UsageError(
      `try it first: npm run verify ${step.number} (or npm run solution -- ${step.number} --force)`,
    );
  }
  const track = trackOf(step);
  const out: string[] = [];
  for (const file of programs(step)) {
    const mine = ownFile(file, track);
    const answer = referenceFile(file, track);
    if (!existsSync(answer)) continue;
    const text = existsSync(mine) ? readFileSync(mine, 'utf8') : '';
    const diff = diffTexts(inTrack(file, track), text, inTrack(file, track), readFileSync(answer, 'utf8'));
    out.push(...unifiedLines(shown(mine), shown(answer), diff.hunks, paint));
    if (diff.hunks.length === 0) out.push(paint('dim', `# ${inTrack(file, track)}: the same as the answer`));
  }
  console.log(out.join('\n'));
}

export async function main(mode: Mode, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    {
      args: [...argv, ...npmFlags(['python', 'reset', 'yes', 'watch', 'force', 'lang'])],
      allowPositionals: true,
      options: {
        python: { type: 'boolean' },
        reset: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        watch: { type: 'boolean' },
        force: { type: 'boolean' },
        lang: { type: 'string' },
      },
    },
    USAGE[mode],
  );
  if (values.lang !== undefined && values.lang !== 'fr' && values.lang !== 'en') {
    throw new UsageError(`--lang is fr or en, not "${values.lang}"`);
  }
  const lang = studentLang(values.lang);
  if (positionals.length > 1) throw new UsageError(USAGE[mode]);
  if (positionals.length === 0) {
    if (mode !== 'exercise') throw new UsageError(USAGE[mode]);
    list(lang);
    return 0;
  }
  const step = findStep(positionals[0]!);
  switch (mode) {
    case 'exercise':
      return exercise(step, lang, {
        python: values.python === true,
        reset: values.reset === true,
        yes: values.yes === true,
      });
    case 'verify':
      exerciseOf(step);
      if (values.watch) return watchAndVerify(step, lang);
      return (await runVerify(step, lang)) ? 0 : 1;
    case 'hint':
      hint(step, lang);
      return 0;
    case 'solution':
      solution(step, values.force === true);
      return 0;
  }
}

if (isEntryPoint(import.meta)) {
  const [mode, ...rest] = process.argv.slice(2);
  if (!mode || !(mode in USAGE))
    runMain(() => Promise.reject(new UsageError(Object.values(USAGE).join('\n'))));
  else runMain(() => main(mode as Mode, rest));
}
