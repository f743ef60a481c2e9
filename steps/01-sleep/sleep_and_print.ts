// Counts to 10, twice, one count after the other: while it sleeps, the whole program waits.

// The pause between two numbers, in seconds (DELAY=0.05 makes it quick to try).
const DELAY = Number(process.env.DELAY || 0.5);
if (!(DELAY >= 0)) {
  console.error(`Erreur : DELAY doit être un nombre de secondes positif, pas "${process.env.DELAY}"`);
  process.exit(2);
}

// Python's time.sleep(): Node has no such function, but Atomics.wait on a shared buffer blocks the
// thread for real. Nothing else can run meanwhile, not even a timer.
function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

function sleepAndPrint(): void {
  for (let i = 1; i <= 10; i++) {
    console.log(i);
    sleep(DELAY);
  }
}

sleepAndPrint();
sleepAndPrint();
