// Our own steps pass every check they declare: one test per program of each step's step.json `checks` (each
// role, each version), found by reading the steps, so that a new step is checked without editing this file.
import { describe, expect, it } from 'vitest';
import { filePath, loadSteps } from '../scripts/steps.ts';
import { check, dump, failures, typescript } from './check-helpers.ts';
import { relative } from 'node:path';
import { ROOT } from '../scripts/steps.ts';

const cases = loadSteps().flatMap((step) =>
  step.checks.map((target) => ({
    step: step.id,
    role: target.role,
    variant: target.variant,
    file: relative(ROOT, filePath(target.file)),
  })),
);

describe.concurrent('our steps pass every check they declare', () => {
  it('every step declares checks', () => {
    expect(
      loadSteps()
        .filter((step) => step.checks.length === 0)
        .map((step) => step.id),
    ).toEqual([]);
  });

  it.each(cases)('$step, $role $variant: $file', async ({ step, role, variant, file }) => {
    // config.default needs the machine's own port 8888: it runs alone, in test/bonus-config.test.ts
    const report = await check(step, typescript(file), {
      role,
      variant,
      waitMs: 2_500, // our steps pass at once: only a wait that fails lasts this long
      skip: ['config.default'],
    });
    expect(failures(report), dump(report)).toEqual([]);
    expect(report.checks.length).toBeGreaterThanOrEqual(3);
  });
});
