/** Where a task is in its life. */
export type TaskState = 'runnable' | 'waiting' | 'done';

/** A task's body: a generator function; every `yield` ends a time slice. */
export type TaskBody<T> = () => Generator<unknown, T, unknown>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The fields of a task that few tasks use (see `Task.#rare`). */
class Rare<T> {
  context: unknown = undefined;
  cancelWith: { error: unknown } | undefined = undefined;
  snapshot: unknown = undefined;
  settle: ((outcome: Outcome<unknown>) => void) | undefined = undefined;
  promise: Promise<T> | undefined = undefined;
}

/**
 * `next` of every generator that a generator function makes. Each closure that is a generator
 * function gives its generators a prototype of their own, so with many processes spawned from
 * closures, looking `next` up on each generator is a megamorphic lookup (measured: a ring of 10,000
 * such processes ran 3.5× slower per hop). The scheduler calls this function instead.
 */
export const resumeGenerator: Generator['next'] = Object.getPrototypeOf(function* () {}).prototype.next;

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
  /**
   * @internal Whether `generator.next` was `resumeGenerator` when the task was made: the scheduler
   * then resumes it by that function, without a lookup. Any other body (an iterator written by
   * hand, a generator of another realm, or one whose `next` was replaced) has its `next` looked up
   * and called at every slice.
   */
  readonly plainGenerator: boolean;
  /** @internal The value (or error, when `resumeThrows`) the next slice resumes the body with. */
  resumeWith: unknown = undefined;
  /** @internal */
  resumeThrows = false;
  /**
   * @internal When a sleeping or parked task is due, if it waits for a time; a timer entry for
   * another time is stale. `undefined` rather than `Infinity` when it does not: a field that only
   * ever holds numbers is kept as a float in a box of its own, 16 bytes more for every task.
   */
  wakeAt: number | undefined = undefined;
  /** Told how the task ended, and which task it was (one handler can serve many tasks), without a promise. */
  onEnd: ((outcome: Outcome<unknown>, task: Task) => void) | undefined = undefined;
  // Typed with unknown, so that a Task<T> is a Task<unknown> too (T only comes out of `then`).
  #outcome: Outcome<unknown> | undefined = undefined;
  /** What few tasks use, made on first use: a task that runs and ends carries one field for all of it. */
  #rare: Rare<T> | undefined = undefined;
  /**
   * @internal Made by `Scheduler.spawn`, or by a subclass that carries its own state (a process)
   * and is started with `Scheduler.start`.
   */
  constructor(generator: Generator<unknown, T, unknown>) {
    this.generator = generator;
    this.plainGenerator = generator.next === resumeGenerator;
  }

  /** Whatever the code that spawned the task attaches to it. */
  get context(): unknown {
    return this.#rare?.context;
  }
  set context(context: unknown) {
    this.#own().context = context;
  }

  /** @internal Set by `cancel` while the task's own slice runs: it ends when the slice does. */
  get cancelWith(): { error: unknown } | undefined {
    return this.#rare?.cancelWith;
  }
  set cancelWith(cancel: { error: unknown } | undefined) {
    this.#own().cancelWith = cancel;
  }

  /** The state a migratable task saved at its last `checkpoint`. */
  get snapshot(): unknown {
    return this.#rare?.snapshot;
  }
  set snapshot(snapshot: unknown) {
    this.#own().snapshot = snapshot;
  }

  #own(): Rare<T> {
    this.#rare ??= new Rare();
    return this.#rare;
  }

  /** @internal Ends the task with its outcome. */
  finish(outcome: Outcome<unknown>): void {
    this.state = 'done';
    this.#outcome = outcome;
    this.onEnd?.(outcome, this as Task);
    this.#rare?.settle?.(outcome);
  }

  // The promise is made only when somebody awaits: a failed task nobody awaits is not an unhandled
  // rejection, and a finished one costs no promise at all.
  // biome-ignore lint/suspicious/noThenProperty: a task is awaitable on purpose
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const rare = this.#own();
    if (rare.promise === undefined) {
      rare.promise = new Promise<T>((resolve, reject) => {
        const settle = (outcome: Outcome<unknown>) =>
          outcome.ok ? resolve(outcome.value as T) : reject(outcome.error);
        if (this.#outcome !== undefined) settle(this.#outcome);
        else rare.settle = settle;
      });
    }
    return rare.promise.then(onFulfilled, onRejected);
  }
}
