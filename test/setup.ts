// Wired once for every test file (vitest setupFiles): the processes a test started are stopped after it
// (after the whole file when its tests run concurrently), and the temp folders are removed after the file.
import { afterAll, afterEach } from 'vitest';
import { stopAll } from '../scripts/proc.ts';
import { removeTempDirs } from './helpers.ts';

afterEach(async ({ task }) => {
  if (!task.concurrent) await stopAll();
});

afterAll(async () => {
  await stopAll();
  removeTempDirs();
});
