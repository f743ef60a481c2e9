// Shared by the grading tests: the processes that carry a marker in their environment (a test gives it to the
// command it starts; every process that command starts inherits it), to prove that nothing was left running.
import { readdirSync, readFileSync } from 'node:fs';

export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`${marker}=`)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
