// Shared by the tests: temp folders and processes cleaned up at the end, and the "one clear line" rule for errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { stopAll, type Proc } from '../scripts/proc.ts';

const dirs: string[] = [];

/** A fresh folder, removed when the test file is done. */
export function tempDir(prefix = 'tp6-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

// After the file rather than after each test: tests of a file may run concurrently.
afterAll(async () => {
  await stopAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

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
