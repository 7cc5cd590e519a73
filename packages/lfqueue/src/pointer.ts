import { hooks } from './hooks.js';

/**
 * Tagged pointers: one signed 64-bit word, node index in the low 32 bits and a tag in the high 32.
 *
 * A word is read and written as a `bigint` through a `BigInt64Array`, the only view on which
 * `Atomics.compareExchange` covers 64 bits. Squeezing index and tag into one 32-bit word would
 * leave the tag 32 − log2(capacity) bits, which wraps within milliseconds at queue speeds; with 32
 * bits a delayed thread would have to sleep through 2^32 operations on the same word to be fooled.
 */

/** Adds one to a word's tag (or nothing, when a test takes the tags away). */
export const TAG_ONE: bigint = hooks?.untagged ? 0n : 1n << 32n;
export const INDEX_MASK = 0xffff_ffffn;
/** Keeps a word's tag and clears its index. */
export const TAG_MASK = ~INDEX_MASK;
/** The index of the null pointer (MSQueue's last `next`). */
export const NULL_INDEX = 0xffff_ffff;

/** The node index of `word`. */
export function indexOf(word: bigint): number {
  return Number(word & INDEX_MASK);
}

/** Where a 64-bit word's low half lies: first on little-endian machines, second on big-endian ones. */
const LOW_HALF = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * The `Int32Array` index of the low half — the node index — of the 64-bit word at `BigInt64Array`
 * index `word`.
 *
 * Reading the node index there costs a plain load, where `indexOf` costs two `bigint` conversions
 * (~25 ns, a third of an operation). It is read after the whole word, so it belongs to that word or
 * to a newer one: a newer one is caught by the tag check or the CAS that validates every read.
 */
export const indexHalf = (word: number): number => 2 * word + LOW_HALF;

/** True when two words carry the same tag. */
export function sameTag(a: bigint, b: bigint): boolean {
  return (a ^ b) >> 32n === 0n;
}

/**
 * `<index, tag of word + 1>`, the usual successor of a word. The sum may pass 2^63 when the tag
 * wraps; storing it reduces it modulo 2^64, as a CAS or store through the `BigInt64Array` does.
 */
export function advance(word: bigint, index: bigint): bigint {
  return (word & TAG_MASK) + TAG_ONE + index;
}

/** `<index, tag of base + delta>`, as the signed 64-bit value a read of the stored word returns. */
export function pointer(index: bigint, base: bigint, delta: bigint): bigint {
  return BigInt.asIntN(64, (base & TAG_MASK) + delta + index);
}

/** 64-bit platforms: V8 writes an aligned 64-bit word there with one store instruction. */
const WIDE_ARCHES = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];
const WIDE = WIDE_ARCHES.includes((globalThis as { process?: { arch?: string } }).process?.arch ?? '');

/**
 * Writes a node's link before the CAS that publishes the node. Threads that find the node through
 * that CAS see the link whatever kind of store wrote it (the CAS orders it for them); a slower
 * thread still reading the node's previous life may see either value, and the tags tell them apart.
 * On 64-bit platforms it is a plain store — one instruction, a fraction of the time of
 * `Atomics.store` (a builtin call), and no boxed `bigint` for the call. Elsewhere it is
 * `Atomics.store`: the language lets a plain 64-bit store tear into two halves, and a 32-bit
 * machine does just that.
 */
export const storeWord: (words: BigInt64Array, index: number, word: bigint) => void = WIDE
  ? plainStore
  : Atomics.store;

function plainStore(words: BigInt64Array, index: number, word: bigint): void {
  words[index] = word;
}
