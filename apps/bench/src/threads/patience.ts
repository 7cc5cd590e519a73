/**
 * How long a thread polls a full or empty channel before it gives up its core for a moment. At these
 * speeds 100 µs is hundreds of items' worth of work: a partner that has not moved by then is not
 * running, which happens whenever there are more threads than cores (2P/2C on 2 cores), and pure
 * spinning would then burn the rest of a time slice and make the figures depend on how the scheduler
 * happened to pair the threads. On a free core the pause is rare.
 */
const SPIN_MS = 0.1;
/** A timed `Atomics.wait` on a word nobody notifies: the nearest thing to `sched_yield` in JavaScript. */
const PAUSE_MS = 0.05;
/**
 * Looks at the clock only every 64th failed poll, the first time after 64 polls: a look costs more
 * than a poll (`performance.now()` takes ~85 ns on the 2-core VM, one of our queue operations ~120),
 * and most waits for a partner's next item end within a few polls.
 */
const CLOCK_EVERY = 64;
const pauseWord = new Int32Array(new SharedArrayBuffer(4));

let pauses = 0;
let spinningSince = 0;

/** Pauses by this thread so far, for the run's statistics. */
export function pauseCount(): number {
  return pauses;
}

/**
 * The polling policy every competitor shares: called after each failed poll of one item, `polls`
 * counting them from 1, it returns at once, or after a pause once the thread has polled for
 * {@link SPIN_MS} since its 64th poll.
 */
export function patience(polls: number): void {
  if (polls % CLOCK_EVERY !== 0) return;
  if (polls === CLOCK_EVERY) spinningSince = performance.now();
  else if (performance.now() - spinningSince > SPIN_MS) {
    pauses++;
    Atomics.wait(pauseWord, 0, 0, PAUSE_MS);
    spinningSince = performance.now();
  }
}
