import type { SharedHeapOptions, SharedHeapStats, TypedArray, TypedArrayConstructor } from './api.js';
import { OutOfMemoryError } from './errors.js';
import { lock, unlock } from './mutex.js';
import { checkInteger, checkOptions, describe } from './validate.js';

/*
 * Layout of the buffer (byte offsets; every piece of state lives in the buffer itself, so any
 * thread that has the buffer has the heap):
 *
 *   0  magic, version, capacity
 *  64  lock word (a cache line of its own: every thread touches it)
 * 128  first free range, live allocations, bytes used
 * 192  ranges, back to back, to the end of the buffer
 *
 * A range of `size` bytes (a multiple of 8) carries boundary tags: a header word at its start and
 * a footer word in its last 8 bytes, both `size | USED`, so a range finds both neighbours in O(1)
 * and freed neighbours coalesce at once. A used range's second word is a canary that `free` checks;
 * a free range holds its free-list links there instead: [start + 8] next, [start + 12] previous.
 */
const MAGIC = 0x42484541; // 'BHEA'
const CANARY = 0x0beaf00d;
const VERSION = 1;
const I_MAGIC = 0;
const I_VERSION = 1;
const I_CAPACITY = 2;
const I_LOCK = 64 / 4;
const I_FREE_HEAD = 128 / 4;
const I_ALLOCATIONS = I_FREE_HEAD + 1;
const I_BYTES_USED = I_FREE_HEAD + 2;
const HEAP_START = 192;
const USED = 1;
const OVERHEAD = 16;
const MIN_RANGE = 24;
const MAX_CAPACITY = 2 ** 31 - 8;

/**
 * The proposal's global heap: `malloc` and `free` over one `SharedArrayBuffer`, safe from every
 * thread that attached it, for data that processes share on purpose. Allocations are 8-byte
 * aligned; freed ranges are reused and coalesce with free neighbours. A short critical section
 * under a futex-style lock guards the free list — the sharing has a cost, as the proposal warns.
 *
 * @example
 * ```ts
 * import { SharedHeap } from '@beamish/arena';
 *
 * const heap = SharedHeap.create({ bytes: 1 << 20 });
 * const totals = heap.view(Float64Array, 16); // post heap.buffer to a worker: SharedHeap.attach(buffer)
 * totals[0] = 42;
 * heap.free(totals);
 * ```
 */
export class SharedHeap {
  /** The heap's memory; views of allocations are made over it. */
  readonly buffer: SharedArrayBuffer;
  readonly #words: Int32Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#words = new Int32Array(buffer);
  }

  /**
   * Makes a heap whose buffer is `options.bytes` long.
   *
   * @throws RangeError / TypeError when `options.bytes` is out of range.
   */
  static create(options: SharedHeapOptions = {}): SharedHeap {
    checkOptions('options', options);
    const bytes = checkInteger('options.bytes', options.bytes ?? 16 * 1024 * 1024, 4096, MAX_CAPACITY);
    if (bytes % 8 !== 0) throw new RangeError(`options.bytes must be a multiple of 8, got ${bytes}`);
    const heap = new SharedHeap(new SharedArrayBuffer(bytes));
    const words = heap.#words;
    words[I_MAGIC] = MAGIC;
    words[I_VERSION] = VERSION;
    words[I_CAPACITY] = bytes;
    heap.#markFree(HEAP_START, bytes - HEAP_START);
    heap.#setNext(HEAP_START, 0);
    heap.#setPrev(HEAP_START, 0);
    words[I_FREE_HEAD] = HEAP_START;
    return heap;
  }

  /**
   * Attaches to a heap made in another thread, from its `buffer`.
   *
   * @throws TypeError when `buffer` does not hold a heap.
   */
  static attach(buffer: SharedArrayBuffer): SharedHeap {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < 4096 || buffer.byteLength % 8 !== 0) {
      throw new TypeError(`buffer must be a SharedHeap's SharedArrayBuffer, got ${describe(buffer)}`);
    }
    const words = new Int32Array(buffer, 0, 4);
    if (words[I_MAGIC] !== MAGIC || words[I_VERSION] !== VERSION || words[I_CAPACITY] !== buffer.byteLength) {
      throw new TypeError('buffer is not a SharedHeap buffer of this version');
    }
    return new SharedHeap(buffer);
  }

  /**
   * Allocates `bytes` bytes, 8-byte aligned, and returns their byte offset in {@link SharedHeap.buffer}
   * (never 0). The memory is not zeroed.
   *
   * @throws OutOfMemoryError when no free range is large enough.
   */
  malloc(bytes: number): number {
    checkInteger('bytes', bytes, 0, MAX_CAPACITY);
    const size = Math.max(MIN_RANGE, ((bytes + 7) & ~7) + OVERHEAD);
    const words = this.#words;
    lock(words, I_LOCK);
    try {
      for (let range = words[I_FREE_HEAD] as number; range !== 0; range = this.#next(range)) {
        const free = this.#size(range);
        if (free < size) continue;
        let start = range;
        let taken = free;
        if (free - size >= MIN_RANGE) {
          // Take the tail: the free range keeps its place in the list and only shrinks.
          this.#markFree(range, free - size);
          start = range + free - size;
          taken = size;
        } else {
          this.#unlink(range);
        }
        this.#markUsed(start, taken);
        words[I_ALLOCATIONS] = (words[I_ALLOCATIONS] as number) + 1;
        words[I_BYTES_USED] = (words[I_BYTES_USED] as number) + taken;
        return start + 8;
      }
    } finally {
      unlock(words, I_LOCK);
    }
    throw new OutOfMemoryError(
      'SharedHeap',
      bytes,
      `no free range is large enough (${this.stats().largestFree} bytes is the largest)`,
    );
  }

  /**
   * Returns an allocation, given its offset or a view that starts at it. Free neighbours merge
   * with it at once.
   *
   * @throws RangeError when `pointer` is not a live allocation of this heap (a double free, say).
   */
  free(pointer: number | TypedArray): void {
    const address = typeof pointer === 'number' ? pointer : pointer?.byteOffset;
    const words = this.#words;
    lock(words, I_LOCK);
    try {
      const size = this.#checkLive(pointer, address);
      const start = (address as number) - 8;
      // The canary goes first, whichever way the range is merged: a second free of the same pointer
      // is caught even when this header ends up inside a bigger free range.
      words[(start + 4) >> 2] = 0;
      let merged = size;
      words[I_ALLOCATIONS] = (words[I_ALLOCATIONS] as number) - 1;
      words[I_BYTES_USED] = (words[I_BYTES_USED] as number) - size;
      const after = start + size;
      if (after < (words[I_CAPACITY] as number) && !this.#isUsed(after)) {
        merged += this.#size(after);
        this.#unlink(after);
      }
      if (start > HEAP_START && ((words[(start - 8) >> 2] as number) & USED) === 0) {
        // The range before is free: grow it over this one; it is already in the free list.
        const before = start - ((words[(start - 8) >> 2] as number) & ~7);
        this.#markFree(before, this.#size(before) + merged);
        return;
      }
      this.#markFree(start, merged);
      this.#push(start);
    } finally {
      unlock(words, I_LOCK);
    }
  }

  /**
   * Allocates a typed view of `length` elements.
   *
   * @example
   * ```ts
   * const counts = heap.view(Int32Array, 256);
   * Atomics.add(counts, 0, 1); // shared with every thread that attached the heap
   * ```
   */
  view<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    checkInteger('length', length, 0, Math.floor(MAX_CAPACITY / type.BYTES_PER_ELEMENT));
    return new type(this.buffer, this.malloc(length * type.BYTES_PER_ELEMENT), length);
  }

  /** Usable bytes of the live allocation at `pointer` (at least what was asked for). */
  sizeOf(pointer: number): number {
    const words = this.#words;
    lock(words, I_LOCK);
    try {
      return this.#checkLive(pointer, pointer) - OVERHEAD;
    } finally {
      unlock(words, I_LOCK);
    }
  }

  /** A snapshot taken under the lock; walks the free list. */
  stats(): SharedHeapStats {
    const words = this.#words;
    lock(words, I_LOCK);
    try {
      let freeRanges = 0;
      let bytesFree = 0;
      let largestFree = 0;
      for (let range = words[I_FREE_HEAD] as number; range !== 0; range = this.#next(range)) {
        const size = this.#size(range);
        freeRanges++;
        bytesFree += size;
        largestFree = Math.max(largestFree, size - OVERHEAD);
      }
      return {
        capacity: words[I_CAPACITY] as number,
        allocations: words[I_ALLOCATIONS] as number,
        bytesUsed: words[I_BYTES_USED] as number,
        bytesFree,
        freeRanges,
        largestFree,
      };
    } finally {
      unlock(words, I_LOCK);
    }
  }

  /** Size of the live range behind `address`, or a RangeError naming what is wrong. */
  #checkLive(pointer: unknown, address: unknown): number {
    const words = this.#words;
    const capacity = words[I_CAPACITY] as number;
    if (typeof address !== 'number' || !Number.isInteger(address) || address % 8 !== 0) {
      throw new TypeError(
        `pointer must be an offset from malloc or a view from view(), got ${describe(pointer)}`,
      );
    }
    const start = address - 8;
    const header = start >= HEAP_START && address < capacity ? (words[start >> 2] as number) : 0;
    const size = header & ~7;
    if (
      (header & USED) === 0 ||
      words[(start + 4) >> 2] !== CANARY ||
      size < MIN_RANGE ||
      start + size > capacity ||
      words[(start + size - 8) >> 2] !== header
    ) {
      throw new RangeError(
        `pointer ${address} is not a live allocation of this heap: freed twice, or never allocated`,
      );
    }
    return size;
  }

  #size(range: number): number {
    return (this.#words[range >> 2] as number) & ~7;
  }
  #isUsed(range: number): boolean {
    return ((this.#words[range >> 2] as number) & USED) !== 0;
  }
  #next(range: number): number {
    return this.#words[(range + 8) >> 2] as number;
  }
  #setNext(range: number, next: number): void {
    this.#words[(range + 8) >> 2] = next;
  }
  #prev(range: number): number {
    return this.#words[(range + 12) >> 2] as number;
  }
  #setPrev(range: number, prev: number): void {
    this.#words[(range + 12) >> 2] = prev;
  }
  #markFree(range: number, size: number): void {
    this.#words[range >> 2] = size;
    this.#words[(range + 4) >> 2] = 0;
    this.#words[(range + size - 8) >> 2] = size;
  }
  #markUsed(range: number, size: number): void {
    this.#words[range >> 2] = size | USED;
    this.#words[(range + 4) >> 2] = CANARY;
    this.#words[(range + size - 8) >> 2] = size | USED;
  }
  #push(range: number): void {
    const head = this.#words[I_FREE_HEAD] as number;
    this.#setNext(range, head);
    this.#setPrev(range, 0);
    if (head !== 0) this.#setPrev(head, range);
    this.#words[I_FREE_HEAD] = range;
  }
  #unlink(range: number): void {
    const next = this.#next(range);
    const prev = this.#prev(range);
    if (prev === 0) this.#words[I_FREE_HEAD] = next;
    else this.#setNext(prev, next);
    if (next !== 0) this.#setPrev(next, prev);
  }
}
