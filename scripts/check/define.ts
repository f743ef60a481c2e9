// What a check and a suite are. A suite module defines its checks with `lab(…)` / `robustness(…)` and is listed
// in registry.ts; a step's step.json names the suite and the checks each of its programs must pass.
import type { Lang } from '../steps.ts';
import type { Context } from './context.ts';

/** `lab`: the lab's text requires it. `robustness`: beyond the lab (a reset, a flood, a stop). */
export type Category = 'lab' | 'robustness';

export interface CheckDef {
  /** Stable identifier, e.g. `server.join-all`, for grading scripts. */
  id: string;
  title: Record<Lang, string>;
  category: Category;
}

/** A way of checking one kind of program: it plays the other side and records the checks it is given. */
export interface Suite {
  name: string;
  /** What the checker does, in a sentence, for the teachers' page. */
  description: Record<Lang, string>;
  checks: readonly CheckDef[];
  /** Runs the parts of the scenario that the context's declared checks need. */
  run(ctx: Context): Promise<void>;
}

export const lab = (id: string, en: string, fr: string): CheckDef => ({
  id,
  title: { en, fr },
  category: 'lab',
});

export const robustness = (id: string, en: string, fr: string): CheckDef => ({
  id,
  title: { en, fr },
  category: 'robustness',
});
