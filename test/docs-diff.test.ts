// `npm run diff`: step arguments in every form, the step before by default, --stat, colour only when asked
// or on a terminal. Most of it in-process; three real runs for the command line itself.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT } from '../scripts/steps.ts';
import { parseArgs, renderStat, renderUnified, type Options } from '../scripts/diff.ts';
import { runScript } from './docs-helpers.ts';

const DIFF = join(ROOT, 'scripts/diff.ts');
const ESC = '\u001b[';

function options(args: string[]): Options {
  const parsed = parseArgs(args);
  if (parsed === 'help') throw new Error('help');
  return parsed;
}

describe('npm run diff', () => {
  it('takes steps as 5, 05 or 05-pseudos, and one step means "against the step before"', () => {
    for (const args of [['4', '5'], ['04', '05-pseudos'], ['5'], ['05']]) {
      const o = options(args);
      expect([o.from.id, o.to.id, o.stat, o.colour]).toEqual([
        '04-chat-fonctionnel',
        '05-pseudos',
        false,
        undefined,
      ]);
    }
    expect(options(['3', '4', '--stat', '--no-color'])).toMatchObject({ stat: true, colour: false });
    expect(options(['3', '4', '--color'])).toMatchObject({ colour: true });
    expect(parseArgs(['--help'])).toBe('help');
    expect(() => parseArgs(['1'])).toThrow('01-sleep is the first one');
    expect(() => parseArgs(['99'])).toThrow('unknown step "99"');
    expect(() => parseArgs(['1', '2', '3'])).toThrow('usage');
    expect(() => parseArgs([])).toThrow('usage');
    expect(() => parseArgs(['4', '5', '--wat'])).toThrow('unknown option "--wat"');
  });

  it('pairs files by lineage, counts lines in --stat, colours only when asked', () => {
    const { from, to } = options(['4', '5']);
    const plain = renderUnified(from, to, false);
    // Step 05's client descends from step 03's (step 04 still ran it).
    expect(plain).toContain(
      '--- steps/04-chat-fonctionnel/chat_server_ii_4.ts\n+++ steps/05-pseudos/chat_server_ii_5.ts\n@@ -',
    );
    expect(plain).toContain(
      '--- steps/03-premiere-version/chat_client_ii_3.ts\n+++ steps/05-pseudos/chat_client_ii_5.ts\n@@ -',
    );
    expect(plain).toMatch(/^\+.*Hello\|/m);
    expect(plain).not.toContain(ESC);
    const added = (plain.match(/^\+(?!\+\+ )/gm) ?? []).length;
    const removed = (plain.match(/^-(?!-- )/gm) ?? []).length;
    const stat = renderStat(from, to, false);
    expect(stat).toMatch(/^ chat_server_ii_4\.ts → chat_server_ii_5\.ts \| +\d+ \+*-*$/m);
    expect(stat).toMatch(/^ chat_client_ii_3\.ts → chat_client_ii_5\.ts \| +\d+ \+*-*$/m);
    expect(stat).toContain(` 2 files changed, ${added} insertions(+), ${removed} deletions(-)`);
    expect(renderStat(to, from, false)).toContain(
      ` 2 files changed, ${removed} insertions(+), ${added} deletions(-)`,
    );

    const three = options(['3', '4']);
    const coloured = renderUnified(three.from, three.to, true);
    expect(coloured).toContain(`${ESC}32m+`);
    expect(coloured).toContain(`${ESC}31m-`);
    expect(coloured).toContain('unchanged: steps/03-premiere-version/chat_client_ii_3.ts');
  });

  it('runs from the command line: plain when piped, npm-eaten flags honoured, one-line errors', async () => {
    const [piped, npmStat, unknown] = await Promise.all([
      runScript(DIFF, ['4', '5']),
      runScript(DIFF, ['05'], { env: { npm_config_stat: 'true' } }), // `npm run diff 05 --stat`, without `--`
      runScript(DIFF, ['99']),
    ]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    const { from, to } = options(['4', '5']);
    expect(piped.stdout).toBe(renderUnified(from, to, false));
    expect(npmStat.stdout).toBe(renderStat(from, to, false));
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trim()).toMatch(/^error: unknown step "99"; steps are 01-sleep, .*06-deconnexion/);
  });
});
