// Shared by the tests: temp folders (removed by test/setup.ts), and the "one clear line" rule for errors.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Proc } from '../scripts/proc.ts';

const dirs: string[] = [];

/** A fresh folder, removed when the test file is done. */
export function tempDir(prefix = 'tp6-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Removes every folder tempDir() made (test/setup.ts, after each file). */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The process ended with `code`, printing exactly one line on stderr and no stack trace. */
export async function expectOneLineError(proc: Proc, code: number, pattern: RegExp): Promise<string> {
  const exit = await proc.waitExit(15_000);
  expect(exit.code, proc.output).toBe(code);
  const lines = proc.stderr.split('\n').filter((line) => line !== '');
  expect(lines, proc.stderr).toHaveLength(1);
  expect(proc.stderr).not.toMatch(/^\s+at /m);
  expect(lines[0]).toMatch(pattern);
  return lines[0]!;
}

/** The processes whose command line or environment holds `marker` (Linux: read from /proc). */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const seen = ['cmdline', 'environ'].some((what) =>
        readFileSync(`/proc/${entry}/${what}`, 'latin1').includes(marker),
      );
      if (seen) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
