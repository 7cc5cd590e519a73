import { RunQueue } from './run-queue.js';

/** Join times are kept modulo 2^30, so that they stay small integers, which V8 stores unboxed. */
const TIME_MASK = 2 ** 30 - 1;

/**
 * Tasks that have not run yet, those started last in front: the tasks one slice started, in the
 * order it started them, go ahead of those started before. A task that spawns others then has them
 * run next, and a tree of tasks runs depth first.
 *
 * Each entry remembers when it joined (a count of slices), so that the scheduler can send the ones
 * that have waited too long to its queue: a lane that keeps getting new tasks in front would
 * otherwise hold the oldest back for ever. No allocation per task once its rings have grown to
 * their working size.
 */
export class NewbornLane<T> {
  readonly #tasks = new RunQueue<T>();
  readonly #joined = new RunQueue<number>();

  get length(): number {
    return this.#tasks.length;
  }

  /** Moves every task of `born` (emptying it) to the front, in its order, as joining at `now`. */
  adopt(born: RunQueue<T>, now: number): void {
    const at = now & TIME_MASK;
    while (born.length > 0) {
      this.#tasks.unshift(born.pop());
      this.#joined.unshift(at);
    }
  }

  /** The task in front; only call when `length > 0`. */
  shift(): T {
    this.#joined.shift();
    return this.#tasks.shift();
  }

  /**
   * Moves the tasks that joined more than `patience` slices before `now` to the end of `queue`
   * (`patience` well under 2^30, the span of the join times).
   */
  expire(now: number, patience: number, queue: RunQueue<T>): void {
    const at = now & TIME_MASK;
    while (this.#tasks.length > 0 && ((at - this.#joined.last) & TIME_MASK) > patience) {
      this.#joined.pop();
      queue.push(this.#tasks.pop());
    }
  }
}
