// Once for the whole run (vitest globalSetup): every process a test starts inherits TP6_TEST_SESSION, so that
// at the very end anything still carrying it (a program orphaned by a worker that timed out or died) is
// found in /proc and killed. Nothing outlives `npm test`.
import { randomUUID } from 'node:crypto';
import { processesMarked } from '../scripts/marks.ts';

const VARIABLE = 'TP6_TEST_SESSION';

export function setup(): void {
  process.env[VARIABLE] = randomUUID();
}

export function teardown(): void {
  const session = process.env[VARIABLE];
  if (!session) return;
  for (const pid of processesMarked(VARIABLE, session)) {
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
