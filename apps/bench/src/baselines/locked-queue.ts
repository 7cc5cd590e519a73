import { FutexMutex } from './futex-mutex.js';

/** Int32 indices. The lock has a cache line to itself, so the count and slots do not share it. */
const LOCK = 0;
const CAPACITY = 1;
const COUNT = 16;
const HEAD = 17;
const SLOTS = 32;

/**
 * The lock-based baseline of the lfqueue suite: a ring buffer in a `SharedArrayBuffer` guarded by
 * a {@link FutexMutex}, with the same `tryEnqueue`/`tryDequeue` interface as `LMSQueue`, so the
 * same harness drives both.
 *
 * The count is also an atomic word read before taking the lock: a consumer polling an empty queue
 * (or a producer polling a full one) then does not fight the other side for the lock, just as an
 * `LMSQueue` reports empty from a look at its head and tail without a CAS.
 */
export class LockedQueue {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  readonly #ints: Int32Array;
  readonly #mutex: FutexMutex;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#ints = new Int32Array(buffer);
    this.capacity = this.#ints[CAPACITY] as number;
    this.#mutex = new FutexMutex(this.#ints, LOCK);
  }

  /** An empty queue holding up to `capacity` values. */
  static create({ capacity }: { capacity: number }): LockedQueue {
    const buffer = new SharedArrayBuffer(4 * (SLOTS + capacity));
    new Int32Array(buffer)[CAPACITY] = capacity;
    return new LockedQueue(buffer);
  }

  /** The queue in `buffer`, made by `create` in another thread. */
  static attach(buffer: SharedArrayBuffer): LockedQueue {
    return new LockedQueue(buffer);
  }

  tryEnqueue(value: number): boolean {
    // The check LMSQueue makes, so that neither side skips work the other does.
    if ((value | 0) !== value || value < 0) throw new RangeError(`value must be an int32 ≥ 0, got ${value}`);
    const ints = this.#ints;
    const capacity = this.capacity;
    if (Atomics.load(ints, COUNT) === capacity) return false;
    this.#mutex.lock();
    const count = ints[COUNT] as number;
    const ok = count !== capacity;
    if (ok) {
      const head = ints[HEAD] as number;
      const slot = head + count;
      ints[SLOTS + (slot < capacity ? slot : slot - capacity)] = value;
      Atomics.store(ints, COUNT, count + 1);
    }
    this.#mutex.unlock();
    return ok;
  }

  tryDequeue(): number | undefined {
    const ints = this.#ints;
    if (Atomics.load(ints, COUNT) === 0) return undefined;
    this.#mutex.lock();
    const count = ints[COUNT] as number;
    let value: number | undefined;
    if (count !== 0) {
      const head = ints[HEAD] as number;
      value = ints[SLOTS + head] as number;
      ints[HEAD] = head + 1 === this.capacity ? 0 : head + 1;
      Atomics.store(ints, COUNT, count - 1);
    }
    this.#mutex.unlock();
    return value;
  }
}
