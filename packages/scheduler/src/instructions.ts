/**
 * What a task may yield to its scheduler. Yielding anything else (usually nothing: `yield;`) ends
 * the slice and leaves the task runnable.
 */

function checkMs(ms: unknown): number {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`ms must be a number of milliseconds, 0 or more, got ${String(ms)}`);
  }
  return ms;
}

/** Suspends the task until `ms` milliseconds have passed. @throws RangeError for a bad `ms`. */
export class Sleep {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = checkMs(ms);
  }
}

/**
 * Suspends the task until somebody calls `scheduler.unpark(task, value)` — the task resumes with
 * `value` — or until `ms` milliseconds have passed, when it resumes with {@link TIMED_OUT}. This is
 * what a mailbox's `receive` waits on.
 */
export class Park {
  /**
   * The park without a timeout, for every task that waits that way: yielding it allocates nothing,
   * and the scheduler knows it by identity, which costs less than `instanceof`.
   */
  static readonly forever: Park = Object.freeze(new Park());
  readonly ms: number;
  /** @throws RangeError for a bad `ms`. */
  constructor(ms: number = Number.POSITIVE_INFINITY) {
    this.ms = checkMs(ms);
  }
}

/** What a parked task resumes with when its time is up. */
export const TIMED_OUT: unique symbol = Symbol('beamish.timedOut');

/** Suspends the task until `promise` settles; the task resumes with its value or its error. */
export class Wait {
  readonly promise: PromiseLike<unknown>;
  /** @throws TypeError when `promise` is not a promise or other thenable. */
  constructor(promise: PromiseLike<unknown>) {
    if (typeof (promise as { then?: unknown } | null)?.then !== 'function') {
      throw new TypeError(`promise must be a promise or other thenable, got ${typeof promise}`);
    }
    this.promise = promise;
  }
}

/**
 * Sleeps for `ms` milliseconds without blocking the other tasks on this scheduler.
 *
 * @example
 * ```ts
 * scheduler.spawn(function* () {
 *   yield* sleep(10);
 * });
 * ```
 */
export function* sleep(ms: number): Generator<Sleep, void, unknown> {
  yield new Sleep(ms);
}

/**
 * Waits for a promise inside a task, while the scheduler runs the other tasks; returns its value
 * or throws its error into the task.
 *
 * @example
 * ```ts
 * scheduler.spawn(function* () {
 *   const text = yield* wait(fs.promises.readFile('data.txt', 'utf8'));
 * });
 * ```
 */
export function* wait<T>(promise: PromiseLike<T>): Generator<Wait, T, unknown> {
  return (yield new Wait(promise)) as T;
}

/** What a migratable task yields to save its state. */
export class Checkpoint {
  constructor(readonly state: unknown) {}
}

/**
 * Saves a migratable task's state, between two slices (the call is itself a slice boundary). The
 * state must be something the channel can copy (see `Encoder`).
 *
 * @example
 * ```ts
 * export function* count(state: { i: number; sum: number }) {
 *   for (; state.i < 1e6; state.i++) {
 *     state.sum += state.i;
 *     if (state.i % 1000 === 0) yield* checkpoint(state);
 *   }
 *   return state.sum;
 * }
 * ```
 */
export function* checkpoint(state: unknown): Generator<Checkpoint, void, unknown> {
  yield new Checkpoint(state);
}
