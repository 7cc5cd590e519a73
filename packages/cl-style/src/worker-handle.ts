import { type Pid, pidToString, type Ref, wait } from '@beamish/actors';

/** How a worker ended, as its handle settles. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * What `withWorker` and a definition's `start` return: the worker's pid, awaitable for the value of
 * its last form.
 *
 * A pid is a number — it travels in messages and compares with `===` — and a number cannot also be
 * awaitable, so the handle carries the pid (`handle.pid`) and is what you wait on. `send` of this
 * package takes a handle wherever it takes a pid.
 *
 * - Outside processes, `await handle` resolves with the last form's value once the worker has ended
 *   normally, or rejects: with the error a form threw, or with an `ExitSignal` carrying the reason
 *   the worker was ended with (`'killed'`, `'max_heap_size'`, a linked process's reason…).
 * - Inside a process, `yield* handle` waits the same way without blocking the core.
 *
 * By then the worker is gone: its heap is released, its name freed, its links and monitors told.
 * A `withWorker` handle settles from the worker's own end (`spawnSettled`), whenever it comes; a
 * system stopped first rejects it with `'shutdown'`. A `defworker` worker may run on another core,
 * so a watcher process beside the caller monitors it: one ended by an exit signal sent before that
 * watcher had a slice — in the same stretch of code that started it — is reported with reason
 * `'noproc'`, as Erlang's monitor reports a process it could not watch.
 *
 * @example
 * ```ts
 * const worker = withWorker({ name: 'answer' }, () => 6 * 7);
 * send(worker, 'hello'); // a handle stands for its pid
 * console.log(await worker); // 42
 * ```
 */
export class WorkerHandle<T> implements PromiseLike<T> {
  /** The worker's pid. */
  readonly pid: Pid;
  /** The calling process's monitor on the worker, when it was started with `monitor: true`. */
  readonly ref: Ref | undefined;
  #outcome: Outcome | undefined;
  #settle: ((outcome: Outcome) => void) | undefined;
  #promise: Promise<T> | undefined;

  /** @internal */
  constructor(pid: Pid, ref: Ref | undefined) {
    this.pid = pid;
    this.ref = ref;
  }

  /** @internal How the worker ended, told once by the process that watches it. */
  settle(outcome: Outcome): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = outcome;
    this.#settle?.(outcome);
  }

  // The promise is made only when somebody waits: a worker that fails unwatched is not an unhandled
  // rejection.
  // biome-ignore lint/suspicious/noThenProperty: a handle is awaitable on purpose
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#promise ??= new Promise<T>((resolve, reject) => {
      const settle = (outcome: Outcome) => (outcome.ok ? resolve(outcome.value as T) : reject(outcome.error));
      if (this.#outcome !== undefined) settle(this.#outcome);
      else this.#settle = settle;
    });
    return this.#promise.then(onFulfilled, onRejected);
  }

  /** Inside a process: `const value = yield* handle` waits for the worker without blocking its core. */
  *[Symbol.iterator](): Generator<unknown, T, unknown> {
    return yield* wait(this);
  }

  /** `#<worker <0.12.1>>`, the pid the way Erlang prints it. */
  toString(): string {
    return `#<worker ${pidToString(this.pid)}>`;
  }
}
