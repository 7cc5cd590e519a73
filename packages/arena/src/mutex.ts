/**
 * A futex-style mutex on one `Int32Array` word (Drepper, "Futexes Are Tricky", mutex 2):
 * 0 = unlocked, 1 = locked, 2 = locked with waiters. Uncontended lock and unlock are one atomic
 * each; a waiter sleeps in `Atomics.wait` instead of spinning a core. Node allows `Atomics.wait`
 * on the main thread too.
 */

const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;
const SPINS = 64;

export function lock(words: Int32Array, index: number): void {
  let state = Atomics.compareExchange(words, index, UNLOCKED, LOCKED);
  if (state === UNLOCKED) return;
  // Critical sections are short: a brief spin usually beats a sleep and a wake-up.
  for (let i = 0; i < SPINS && state === LOCKED; i++) {
    state = Atomics.compareExchange(words, index, UNLOCKED, LOCKED);
    if (state === UNLOCKED) return;
  }
  if (state !== CONTENDED) state = Atomics.exchange(words, index, CONTENDED);
  while (state !== UNLOCKED) {
    Atomics.wait(words, index, CONTENDED);
    state = Atomics.exchange(words, index, CONTENDED);
  }
}

export function unlock(words: Int32Array, index: number): void {
  if (Atomics.sub(words, index, 1) !== LOCKED) {
    Atomics.store(words, index, UNLOCKED);
    Atomics.notify(words, index, 1);
  }
}
