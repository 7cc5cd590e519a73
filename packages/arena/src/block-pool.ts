import type { BlockPoolHandle, BlockPoolOptions, BlockPoolStats } from './api.js';
import { OutOfMemoryError } from './errors.js';
import { TaggedStack } from './tagged-stack.js';
import { checkInteger, checkOptions, checkPowerOfTwo, describe } from './validate.js';

/*
 * Control buffer layout (byte offsets). Words that different threads hammer sit on cache lines of
 * their own, because false sharing between cores costs several times a plain atomic here.
 *
 *   0  magic, version, blockSize, maxBlocks, segmentSize   (written once at creation)
 *  64  free-list head (64-bit tagged word, see TaggedStack)
 * 128  blocks carved from committed segments so far
 * 192  blocks in use
 * 256  next[maxBlocks]   free-list links (Int32)
 *  …   state[maxBlocks]  1 = held, 0 = free (Uint8)
 */
const MAGIC = 0x42504f4c; // 'BPOL'
const VERSION = 1;
const I_MAGIC = 0;
const I_VERSION = 1;
const I_BLOCK_SIZE = 2;
const I_MAX_BLOCKS = 3;
const I_SEGMENT_SIZE = 4;
const HEAD64 = 64 / 8;
const I_CARVED = 128 / 4;
const I_IN_USE = 192 / 4;
const NEXT_OFFSET = 256;

const HELD = 1;
const FREE = 0;

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Fixed-size blocks of shared memory, cut lazily from segments of one growable
 * `SharedArrayBuffer`: this package's `mmap`. Acquiring and releasing blocks is lock-free and safe
 * from any thread that has attached the pool.
 *
 * A block is named by its index (a small integer), so it can travel through a queue or a message as
 * one word; {@link BlockPool.byteOffset} locates it in {@link BlockPool.buffer}.
 *
 * @example
 * ```ts
 * import { BlockPool } from '@beamish/arena';
 *
 * const pool = BlockPool.create({ blockSize: 64 * 1024 });
 * const block = pool.acquire();
 * new Float64Array(pool.buffer, pool.byteOffset(block), 8).fill(1);
 * pool.release(block);
 *
 * // In a worker: BlockPool.attach(handle) with the handle posted from here.
 * const handle = pool.handle;
 * ```
 */
export class BlockPool {
  /** The memory of every block; grows (never moves) as segments are committed. */
  readonly buffer: SharedArrayBuffer;
  /** Bytes per block. */
  readonly blockSize: number;
  /** Blocks the pool may ever hand out. */
  readonly maxBlocks: number;
  /** Bytes committed at a time when the pool needs fresh blocks. */
  readonly segmentSize: number;

  readonly #control: SharedArrayBuffer;
  readonly #words: Int32Array;
  readonly #state: Uint8Array;
  readonly #free: TaggedStack;

  private constructor(control: SharedArrayBuffer, data: SharedArrayBuffer) {
    const words = new Int32Array(control);
    this.#control = control;
    this.#words = words;
    this.buffer = data;
    this.blockSize = words[I_BLOCK_SIZE] as number;
    this.maxBlocks = words[I_MAX_BLOCKS] as number;
    this.segmentSize = words[I_SEGMENT_SIZE] as number;
    const next = new Int32Array(control, NEXT_OFFSET, this.maxBlocks);
    this.#state = new Uint8Array(control, NEXT_OFFSET + 4 * this.maxBlocks, this.maxBlocks);
    this.#free = new TaggedStack(new BigInt64Array(control, 0, HEAD64 + 1), HEAD64, next);
  }

  /**
   * Makes a pool. Nothing is committed until the first block is acquired.
   *
   * @throws RangeError / TypeError when an option is out of range, naming it.
   */
  static create(options: BlockPoolOptions = {}): BlockPool {
    checkOptions('options', options);
    const blockSize = checkPowerOfTwo('options.blockSize', options.blockSize ?? 64 * KiB, 4 * KiB, 16 * MiB);
    const segmentSize = checkPowerOfTwo(
      'options.segmentSize',
      options.segmentSize ?? Math.max(4 * MiB, blockSize),
      blockSize,
      1024 * MiB,
    );
    const maxBytes = checkInteger('options.maxBytes', options.maxBytes ?? 1024 * MiB, segmentSize, 2 ** 40);
    if (maxBytes % segmentSize !== 0) {
      throw new RangeError(
        `options.maxBytes must be a multiple of options.segmentSize (${segmentSize}), got ${maxBytes}`,
      );
    }
    const maxBlocks = maxBytes / blockSize;
    if (maxBlocks > 2 ** 31 - 1) {
      throw new RangeError(`options.maxBytes allows ${maxBlocks} blocks; at most 2^31 - 1 are supported`);
    }
    const control = new SharedArrayBuffer(NEXT_OFFSET + 5 * maxBlocks);
    const words = new Int32Array(control);
    words[I_MAGIC] = MAGIC;
    words[I_VERSION] = VERSION;
    words[I_BLOCK_SIZE] = blockSize;
    words[I_MAX_BLOCKS] = maxBlocks;
    words[I_SEGMENT_SIZE] = segmentSize;
    const data = new SharedArrayBuffer(0, { maxByteLength: maxBytes });
    return new BlockPool(control, data);
  }

  /**
   * Attaches to a pool made in another thread, from its {@link BlockPool.handle}. Both sides then
   * hand out and take back the same blocks.
   *
   * @throws TypeError when `handle` is not a pool's handle.
   */
  static attach(handle: BlockPoolHandle): BlockPool {
    const control = handle?.control;
    const data = handle?.data;
    if (!(control instanceof SharedArrayBuffer) || !(data instanceof SharedArrayBuffer) || !data.growable) {
      throw new TypeError(`handle must be a BlockPool handle { control, data }, got ${describe(handle)}`);
    }
    const words = control.byteLength >= NEXT_OFFSET ? new Int32Array(control, 0, 8) : undefined;
    if (words?.[I_MAGIC] !== MAGIC || words[I_VERSION] !== VERSION) {
      throw new TypeError('handle.control is not a BlockPool control buffer of this version');
    }
    return new BlockPool(control, data);
  }

  /** What another thread passes to {@link BlockPool.attach}; can be posted as it is. */
  get handle(): BlockPoolHandle {
    return { control: this.#control, data: this.buffer };
  }

  /** Byte offset of `block` in {@link BlockPool.buffer}. */
  byteOffset(block: number): number {
    return block * this.blockSize;
  }

  /** A byte view of the whole of `block`. */
  bytes(block: number): Uint8Array {
    return new Uint8Array(this.buffer, block * this.blockSize, this.blockSize);
  }

  /**
   * Takes a block, lock-free. Its contents are whatever its last owner left.
   *
   * @returns the block's index.
   * @throws OutOfMemoryError when all `maxBytes` are in use.
   */
  acquire(): number {
    const block = this.tryAcquire();
    if (block < 0) {
      throw new OutOfMemoryError(
        'BlockPool',
        this.blockSize,
        `all ${this.maxBlocks} blocks of ${this.blockSize} bytes are in use (raise maxBytes)`,
      );
    }
    return block;
  }

  /** Like {@link BlockPool.acquire}, but returns -1 instead of throwing when the pool is exhausted. */
  tryAcquire(): number {
    let block = this.#free.pop();
    if (block < 0) block = this.#carve();
    if (block < 0) block = this.#free.pop(); // a block released while we were carving
    if (block < 0) return -1;
    this.#state[block] = HELD;
    Atomics.add(this.#words, I_IN_USE, 1);
    return block;
  }

  /**
   * Gives `block` back, lock-free.
   *
   * @throws RangeError when `block` is not a block of this pool that is currently held (a double
   * release, or a number that never came from `acquire`).
   */
  release(block: number): void {
    this.#checkHeld('block', block);
    this.#state[block] = FREE;
    this.#free.link(block, -1);
    this.#free.pushChain(block, block);
    Atomics.sub(this.#words, I_IN_USE, 1);
  }

  /**
   * Gives back `blocks[start..end)` at once: O(n) to link them privately, then one CAS publishes
   * the whole chain. Either every block is released or, on bad input, none is.
   *
   * @throws RangeError when one of them is not held (or appears twice).
   */
  releaseAll(blocks: ArrayLike<number>, start = 0, end: number = blocks.length): void {
    if (end <= start) return;
    const state = this.#state;
    const carved = Atomics.load(this.#words, I_CARVED);
    for (let i = start; i < end; i++) {
      const block = blocks[i] as number;
      if (!(block >= 0 && block < carved && state[block] === HELD && Number.isInteger(block))) {
        for (let j = start; j < i; j++) state[blocks[j] as number] = HELD;
        this.#checkHeld(`blocks[${i}]`, block); // throws, naming what is wrong
        throw new RangeError(`blocks[${i}] (block ${block}) appears twice`);
      }
      state[block] = FREE; // a duplicate later in the list now fails the check
    }
    const free = this.#free;
    for (let i = start + 1; i < end; i++) free.link(blocks[i - 1] as number, blocks[i] as number);
    free.pushChain(blocks[start] as number, blocks[end - 1] as number);
    Atomics.sub(this.#words, I_IN_USE, end - start);
  }

  /** A snapshot of the pool's counters. */
  stats(): BlockPoolStats {
    return {
      blockSize: this.blockSize,
      maxBlocks: this.maxBlocks,
      blocksCarved: Math.min(Atomics.load(this.#words, I_CARVED), this.maxBlocks),
      blocksInUse: Atomics.load(this.#words, I_IN_USE),
      bytesCommitted: this.buffer.byteLength,
    };
  }

  /** True when `block` is currently acquired (from any thread). */
  isHeld(block: number): boolean {
    return Number.isInteger(block) && block >= 0 && block < this.maxBlocks && this.#state[block] === HELD;
  }

  #checkHeld(name: string, block: number): void {
    if (!Number.isInteger(block) || block < 0 || block >= Atomics.load(this.#words, I_CARVED)) {
      throw new RangeError(`${name} must be a block index acquired from this pool, got ${describe(block)}`);
    }
    if (this.#state[block] !== HELD) {
      throw new RangeError(`${name} (block ${block}) is not held: released twice, or never acquired`);
    }
  }

  /** Cuts a never-used block, committing its segment first if need be; -1 when none are left. */
  #carve(): number {
    const words = this.#words;
    let carved = Atomics.load(words, I_CARVED);
    for (;;) {
      if (carved >= this.maxBlocks) return -1;
      const seen = Atomics.compareExchange(words, I_CARVED, carved, carved + 1);
      if (seen === carved) break;
      carved = seen;
    }
    const needed = (carved + 1) * this.blockSize;
    const buffer = this.buffer;
    if (buffer.byteLength < needed) {
      const target = Math.ceil(needed / this.segmentSize) * this.segmentSize;
      try {
        buffer.grow(target);
      } catch (error) {
        // Another thread grew it further first (growing never shrinks, so ours was refused).
        if (buffer.byteLength < needed) throw error;
      }
    }
    return carved;
  }
}
