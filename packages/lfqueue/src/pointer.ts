import { GENERATION, slot } from './layout.js';

/**
 * Pointer words: one int32 holding a node index in its low bits and the node's generation in the
 * rest, read and CASed through an `Int32Array`, so that no `Atomics` call boxes a `bigint`.
 *
 * A node's generation moves on each time the node leaves the pool for a new life. A thread delayed
 * between reading a word and CASing it therefore fails its CAS if the node has been recycled
 * meanwhile, unless that one node has been recycled a multiple of 2^(32 − index bits) times. The
 * pool is a FIFO (see `NodePool`), so a node waits behind every other free node before it is used
 * again: with n nodes circulating, a generation comes round again only after about n × 2^(32 −
 * index bits) operations, at least 2^31 for a queue whose nodes all circulate, the same order as
 * the 32-bit tags the paper argues for. How many bits the index takes depends on the capacity, and
 * is kept in the buffer's header.
 */

/** The word of `node` in generation `generation`; bits above the word's width fall away. */
export const pointer = (node: number, generation: number, indexBits: number): number =>
  (generation << indexBits) | node;

/** The word of `node` in its current generation, as the node records it. */
export const wordOf = (ints: Int32Array, node: number, indexBits: number): number =>
  ((ints[slot(node, GENERATION)] as number) << indexBits) | node;

/**
 * The link that the node whose word is `owner` keeps to `node`: `<node, owner's generation>`. A link
 * carries the generation of the node that holds it, so that one written in an earlier life of that
 * node is told apart.
 */
export const linkTo = (owner: number, node: number, indexMask: number): number => (owner & ~indexMask) | node;

/** True when `link` was written in this life of the node whose word is `owner`, and is not null. */
export const isLinkOf = (link: number, owner: number, indexMask: number): boolean =>
  ((link ^ owner) & ~indexMask) === 0 && (link & indexMask) !== indexMask;

/** The null index: all ones, one more than any node's index can be. */
export const nullIndex = (indexBits: number): number => 2 ** indexBits - 1;

/** The largest generation in a queue whose words have `indexBits` index bits, all ones. */
export const generationMask = (indexBits: number): number => 2 ** (32 - indexBits) - 1;

/** The generation that follows `generation`, given `generationMask(indexBits)`. */
export const nextGeneration = (generation: number, mask: number): number => (generation + 1) & mask;
