/** Where a task is in its life. */
export type TaskState = 'runnable' | 'waiting' | 'done';

/** A task's body: a generator function; every `yield` ends a time slice. */
export type TaskBody<T> = () => Generator<unknown, T, unknown>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Task ids are counted per thread, so a subclass can be made before a scheduler takes it. */
let nextId = 1;

/**
 * One task on a scheduler. Await it (it is a `PromiseLike`) for the value its body returns, or the
 * error it threw.
 */
export class Task<T = unknown> implements PromiseLike<T> {
  /** Unique on its thread. */
  readonly id: number = nextId++;
  /** What the task is doing. */
  state: TaskState = 'runnable';
  /** Slices it has run so far. */
  slices = 0;
  /** @internal */
  readonly generator: Generator<unknown, T, unknown>;
  /** @internal The value (or error, when `resumeThrows`) the next slice resumes the body with. */
  resumeWith: unknown = undefined;
  /** @internal */
  resumeThrows = false;
  /** Whatever the code that spawned the task attaches to it, e.g. the process it runs. */
  context: unknown = undefined;
  /** @internal Set by `cancel` while the task's own slice runs: it ends when the slice does. */
  cancelWith: { error: unknown } | undefined = undefined;
  /** @internal When a sleeping or parked task is due; a timer entry for another time is stale. */
  wakeAt = Number.POSITIVE_INFINITY;
  /** The state a migratable task saved at its last `checkpoint`. */
  snapshot: unknown = undefined;
  /** Told how the task ended, and which task it was (one handler can serve many tasks), without a promise. */
  onEnd: ((outcome: Outcome<unknown>, task: Task) => void) | undefined = undefined;
  // Typed with unknown, so that a Task<T> is a Task<unknown> too (T only comes out of `then`).
  #outcome: Outcome<unknown> | undefined;
  #settle: ((outcome: Outcome<unknown>) => void) | undefined;
  #promise: Promise<T> | undefined;

  /**
   * @internal Made by `Scheduler.spawn`, or by a subclass that carries its own state (a process)
   * and is started with `Scheduler.start`.
   */
  constructor(generator: Generator<unknown, T, unknown>) {
    this.generator = generator;
  }

  /** @internal Ends the task with its outcome. */
  finish(outcome: Outcome<unknown>): void {
    this.state = 'done';
    this.#outcome = outcome;
    this.onEnd?.(outcome, this as Task);
    this.#settle?.(outcome);
  }

  // The promise is made only when somebody awaits: a failed task nobody awaits is not an unhandled
  // rejection, and a finished one costs no promise at all.
  // biome-ignore lint/suspicious/noThenProperty: a task is awaitable on purpose
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    if (this.#promise === undefined) {
      this.#promise = new Promise<T>((resolve, reject) => {
        const settle = (outcome: Outcome<unknown>) =>
          outcome.ok ? resolve(outcome.value as T) : reject(outcome.error);
        if (this.#outcome !== undefined) settle(this.#outcome);
        else this.#settle = settle;
      });
    }
    return this.#promise.then(onFulfilled, onRejected);
  }
}
