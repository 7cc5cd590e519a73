/**
 * A FIFO of runnable items on a power-of-two ring that grows when full: no allocation per push or
 * shift once it has reached its working size.
 */
export class RunQueue<T> {
  #items: Array<T | undefined> = new Array(64);
  #mask = 63;
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
  }

  /** The oldest item; only call when `length > 0`. */
  shift(): T {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return item;
  }

  /** Removes the items for which `keep` is false, keeping the order of the rest. */
  filter(keep: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const count = this.#length;
    for (let i = 0; i < count; i++) {
      const item = this.shift();
      if (keep(item)) this.push(item);
      else removed.push(item);
    }
    return removed;
  }

  #grow(): void {
    const old = this.#items;
    const items: Array<T | undefined> = new Array(old.length * 2);
    for (let i = 0; i < this.#length; i++) items[i] = old[(this.#head + i) & this.#mask];
    this.#items = items;
    this.#mask = items.length - 1;
    this.#head = 0;
  }
}
