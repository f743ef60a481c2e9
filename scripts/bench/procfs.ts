// What a server costs, read from Linux's /proc: the resident memory and the CPU time of a process group
// (the program and everything it started: npm, sh, tsx's node), and the open-file limit.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface StatLine {
  pid: number;
  /** R, S, D… Z for a zombie (ended, not yet waited for: nothing left to measure). */
  state: string;
  pgrp: number;
  /** utime + stime + cutime + cstime, in clock ticks: its own CPU time and its waited-for children's. */
  ticks: number;
}

/** Parses /proc/<pid>/stat (the command name, in parentheses, may hold spaces and parentheses). */
export function parseStat(text: string): StatLine {
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' '); // fields[0] is the state, the 3rd field of the line
  const field = (n: number): number => Number(fields[n - 3]);
  return {
    pid: Number.parseInt(text, 10),
    state: fields[0]!,
    pgrp: field(5),
    ticks: field(14) + field(15) + field(16) + field(17),
  };
}

/** VmRSS of /proc/<pid>/status, in bytes (0 for a process without memory of its own: a zombie). */
export function parseRss(status: string): number {
  return Number(status.match(/^VmRSS:\s+(\d+) kB$/m)?.[1] ?? 0) * 1024;
}

/** The soft "Max open files" of /proc/<pid>/limits (Infinity for unlimited). */
export function parseOpenFileLimit(limits: string): number {
  const value = limits.match(/^Max open files\s+(\S+)/m)?.[1];
  return value === undefined || value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value);
}

export function openFileLimit(): number {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return Number.POSITIVE_INFINITY; // not Linux: nothing to say
  }
}

let ticksPerSecond: number | undefined;
/** USER_HZ, the unit of /proc's CPU times (100 on nearly every Linux). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
};

/** The live processes of a group, from /proc. */
export function groupMembers(pgrp: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    const stat = read(`/proc/${entry}/stat`);
    if (stat === undefined) return [];
    const { pgrp: group, state } = parseStat(stat);
    return group === pgrp && state !== 'Z' ? [Number(entry)] : [];
  });
}

export interface Usage {
  /** Resident memory of all its processes, bytes. */
  rss: number;
  /** CPU time of all its processes (and their finished children), seconds. */
  cpu: number;
  /** Open descriptors of all its processes. */
  fds: number;
}

/** The memory, CPU time and descriptors of a process group; its members are looked up again each time. */
export function groupUsage(pgrp: number, members = groupMembers(pgrp)): Usage {
  let rss = 0;
  let ticks = 0;
  let fds = 0;
  for (const pid of members) {
    const stat = read(`/proc/${pid}/stat`);
    const status = read(`/proc/${pid}/status`);
    if (stat === undefined || status === undefined) continue;
    ticks += parseStat(stat).ticks;
    rss += parseRss(status);
    try {
      fds += readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      // not ours to read
    }
  }
  return { rss, cpu: ticks / clockTicks(), fds };
}
