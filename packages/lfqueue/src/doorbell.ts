import { checkInteger, checkTimeout, describe } from './validate.js';

/** How a wait ended: rung (`'ok'`), rung before it began (`'not-equal'`), or `'timed-out'`. */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

const SEQUENCE = 0;
const SLEEPERS = 1;
/** A ref'd timer must exist while a `waitAsync` is pending: the wait alone keeps nothing alive. */
const KEEP_ALIVE_MS = 2 ** 31 - 1;
const noop = () => {};

/**
 * A doorbell for sleeping consumers: an event counter on `Atomics.wait`/`Atomics.notify`, two int32
 * words in shared memory.
 *
 * A consumer that finds nothing to do takes a ticket with {@link Doorbell.prepare}, looks once more,
 * and then sleeps with {@link Doorbell.wait} or {@link Doorbell.waitAsync} (or calls
 * {@link Doorbell.cancel} if it found work after all). A producer calls {@link Doorbell.ring} after
 * publishing work; when nobody sleeps that is one atomic load and no system call.
 *
 * No wake-up is lost: `prepare` counts the sleeper before the consumer's last look, and `ring` reads
 * the count after the producer's publish. Either the producer sees the sleeper and bumps the
 * sequence (so the wait returns at once or is woken), or the consumer's last look sees the work.
 *
 * @example
 * ```ts
 * const bell = Doorbell.create();
 * // consumer
 * const ticket = bell.prepare();
 * if (queue.tryDequeue() === undefined) bell.wait(ticket, 100);
 * else bell.cancel();
 * // producer
 * queue.tryEnqueue(7);
 * bell.ring();
 * ```
 */
export class Doorbell {
  /** The buffer holding the doorbell, to pass to another thread with its `byteOffset`. */
  readonly buffer: SharedArrayBuffer;
  /** Where in `buffer` the doorbell's 8 bytes start. */
  readonly byteOffset: number;
  readonly #words: Int32Array;

  private constructor(buffer: SharedArrayBuffer, byteOffset: number) {
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.#words = new Int32Array(buffer, byteOffset, 2);
  }

  /** A doorbell in a buffer of its own (a cache line, so that nothing else shares it). */
  static create(): Doorbell {
    return new Doorbell(new SharedArrayBuffer(64), 0);
  }

  /**
   * The doorbell stored at `byteOffset` in `buffer`, as created in another thread.
   *
   * @throws TypeError when `buffer` is not a `SharedArrayBuffer`.
   * @throws RangeError when `byteOffset` is not a multiple of 4 with 8 bytes after it in `buffer`.
   */
  static attach(buffer: SharedArrayBuffer, byteOffset = 0): Doorbell {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError(`buffer must be a SharedArrayBuffer holding a doorbell, got ${describe(buffer)}`);
    }
    if (buffer.byteLength < 8) {
      throw new RangeError(`buffer must hold a doorbell's 8 bytes, got ${buffer.byteLength} bytes`);
    }
    checkInteger('byteOffset', byteOffset, 0, buffer.byteLength - 8);
    if (byteOffset % 4 !== 0) throw new RangeError(`byteOffset must be a multiple of 4, got ${byteOffset}`);
    return new Doorbell(buffer, byteOffset);
  }

  /** How many consumers are between `prepare` and the end of their wait. */
  get sleepers(): number {
    return Atomics.load(this.#words, SLEEPERS);
  }

  /** Wakes every sleeper, if there is one; otherwise costs one atomic load. */
  ring(): void {
    const words = this.#words;
    if (Atomics.load(words, SLEEPERS) === 0) return;
    Atomics.add(words, SEQUENCE, 1);
    Atomics.notify(words, SEQUENCE);
  }

  /**
   * Announces a sleeper and returns its ticket. Look for work once more after this, then `wait`
   * (or `cancel`).
   */
  prepare(): number {
    const words = this.#words;
    Atomics.add(words, SLEEPERS, 1);
    return Atomics.load(words, SEQUENCE);
  }

  /** Withdraws a `prepare` that found work after all. */
  cancel(): void {
    Atomics.sub(this.#words, SLEEPERS, 1);
  }

  /**
   * Blocks this thread until the doorbell rings after `ticket` was taken, or `timeoutMs` passes.
   *
   * @param timeoutMs - milliseconds to wait at most.
   * @defaultValue `timeoutMs`: `Infinity`
   */
  wait(ticket: number, timeoutMs = Number.POSITIVE_INFINITY): WaitResult {
    checkTimeout('timeoutMs', timeoutMs);
    const words = this.#words;
    try {
      return Atomics.wait(words, SEQUENCE, ticket, timeoutMs);
    } finally {
      Atomics.sub(words, SLEEPERS, 1);
    }
  }

  /**
   * Like {@link Doorbell.wait}, without blocking the thread: the promise settles when the doorbell
   * rings or `timeoutMs` passes, and the Node event loop stays alive meanwhile.
   *
   * @defaultValue `timeoutMs`: `Infinity`
   */
  async waitAsync(ticket: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<WaitResult> {
    checkTimeout('timeoutMs', timeoutMs);
    const words = this.#words;
    const pending = Atomics.waitAsync(words, SEQUENCE, ticket, timeoutMs);
    if (!pending.async) {
      Atomics.sub(words, SLEEPERS, 1);
      return pending.value;
    }
    const keepAlive = setInterval(noop, KEEP_ALIVE_MS);
    try {
      return await pending.value;
    } finally {
      clearInterval(keepAlive);
      Atomics.sub(words, SLEEPERS, 1);
    }
  }
}
