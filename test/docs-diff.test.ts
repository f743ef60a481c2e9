// `npm run diff`: step arguments in every form, the step before by default, --stat, colour only when asked
// or on a terminal (these runs are piped, so plain by default).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT } from '../scripts/steps.ts';
import { runScript } from './docs-helpers.ts';

const DIFF = join(ROOT, 'scripts/diff.ts');
const ESC = '\u001b[';

describe('npm run diff', () => {
  it('handles its arguments', async () => {
    const [full, previous, named, stat, statNpm, coloured, noColour, backwards, first, unknown, extra, badOption] = await Promise.all([
      runScript(DIFF, ['4', '5']),
      runScript(DIFF, ['5']),
      runScript(DIFF, ['04', '05-pseudos']),
      runScript(DIFF, ['4', '5', '--stat']),
      runScript(DIFF, ['4', '5'], { env: { npm_config_stat: 'true' } }), // `npm run diff 4 5 --stat`, no `--`
      runScript(DIFF, ['3', '4', '--color']),
      runScript(DIFF, ['3', '4', '--no-color'], { env: { FORCE_COLOR: '1' } }),
      runScript(DIFF, ['5', '4', '--stat']),
      runScript(DIFF, ['1']),
      runScript(DIFF, ['9']),
      runScript(DIFF, ['1', '2', '3']),
      runScript(DIFF, ['4', '5', '--wat']),
    ]);

    expect(full.code).toBe(0);
    expect(full.stderr).toBe('');
    // Files paired by lineage; step 05's client descends from step 03's.
    expect(full.stdout).toContain('--- steps/04-chat-fonctionnel/chat_server_ii_4.ts\n+++ steps/05-pseudos/chat_server_ii_5.ts\n@@ -');
    expect(full.stdout).toContain('--- steps/03-premiere-version/chat_client_ii_3.ts\n+++ steps/05-pseudos/chat_client_ii_5.ts\n@@ -');
    expect(full.stdout).toMatch(/^\+.*Hello\|/m);
    expect(full.stdout).toMatch(/^-/m);
    expect(full.stdout).not.toContain(ESC);
    expect(previous.stdout).toBe(full.stdout);
    expect(named.stdout).toBe(full.stdout);

    expect(stat.code).toBe(0);
    expect(stat.stdout).toMatch(/^ chat_server_ii_4\.ts → chat_server_ii_5\.ts \| +\d+ \+*-*$/m);
    expect(stat.stdout).toMatch(/^ chat_client_ii_3\.ts → chat_client_ii_5\.ts \| +\d+ \+*-*$/m);
    const added = (full.stdout.match(/^\+(?!\+\+ )/gm) ?? []).length;
    const removed = (full.stdout.match(/^-(?!-- )/gm) ?? []).length;
    expect(stat.stdout).toContain(` 2 files changed, ${added} insertions(+), ${removed} deletions(-)`);
    expect(statNpm.stdout).toBe(stat.stdout);

    expect(coloured.stdout).toContain(`${ESC}32m+`);
    expect(coloured.stdout).toContain(`${ESC}31m-`);
    expect(coloured.stdout).toContain('unchanged: steps/03-premiere-version/chat_client_ii_3.ts');
    expect(noColour.stdout).not.toContain(ESC);
    expect(noColour.stdout).toContain('+++ steps/04-chat-fonctionnel/chat_server_ii_4.ts');

    expect(backwards.code).toBe(0);
    expect(backwards.stdout).toContain(`chat_server_ii_5.ts → chat_server_ii_4.ts`);
    expect(backwards.stdout).toContain(` 2 files changed, ${removed} insertions(+), ${added} deletions(-)`);

    for (const bad of [first, unknown, extra, badOption]) {
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
    expect(first.stderr).toContain('01-sleep is the first one');
    expect(unknown.stderr).toContain('unknown step "9"');
    expect(badOption.stderr).toContain('unknown option "--wat"');
  });
});
