import type { ArenaOptions, ArenaStats, TypedArray, TypedArrayConstructor } from './api.js';
import type { BlockPool } from './block-pool.js';
import { ArenaLimitError } from './errors.js';
import { checkInteger, checkOptions, checkPowerOfTwo, describe, MAX_BYTES } from './validate.js';

/** A position in an {@link Arena}, from {@link Arena.mark}, to {@link Arena.rewind} to. */
export class ArenaMark {
  /** @internal */
  constructor(
    /** @internal */ readonly arena: Arena,
    /** @internal */ readonly blocks: number,
    /** @internal */ readonly cursor: number,
    /** @internal */ readonly large: number,
    /** Bytes in use when the mark was taken. */
    readonly bytesUsed: number,
  ) {}
}

/**
 * One owner's memory region: the proposal's private heap per worker. Allocation bumps a cursor
 * through blocks taken from a {@link BlockPool}; {@link Arena.release} gives every block back in
 * one step when the owner is done, so nothing is left for a garbage collector to trace.
 *
 * Memory is not zeroed (like `malloc`): a fresh allocation holds whatever its block last held.
 * Views stay usable until the arena is rewound past them, reset or released; after that the memory
 * may belong to another owner, as with a dangling pointer in C.
 *
 * @example
 * ```ts
 * import { Arena, BlockPool } from '@beamish/arena';
 *
 * const pool = BlockPool.create();
 * const arena = new Arena(pool, { limit: 1 << 20 });
 * const xs = arena.f64(1024).fill(0.5);
 * const names = arena.u8(32);
 * console.log(arena.stats().bytesUsed); // 8224
 * arena.release(); // every block back to the pool, at once
 * ```
 */
export class Arena {
  readonly #pool: BlockPool;
  readonly #data: SharedArrayBuffer;
  readonly #blockSize: number;
  readonly #limit: number;
  readonly #onLimit: ((error: ArenaLimitError) => void) | undefined;
  /** Pool blocks held, in the order they were taken. */
  #blocks: number[] = [];
  /** Allocations larger than a block, each in a buffer of its own (like malloc's mmap threshold). */
  #large: SharedArrayBuffer[] | undefined;
  /** The large allocation just placed, for the view being made; undefined otherwise. */
  #placedLarge: SharedArrayBuffer | undefined;
  /** Next free byte of the current block, as an offset in the pool's buffer. */
  #cursor = 0;
  /** End of the current block; 0 before the first block, -1 once released. */
  #blockEnd = 0;
  /**
   * Where the fast path must stop: the block's end, or sooner where the limit would be passed.
   * Keeping both checks in this one number leaves a single comparison on the fast path.
   */
  #stop = 0;
  /** Bytes in use are `#base + #cursor`, so the fast path only moves the cursor. */
  #base = 0;
  #highWater = 0;

  /**
   * Makes an empty arena over `pool`. It takes no block until its first allocation, so an idle
   * arena costs a few dozen bytes.
   *
   * @throws RangeError / TypeError when `options.limit` is not a non-negative number.
   */
  constructor(pool: BlockPool, options: ArenaOptions = {}) {
    if (typeof pool?.acquire !== 'function' || !(pool.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError(`pool must be a BlockPool, got ${describe(pool)}`);
    }
    checkOptions('options', options);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (limit !== Number.POSITIVE_INFINITY) checkInteger('options.limit', limit, 0, Number.MAX_SAFE_INTEGER);
    this.#pool = pool;
    this.#data = pool.buffer;
    this.#blockSize = pool.blockSize;
    this.#limit = limit;
    if (options.onLimit !== undefined && typeof options.onLimit !== 'function') {
      throw new TypeError(`options.onLimit must be a function, got ${describe(options.onLimit)}`);
    }
    this.#onLimit = options.onLimit;
  }

  /** The pool this arena takes its blocks from. */
  get pool(): BlockPool {
    return this.#pool;
  }

  /** True once {@link Arena.release} has run. */
  get released(): boolean {
    return this.#blockEnd < 0;
  }

  /**
   * Allocates `bytes` bytes aligned to `align`.
   *
   * @param bytes - a non-negative integer; allocations larger than a block get a buffer of their own.
   * @param align - a power of two up to the pool's block size.
   * @defaultValue align 8
   * @throws ArenaLimitError past the arena's limit; OutOfMemoryError when the pool is exhausted.
   */
  alloc(bytes: number, align = 8): Uint8Array {
    checkInteger('bytes', bytes, 0, MAX_BYTES);
    checkPowerOfTwo('align', align, 1, this.#blockSize);
    const offset = this.#place(bytes, align);
    return new Uint8Array(this.#take(), offset, bytes);
  }

  /**
   * A typed view of `length` fresh elements, aligned to the element size.
   *
   * @example
   * ```ts
   * const points = arena.view(Float32Array, 3 * 1000);
   * ```
   */
  view<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    const size = type.BYTES_PER_ELEMENT;
    if (length >>> 0 !== length || length * size > MAX_BYTES) {
      checkInteger('length', length, 0, Math.floor(MAX_BYTES / size));
    }
    const offset = this.#place(length * size, size);
    return new type(this.#take(), offset, length);
  }

  /** `length` fresh `Uint8` elements. */
  u8(length: number): Uint8Array {
    return this.view(Uint8Array, length);
  }
  /** `length` fresh `Int8` elements. */
  i8(length: number): Int8Array {
    return this.view(Int8Array, length);
  }
  /** `length` fresh `Uint16` elements. */
  u16(length: number): Uint16Array {
    return this.view(Uint16Array, length);
  }
  /** `length` fresh `Int16` elements. */
  i16(length: number): Int16Array {
    return this.view(Int16Array, length);
  }
  /** `length` fresh `Uint32` elements. */
  u32(length: number): Uint32Array {
    return this.view(Uint32Array, length);
  }
  /** `length` fresh `Int32` elements. */
  i32(length: number): Int32Array {
    return this.view(Int32Array, length);
  }
  /** `length` fresh `Float32` elements. */
  f32(length: number): Float32Array {
    return this.view(Float32Array, length);
  }
  /** `length` fresh `Float64` elements. */
  f64(length: number): Float64Array {
    return this.view(Float64Array, length);
  }
  /** `length` fresh `BigInt64` elements. */
  i64(length: number): BigInt64Array {
    return this.view(BigInt64Array, length);
  }
  /** `length` fresh `BigUint64` elements. */
  u64(length: number): BigUint64Array {
    return this.view(BigUint64Array, length);
  }

  /** The current position, to {@link Arena.rewind} to later. */
  mark(): ArenaMark {
    this.#checkLive();
    return new ArenaMark(this, this.#blocks.length, this.#cursor, this.#large?.length ?? 0, this.#used());
  }

  /**
   * Frees everything allocated since `mark` was taken, giving the blocks taken since then back to
   * the pool. A mark stays valid until the arena is rewound or reset to a point before it.
   *
   * @throws TypeError when `mark` is not a mark of this arena; RangeError when it lies ahead of the
   * arena's position (it was taken before an earlier rewind).
   */
  rewind(mark: ArenaMark): void {
    this.#checkLive();
    if (!(mark instanceof ArenaMark) || mark.arena !== this) {
      throw new TypeError(`mark must be a mark taken from this arena, got ${describe(mark)}`);
    }
    const blocks = this.#blocks;
    const used = this.#used();
    if (mark.blocks > blocks.length || mark.large > (this.#large?.length ?? 0) || mark.bytesUsed > used) {
      throw new RangeError('mark lies ahead of the arena: the arena was rewound or reset to before it');
    }
    this.#highWater = Math.max(this.#highWater, used);
    this.#pool.releaseAll(blocks, mark.blocks);
    blocks.length = mark.blocks;
    if (this.#large) this.#large.length = mark.large;
    const last = blocks[mark.blocks - 1];
    this.#moveTo(
      mark.cursor,
      last === undefined ? 0 : last * this.#blockSize + this.#blockSize,
      mark.bytesUsed,
    );
  }

  /** Frees every allocation, keeping one block for what comes next; the rest go back to the pool. */
  reset(): void {
    this.#checkLive();
    this.#highWater = Math.max(this.#highWater, this.#used());
    const blocks = this.#blocks;
    this.#pool.releaseAll(blocks, 1);
    blocks.length = Math.min(blocks.length, 1);
    this.#large = undefined;
    const first = blocks[0];
    if (first === undefined) this.#moveTo(0, 0, 0);
    else this.#moveTo(first * this.#blockSize, first * this.#blockSize + this.#blockSize, 0);
  }

  /**
   * Gives every block back to the pool in one step and ends the arena: O(blocks), one CAS on the
   * pool's free list. Calling it again does nothing; any other use afterwards throws.
   */
  release(): void {
    if (this.#blockEnd < 0) return;
    this.#highWater = Math.max(this.#highWater, this.#used());
    this.#pool.releaseAll(this.#blocks);
    this.#blocks = [];
    this.#large = undefined;
    this.#moveTo(0, -1, 0);
  }

  /** What the arena holds and has held. */
  stats(): ArenaStats {
    let largeBytes = 0;
    for (const buffer of this.#large ?? []) largeBytes += buffer.byteLength;
    const used = this.#used();
    return {
      bytesUsed: used,
      blocksHeld: this.#blocks.length,
      largeAllocations: this.#large?.length ?? 0,
      bytesHeld: this.#blocks.length * this.#blockSize + largeBytes,
      highWater: Math.max(this.#highWater, used),
      limit: this.#limit,
    };
  }

  #used(): number {
    return this.#base + this.#cursor;
  }

  /** Sets the cursor, the current block's end and the bytes in use, and derives where to stop. */
  #moveTo(cursor: number, blockEnd: number, used: number): void {
    this.#cursor = cursor;
    this.#blockEnd = blockEnd;
    this.#base = used - cursor;
    this.#stop = Math.min(blockEnd, this.#limit - this.#base);
  }

  /** Reserves `bytes` at `align` and returns their offset in the buffer that `#take` then yields. */
  #place(bytes: number, align: number): number {
    const cursor = this.#cursor;
    // Offsets may pass 2^31; `&` keeps the low bits right, which is all the padding needs.
    const start = cursor + (-cursor & (align - 1));
    const end = start + bytes;
    if (end <= this.#stop) {
      this.#cursor = end;
      return start;
    }
    return this.#placeSlow(bytes, align);
  }

  /** The current block is full, there is none yet, the limit is near, or the arena is released. */
  #placeSlow(bytes: number, align: number): number {
    this.#checkLive();
    const cursor = this.#cursor;
    const used = this.#used();
    const end = cursor + (-cursor & (align - 1)) + bytes;
    const fitsHere = end <= this.#blockEnd;
    const requested = fitsHere ? end - cursor : bytes; // a new block starts aligned
    if (used + requested > this.#limit) {
      const error = new ArenaLimitError(this.#limit, used, requested);
      this.#onLimit?.(error);
      throw error;
    }
    if (fitsHere) {
      this.#cursor = end;
      return end - bytes;
    }
    if (bytes > this.#blockSize) {
      const buffer = new SharedArrayBuffer(bytes);
      if (this.#large === undefined) this.#large = [];
      this.#large.push(buffer);
      this.#placedLarge = buffer;
      this.#moveTo(cursor, this.#blockEnd, used + bytes);
      return 0;
    }
    const block = this.#pool.acquire();
    this.#blocks.push(block);
    const start = block * this.#blockSize;
    this.#moveTo(start + bytes, start + this.#blockSize, used + bytes);
    return start;
  }

  /** The buffer of the allocation just placed: the pool's, unless it was a large one. */
  #take(): SharedArrayBuffer {
    const large = this.#placedLarge;
    if (large === undefined) return this.#data;
    this.#placedLarge = undefined;
    return large;
  }

  #checkLive(): void {
    if (this.#blockEnd < 0)
      throw new Error('arena was released: it can no longer allocate, mark, rewind or reset');
  }
}
