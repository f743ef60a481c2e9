// `npm run step 3` … `6`: each chat demo runs its whole scenario, prints one transcript, and leaves
// nothing running.
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { runChatDemo, scenarioOf } from '../scripts/demos/chat.ts';
import { escapeRegExp, startLaunched } from '../scripts/proc.ts';
import { ROOT, findStep, loadSteps } from '../scripts/steps.ts';
import { processesWith } from './helpers.ts';

/** A write stream that keeps what is written, with no colours (not a TTY). */
function sink(): { out: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const out = {
    isTTY: false,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { out, text: () => text };
}

/** The lines every demo must show, per step, prefixed by who printed them. */
/** More lines some demos must show (by step folder), beyond the `expect` lines of their scenarios. */
const SHOWN: Record<string, RegExp[]> = {
  '03-premiere-version': [
    /^alice +\| Hello 127\.0\.0\.1:\d+$/m,
    /^server +\| Message received from 127\.0\.0\.1:\d+ : salut tout le monde$/m,
  ],
  '04-chat-fonctionnel': [
    /^bob +\| 127\.0\.0\.1:\d+ a dit : salut tout le monde$/m,
    /^alice +\| 127\.0\.0\.1:\d+ a dit : salut alice !$/m,
  ],
  '05-pseudos': [
    /^alice +\| Annonce : bob a rejoint la chatroom$/m,
    /^bob +\| alice a dit : salut bob$/m,
    /^carol +\| Erreur : le premier message doit être Hello\|<PSEUDO>$/m,
  ],
  '06-deconnexion': [
    /^alice +\| Annonce : bob a quitté la chatroom$/m,
    /^carol +\| Le serveur a fermé la connexion\.$/m,
    /\(alice ended: code 0\)/,
    /\(carol ended: code 0\)/,
    /\(server ended: code 0\)/,
  ],
};

describe('the chat demos', () => {
  const chatSteps = loadSteps().filter((step) => step.demo.kind === 'chat');

  it.each(chatSteps.map((step) => step.id))(
    '%s runs its scenario to the end, which ends every process it started',
    async (id) => {
      const step = findStep(id);
      const { out, text } = sink();
      // type-stripped files start ~10× faster than with tsx; the runner test below goes the real way
      const { code, procs, unfinished } = await runChatDemo(step, { out });
      expect(code, text()).toBe(0);
      expect(procs.length).toBe(scenarioOf(step).filter((a) => 'start' in a).length);
      // the scenario itself quits, stops or waits for each one (the demo's final clean-up is for failures and Ctrl+C;
      // that nothing outlives the runner is checked by the tests below, on the real processes)
      expect(unfinished).toEqual([]);
      // each line the scenario waited for shows in the transcript, prefixed by who printed it
      for (const action of scenarioOf(step)) {
        if ('expect' in action)
          expect(text()).toMatch(new RegExp(`^${action.in} +\\| .*${escapeRegExp(action.expect)}`, 'm'));
      }
      for (const shown of SHOWN[id] ?? []) expect(text()).toMatch(shown);
      expect(text()).not.toMatch(/demo failed|Error|at .*\.ts:\d+/);
    },
  );

  it('`npm run step 6` (the runner) exits 0 and leaves no process behind', async () => {
    // every process the runner starts inherits this variable: none may still carry it afterwards
    const marker = `TP6_CHAT_DEMO_${randomUUID()}`;
    const runner = startLaunched(join(ROOT, 'scripts/step.ts'), ['6'], { env: { [marker]: '1' } });
    const exit = await runner.waitExit(30_000);
    expect(exit.code, runner.output).toBe(0);
    expect(runner.stdout).toContain('Annonce : bob a quitté la chatroom');
    expect(processesWith(marker)).toEqual([]);
  });

  it('`npm run step 6 | head -3`: once its output is closed, it stops everything and leaves quietly', async () => {
    const marker = `TP6_PIPE_${randomUUID()}`;
    const runner = startLaunched(join(ROOT, 'scripts/step.ts'), ['6'], { env: { [marker]: '1' } });
    await runner.waitFor('▶ alice', { timeoutMs: 30_000 });
    runner.child.stdout!.destroy(); // what head does after its lines
    const exit = await runner.waitExit(15_000);
    expect(exit.code).toBe(141); // 128 + SIGPIPE, as a shell reports it
    expect(runner.stderr).not.toMatch(/EPIPE|at .*\.ts:\d+/);
    expect(processesWith(marker)).toEqual([]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s (Ctrl+C is SIGINT) during `npm run step 6`: "interrupted", exit %i, no "demo failed", no process left',
    async (signal, code) => {
      const marker = `TP6_TEST_MARK_${randomUUID()}`;
      const runner = startLaunched(join(ROOT, 'scripts/step.ts'), ['6'], { env: { [marker]: '1' } });
      await runner.waitFor('▶ bob', { timeoutMs: 30_000 });
      expect(processesWith(marker).length).toBeGreaterThan(1); // the runner and its children
      runner.signal(signal); // the runner's group only: its children are in groups of their own
      const exit = await runner.waitExit(15_000);
      expect(exit.code, runner.output).toBe(code);
      expect(runner.stdout.split('\n').filter((line) => line === 'interrupted')).toHaveLength(1);
      expect(runner.output).not.toMatch(/demo failed|Error|at .*\.ts:\d+/);
      expect(processesWith(marker)).toEqual([]);
    },
  );
});
