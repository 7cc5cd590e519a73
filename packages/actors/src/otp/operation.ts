import { spawnSettled } from '../api.js';

/**
 * Something that waits for other processes — a call, a server's start, a task's result — written
 * once for both sides of the system: `yield*` it inside a process, `await` it in ordinary async code.
 * Awaited, it runs in a short-lived process of its own on the calling thread (it needs a pid to be
 * answered at), once however often it is awaited; each `yield*` runs it again. Nothing runs until
 * it is `yield*`-ed or awaited.
 *
 * @example
 * ```ts
 * // inside a process
 * const n = yield* call(counter, ['get']);
 * // in async code outside any process
 * const m = await call(counter, ['get']);
 * ```
 */
export class Operation<T> implements PromiseLike<T> {
  readonly #body: () => Generator<unknown, T, unknown>;
  /** Awaited once, it has run once: further `then`s share its outcome, as a promise's would. */
  #outcome: Promise<T> | undefined;

  /** @param body - the generator function that does the work inside a process. */
  constructor(body: () => Generator<unknown, T, unknown>) {
    this.#body = body;
  }

  /** What `yield*` runs, in the calling process. */
  [Symbol.iterator](): Generator<unknown, T, unknown> {
    return this.#body();
  }

  /** Runs the operation in a process of its own on this thread (once) and settles with its outcome. */
  // biome-ignore lint/suspicious/noThenProperty: awaitable on purpose, like the scheduler's Task
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#outcome ??= inProcess(this.#body);
    return this.#outcome.then(onFulfilled, onRejected);
  }

  /** `then(undefined, onRejected)`, as on a promise. */
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onRejected);
  }
}

/**
 * Runs `body` as a process on this thread; the promise settles however the process ends, and
 * rejects (rather than throws) when it cannot start — no system, a full process table.
 */
function inProcess<T>(body: () => Generator<unknown, T, unknown>): Promise<T> {
  try {
    return spawnSettled(body)[1];
  } catch (error) {
    return Promise.reject(error);
  }
}
