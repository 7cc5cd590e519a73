/**
 * A queue of runnable items on a power-of-two ring that grows when full: no allocation per push,
 * unshift, shift or pop once it has reached its working size. Items join at either end (`push`,
 * `unshift`) and leave from either end (`shift`, `pop`).
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

  /** Puts `item` ahead of all the others. */
  unshift(item: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & this.#mask;
    this.#items[this.#head] = item;
    this.#length++;
  }

  /** The newest item, left in place; only call when `length > 0`. */
  get last(): T {
    return this.#items[(this.#head + this.#length - 1) & this.#mask] as T;
  }

  /** The newest item; only call when `length > 0`. */
  pop(): T {
    this.#length--;
    const at = (this.#head + this.#length) & this.#mask;
    const item = this.#items[at] as T;
    this.#items[at] = undefined;
    return item;
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
