// Counts to 10, twice, both counts at once: while one sleeps, the other one runs.
import { setTimeout as sleep } from 'node:timers/promises';

// The pause between two numbers, in seconds (DELAY=0.05 makes it quick to try).
const DELAY = Number(process.env.DELAY || 0.5);
if (!(DELAY >= 0)) {
  console.error(`Erreur : DELAY doit être un nombre de secondes positif, pas "${process.env.DELAY}"`);
  process.exit(2);
}

async function sleepAndPrint(): Promise<void> {
  for (let i = 1; i <= 10; i++) {
    console.log(i);
    await sleep(DELAY * 1000);
  }
}

// asyncio.gather(): start both, then wait until both are done.
await Promise.all([sleepAndPrint(), sleepAndPrint()]);
