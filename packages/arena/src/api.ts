import type { ArenaLimitError } from './errors.js';
/** Options of {@link BlockPool.create}. */
export interface BlockPoolOptions {
  /**
   * Size of one block in bytes: a power of two from 4 KiB to 16 MiB. An arena bump-allocates inside
   * its current block and takes a new one when it is full.
   * @defaultValue 65536 (64 KiB)
   */
  blockSize?: number;
  /**
   * The pool reserves address space for `maxBytes` up front and commits it lazily, one segment at
   * a time, as blocks are first handed out: a multiple of `blockSize`.
   * @defaultValue 4194304 (4 MiB)
   */
  segmentSize?: number;
  /**
   * Upper bound on the memory the pool will ever commit; `acquire` throws an `OutOfMemoryError`
   * past it. A multiple of `segmentSize`.
   * @defaultValue 1073741824 (1 GiB)
   */
  maxBytes?: number;
}

/**
 * What another thread needs to attach to a {@link BlockPool}: two `SharedArrayBuffer`s, so the
 * handle can be posted to a worker as it is.
 */
export interface BlockPoolHandle {
  /** Free list, block states and counters. */
  readonly control: SharedArrayBuffer;
  /** The blocks themselves: a growable buffer that grows one segment at a time. */
  readonly data: SharedArrayBuffer;
}

/** A snapshot of a pool's counters; exact when no other thread is using the pool at the time. */
export interface BlockPoolStats {
  /** Bytes per block. */
  blockSize: number;
  /** Blocks the pool may ever hand out (`maxBytes / blockSize`). */
  maxBlocks: number;
  /** Blocks cut from committed segments so far. */
  blocksCarved: number;
  /** Blocks currently acquired and not yet released. */
  blocksInUse: number;
  /** Bytes of address space committed (segments grown so far). */
  bytesCommitted: number;
}

/** Options of an {@link Arena}. */
export interface ArenaOptions {
  /**
   * Most bytes the arena may hand out between two `reset`s (alignment padding included). An
   * allocation past it throws an `ArenaLimitError` and leaves the arena as it was.
   * @defaultValue Infinity
   */
  limit?: number;
  /**
   * Called with the error when an allocation would pass `limit`, just before it is thrown: lets the
   * arena's owner act on it even if the code that allocated catches the error (the actors runtime
   * ends a process that passes its `maxHeapSize` this way).
   * @defaultValue none
   */
  onLimit?: ((error: ArenaLimitError) => void) | undefined;
}

/** What an arena holds and has held. */
export interface ArenaStats {
  /** Bytes handed out and not rewound, alignment padding included. */
  bytesUsed: number;
  /** Pool blocks the arena holds. */
  blocksHeld: number;
  /** Allocations larger than a block, each in a buffer of its own. */
  largeAllocations: number;
  /** Bytes of memory the arena holds: its blocks plus its large allocations. */
  bytesHeld: number;
  /** The most bytes ever in use at once since the arena was made. */
  highWater: number;
  /** The arena's byte limit (`Infinity` when it has none). */
  limit: number;
}

/** Options of {@link SharedHeap.create}. */
export interface SharedHeapOptions {
  /**
   * Size of the heap's buffer in bytes, bookkeeping included: a multiple of 8 from 4 KiB to
   * 2 GiB − 8.
   * @defaultValue 16777216 (16 MiB)
   */
  bytes?: number;
}

/** A snapshot of a shared heap, taken under its lock. */
export interface SharedHeapStats {
  /** Size of the buffer in bytes. */
  capacity: number;
  /** Live allocations. */
  allocations: number;
  /** Bytes held by live allocations, their 16-byte headers and rounding included. */
  bytesUsed: number;
  /** Bytes in free ranges. */
  bytesFree: number;
  /** Number of free ranges: 1 after everything is freed, because neighbours coalesce. */
  freeRanges: number;
  /** The largest allocation that would succeed now, in bytes. */
  largestFree: number;
}

/** Any typed array. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** A typed-array class, such as `Float64Array`, used to make a view of arena memory. */
export interface TypedArrayConstructor<T extends TypedArray> {
  new (buffer: SharedArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}
