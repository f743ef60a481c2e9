// `npm run stress` at a small scale (the full one is for a person to run): each scenario against the step 06
// server passes, with the figures it measured.
import { describe, expect, it } from 'vitest';
import { SMALL, stress } from '../scripts/stress.ts';
import { findStep } from '../scripts/steps.ts';

describe('npm run stress, small scale', () => {
  it('the step 06 server survives every scenario', { timeout: 120_000 }, async () => {
    const rows = await stress(findStep('06-deconnexion'), SMALL);
    const failed = rows.filter((row) => !row.ok);
    expect(failed, JSON.stringify(failed)).toEqual([]);
    const result = Object.fromEntries(rows.map((row) => [row.name, row.result]));
    expect(result['connect, Hello, leave (same pseudo)']).toMatch(
      /^300 joined, none refused; RSS .*; fds (\d+) → \1/,
    );
    expect(result['idle connections (no Hello)']).toMatch(
      /^200 closed by the 1 s deadline in [\d.]+ s, 200 told why$/,
    );
    expect(result['a flood, a normal and a slow reader']).toMatch(/, 0 lost for both readers;/);
    expect(result.resets).toMatch(/^60 resets, each departure announced once/);
    expect(result['terminal injection']).toMatch(/^9 hostile strings shown escaped/);
  });

  it('a server without those defences fails them, in a row each, without crashing the run', {
    timeout: 120_000,
  }, async () => {
    // step 05 has no departure and no Hello deadline: the idle crowd is never closed by it
    const rows = await stress(findStep('05-pseudos'), { ...SMALL, idle: 20, helloTimeoutMs: 200 }, [
      'idle',
      'resets',
    ]);
    expect(rows.map((row) => row.ok)).toEqual([false, false]);
    expect(rows[0]!.result).toMatch(/not done after|timed out/);
  });
});
