/** A binary min-heap of deadlines, for the scheduler's sleeping tasks. */
export class TimerHeap<T> {
  readonly #at: number[] = [];
  readonly #items: T[] = [];

  get size(): number {
    return this.#at.length;
  }

  /** The earliest deadline, or `Infinity` when empty. */
  get next(): number {
    return this.#at.length > 0 ? (this.#at[0] as number) : Number.POSITIVE_INFINITY;
  }

  add(at: number, item: T): void {
    const times = this.#at;
    const items = this.#items;
    let i = times.length;
    times.push(at);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((times[parent] as number) <= at) break;
      times[i] = times[parent] as number;
      items[i] = items[parent] as T;
      i = parent;
    }
    times[i] = at;
    items[i] = item;
  }

  /** Removes every item. */
  clear(): void {
    this.#at.length = 0;
    this.#items.length = 0;
  }

  /** Removes and returns the earliest item; only call when `size > 0`. */
  pop(): T {
    const times = this.#at;
    const items = this.#items;
    const top = items[0] as T;
    const lastAt = times.pop() as number;
    const last = items.pop() as T;
    const size = times.length;
    if (size > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && (times[child + 1] as number) < (times[child] as number)) child++;
        if ((times[child] as number) >= lastAt) break;
        times[i] = times[child] as number;
        items[i] = items[child] as T;
        i = child;
      }
      times[i] = lastAt;
      items[i] = last;
    }
    return top;
  }
}
