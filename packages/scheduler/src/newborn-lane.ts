import type { RunQueue } from './run-queue.js';

/**
 * Tasks that have not run yet, those started last in front: the tasks one slice started, in the
 * order it started them, go ahead of those started before. A task that spawns others then has them
 * run next, and a tree of tasks runs depth first.
 *
 * Each entry remembers when it joined (a count of slices), so that the scheduler can send the ones
 * that have waited too long to its queue: a lane that keeps getting new tasks in front would
 * otherwise hold the oldest back for ever. No allocation per task once the ring has grown to its
 * working size.
 */
export class NewbornLane<T> {
  #items: Array<T | undefined> = new Array(64);
  #joined = new Float64Array(64);
  #mask = 63;
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Moves every task of `born` (emptying it) to the front, in its order, as joining at `now`. */
  adopt(born: RunQueue<T>, now: number): void {
    while (born.length > 0) {
      if (this.#length === this.#items.length) this.#grow();
      this.#head = (this.#head - 1) & this.#mask;
      this.#items[this.#head] = born.pop();
      this.#joined[this.#head] = now;
      this.#length++;
    }
  }

  /** The task in front; only call when `length > 0`. */
  shift(): T {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return item;
  }

  /** Moves the tasks that joined before `before` to the end of `queue`. */
  expire(before: number, queue: RunQueue<T>): void {
    while (this.#length > 0) {
      const last = (this.#head + this.#length - 1) & this.#mask;
      if ((this.#joined[last] as number) >= before) return;
      queue.push(this.#items[last] as T);
      this.#items[last] = undefined;
      this.#length--;
    }
  }

  #grow(): void {
    const items: Array<T | undefined> = new Array(this.#items.length * 2);
    const joined = new Float64Array(items.length);
    for (let i = 0; i < this.#length; i++) {
      const at = (this.#head + i) & this.#mask;
      items[i] = this.#items[at];
      joined[i] = this.#joined[at] as number;
    }
    this.#items = items;
    this.#joined = joined;
    this.#mask = items.length - 1;
    this.#head = 0;
  }
}
