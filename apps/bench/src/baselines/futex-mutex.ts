/** Lock word states: the third one tells `unlock` that someone may be asleep and needs a wake-up. */
const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

/**
 * Tries before sleeping. A critical section of the locked queue is a few dozen nanoseconds, far
 * shorter than a futex sleep and wake-up, so a short spin wins most contended acquisitions without a
 * system call, as adaptive mutexes (glibc's `PTHREAD_MUTEX_ADAPTIVE_NP`, WebKit's `WTF::Lock`) do.
 * Without it the lock-based baseline would look worse than the locks people actually use.
 */
const SPINS = 100;

/**
 * A mutex in one int32 of shared memory: Drepper's "mutex 3" from "Futexes Are Tricky" (2011), with
 * a bounded spin in front. The uncontended path is one CAS to lock and one atomic subtract to unlock.
 */
export class FutexMutex {
  readonly #words: Int32Array;
  readonly #index: number;

  /** The mutex in `words[index]`, which must start at 0 (unlocked); every thread makes its own view. */
  constructor(words: Int32Array, index: number) {
    this.#words = words;
    this.#index = index;
  }

  lock(): void {
    const words = this.#words;
    const index = this.#index;
    if (Atomics.compareExchange(words, index, UNLOCKED, LOCKED) === UNLOCKED) return;
    for (let spin = 0; spin < SPINS; spin++) {
      // Read first: a failing CAS would take the cache line away from the holder.
      if (
        Atomics.load(words, index) === UNLOCKED &&
        Atomics.compareExchange(words, index, UNLOCKED, LOCKED) === UNLOCKED
      ) {
        return;
      }
    }
    // Marked contended from here on, even if this exchange wins, since others may be asleep.
    while (Atomics.exchange(words, index, CONTENDED) !== UNLOCKED) {
      Atomics.wait(words, index, CONTENDED);
    }
  }

  unlock(): void {
    const words = this.#words;
    const index = this.#index;
    // LOCKED → UNLOCKED needs no system call; CONTENDED means a sleeper may be waiting.
    if (Atomics.sub(words, index, 1) !== LOCKED) {
      Atomics.store(words, index, UNLOCKED);
      Atomics.notify(words, index, 1);
    }
  }
}
