// The checker's registry: every suite, and through them every check the checker knows. A step says in its
// step.json which suite checks each of its programs and which checks that program must pass; nothing here
// knows a step.
import { UsageError } from '../cli.ts';
import { chatClientSuite } from './client.ts';
import { cosmeticsClientSuite, cosmeticsServerSuite } from './cosmetics.ts';
import { robustness, type CheckDef, type Suite } from './define.ts';
import { historyClientSuite, historyServerSuite } from './history.ts';
import { idsClientSuite, idsServerSuite } from './ids.ts';
import { configClientSuite, configServerSuite } from './config.ts';
import { logsClientSuite, logsServerSuite } from './logs.ts';
import { roomsClientSuite, roomsServerSuite } from './rooms.ts';
import { chatServerSuite } from './server.ts';
import { FRAMED_SUITES } from './framed.ts';
import { sleepSuite } from './sleep.ts';
import { webSuite } from './web.ts';

export const SUITES: readonly Suite[] = [
  sleepSuite,
  webSuite,
  chatServerSuite,
  chatClientSuite,
  cosmeticsServerSuite,
  cosmeticsClientSuite,
  idsServerSuite,
  idsClientSuite,
  logsServerSuite,
  logsClientSuite,
  configServerSuite,
  configClientSuite,
  historyServerSuite,
  historyClientSuite,
  roomsServerSuite,
  roomsClientSuite,
  ...FRAMED_SUITES,
];

/** Judged on every run, whatever the suite, after the checker stopped the program. */
export const STOPS_EVERYTHING = robustness(
  'program.stops-everything',
  'leaves nothing running once stopped (no detached process, nothing listening)',
  "ne laisse rien tourner une fois arrêté (aucun processus détaché, rien à l'écoute)",
);

export function findSuite(name: string): Suite {
  const suite = SUITES.find((s) => s.name === name);
  if (!suite) {
    throw new UsageError(
      `no check suite named "${name}"; suites are ${SUITES.map((s) => s.name).join(', ')}`,
    );
  }
  return suite;
}

/** The definition of a check, from any suite. */
export function checkDef(id: string): CheckDef {
  if (id === STOPS_EVERYTHING.id) return STOPS_EVERYTHING;
  for (const suite of SUITES) {
    const def = suite.checks.find((check) => check.id === id);
    if (def) return def;
  }
  throw new Error(`no check "${id}" in the registry (scripts/check/registry.ts)`);
}
