// Finding processes by a variable of their environment (Linux: /proc), for proc.ts and for the test session's
// teardown, which runs where import.meta.resolve (needed by proc.ts) is not available.
import { readFileSync, readdirSync } from 'node:fs';

/** The processes whose environment holds `variable`=`mark` (Linux: from /proc; none elsewhere). */
export function processesMarked(variable: string, mark: string): number[] {
  const wanted = `${variable}=${mark}\0`;
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found; // not Linux: the process groups are all there is
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(wanted)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
