/**
 * Per-process arena memory over shared blocks, freed wholesale on exit, and a shared heap for data
 * that processes share on purpose.
 *
 * - {@link BlockPool}: fixed-size blocks of shared memory, lock-free, attachable from any thread.
 * - {@link Arena}: one owner's bump-allocated region over a pool, released in one step.
 * - {@link SharedHeap}: thread-safe `malloc`/`free` over a `SharedArrayBuffer`.
 *
 * @packageDocumentation
 */
export type {
  ArenaOptions,
  ArenaStats,
  BlockPoolHandle,
  BlockPoolOptions,
  BlockPoolStats,
  SharedHeapOptions,
  SharedHeapStats,
  TypedArray,
  TypedArrayConstructor,
} from './api.js';
export { Arena, ArenaMark } from './arena.js';
export { BlockPool } from './block-pool.js';
export { ArenaLimitError, OutOfMemoryError } from './errors.js';
export { SharedHeap } from './shared-heap.js';
