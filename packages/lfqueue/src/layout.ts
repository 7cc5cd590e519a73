import { NULL_INDEX } from './pointer.js';
import { checkInteger, checkOptions, describe } from './validate.js';

/**
 * The layout of a queue's `SharedArrayBuffer`. Every hot word has a 64-byte cache line of its own:
 * threads that hammer the tail must not slow down threads that hammer the head (false sharing costs
 * ~8× here).
 *
 * ```text
 * byte   0  header: magic "LFQ1", version, kind (1 = LMS, 2 = MS), capacity, node count
 * byte  64  tail            int64 tagged pointer
 * byte 128  head            int64 tagged pointer
 * byte 192  free-list head  int64: top node + 1 in the low half (0 = empty), tag in the high half
 * byte 256  doorbell        int32 sequence, int32 sleepers
 * byte 320  nodes, 24 bytes each:
 *             +0  next   int64 tagged pointer (LMS: towards the head; MS: towards the tail)
 *             +8  prev   int64 tagged pointer (LMS only: towards the tail, set optimistically)
 *             +16 value  int32
 *             +20 (unused, keeps the next node's words 8-byte aligned)
 * then, from the next 64-byte boundary:
 *            free links, one int32 per node: the node below it in the free list + 1
 * ```
 *
 * The free links have an array of their own, not a slot in each node: a consumer that gives a
 * batch of nodes back writes one or two cache lines of links instead of one line per node, and a
 * producer that takes the batch reads those lines instead of every node's.
 */
export const MAGIC = 0x3151_464c; // "LFQ1" read as a little-endian int32
export const VERSION = 2;
export enum Kind {
  LMS = 1,
  MS = 2,
}
/** The class that reads each kind, for error messages. */
const KIND_NAMES: Record<Kind, string> = { [Kind.LMS]: 'LMSQueue', [Kind.MS]: 'MSQueue' };

/** Int32 indices of the header fields. */
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_KIND = 2;
export const H_CAPACITY = 3;
export const H_NODES = 4;

/** BigInt64 indices of the hot words. */
export const TAIL = 64 / 8;
export const HEAD = 128 / 8;
export const FREE = 192 / 8;

/** Byte offset of the doorbell's two int32 words. */
export const DOORBELL_OFFSET = 256;

export const NODES_OFFSET = 320;
/** The `prev` of a node that has never had a successor: the null index, tag 2^32 − 1. */
const NULL_PREV = -1n;
export const NODE_BYTES = 24;
/** In BigInt64 units: a node's `next` word is at `NODE_WORD0 + 3 * node`. */
const NODE_WORD0 = NODES_OFFSET / 8;
/** In Int32 units: a node's value is at `VALUE_INT0 + 6 * node`. */
const VALUE_INT0 = (NODES_OFFSET + 16) / 4;

/** `node`'s `next` word (BigInt64 index). */
export const nextSlot = (node: number): number => NODE_WORD0 + 3 * node;
/** `node`'s `prev` word (BigInt64 index). */
export const prevSlot = (node: number): number => NODE_WORD0 + 3 * node + 1;
/** `node`'s value (Int32 index). */
export const valueSlot = (node: number): number => VALUE_INT0 + 6 * node;

/** Where the free links start: after the nodes, on a cache line of their own. */
const linksOffset = (nodes: number): number => Math.ceil((NODES_OFFSET + nodes * NODE_BYTES) / 64) * 64;
/** The size of the buffer of a queue of `nodes` nodes, a whole number of 64-bit words. */
const bufferBytes = (nodes: number): number => linksOffset(nodes) + Math.ceil(nodes / 2) * 8;

/** The largest capacity: 2^26 items, a buffer of 1.75 GiB. */
export const MAX_CAPACITY = 2 ** 26;
/** The largest value a queue carries: values are non-negative int32 handles. */
export const MAX_VALUE = 0x7fff_ffff;

/** Typed views over one queue buffer. */
export interface Views {
  readonly buffer: SharedArrayBuffer;
  readonly words: BigInt64Array;
  readonly ints: Int32Array;
  /** The free links, indexed by node. */
  readonly links: Int32Array;
  readonly capacity: number;
}

/** The capacity of a queue made without one. */
export const DEFAULT_CAPACITY = 65_536;

/** Allocates and formats the buffer of an empty queue of `kind` holding up to `capacity` values. */
export function createBuffer(kind: Kind, options: { capacity?: number }): Views {
  checkOptions('options', options);
  const cap =
    options.capacity === undefined
      ? DEFAULT_CAPACITY
      : checkInteger('options.capacity', options.capacity, 1, MAX_CAPACITY);
  // One node more than the capacity: the head always points at a dummy.
  const nodes = cap + 1;
  const buffer = new SharedArrayBuffer(bufferBytes(nodes));
  const ints = new Int32Array(buffer);
  const links = new Int32Array(buffer, linksOffset(nodes), nodes);
  ints[H_MAGIC] = MAGIC;
  ints[H_VERSION] = VERSION;
  ints[H_KIND] = kind;
  ints[H_CAPACITY] = cap;
  ints[H_NODES] = nodes;
  // Node 0 is the first dummy; 1 … nodes - 1 go on the free list, 1 on top.
  for (let node = 1; node < nodes; node++) {
    links[node] = node + 1 < nodes ? node + 2 : 0;
  }
  const words = new BigInt64Array(buffer);
  words[FREE] = nodes > 1 ? 2n : 0n;
  if (kind === Kind.LMS) {
    // No node has a successor yet: a null prev, which a dequeue never follows whatever its tag.
    for (let node = 0; node < nodes; node++) words[prevSlot(node)] = NULL_PREV;
  } else {
    // Michael and Scott's list ends in a null next: the first dummy's.
    words[nextSlot(0)] = BigInt(NULL_INDEX);
  }
  return { buffer, words, ints, links, capacity: cap };
}

/** Checks that `buffer` holds a queue of `kind` (and that `options` is an object) and returns views over it. */
export function attachBuffer(kind: Kind, buffer: unknown, options: unknown): Views {
  checkOptions('options', options);
  const className = KIND_NAMES[kind];
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(
      `buffer must be the SharedArrayBuffer of an ${className} (queue.buffer), got ${describe(buffer)}`,
    );
  }
  if (buffer.byteLength < NODES_OFFSET + 2 * NODE_BYTES) {
    throw new TypeError(`buffer is not an ${className} buffer: ${buffer.byteLength} bytes is too small`);
  }
  const ints = new Int32Array(buffer);
  if (ints[H_MAGIC] !== MAGIC)
    throw new TypeError(`buffer is not an ${className} buffer (wrong magic number)`);
  if (ints[H_VERSION] !== VERSION) {
    throw new TypeError(
      `buffer is a queue of layout version ${ints[H_VERSION]}; this ${className} reads version ${VERSION}`,
    );
  }
  if (ints[H_KIND] !== kind) {
    const other = KIND_NAMES[ints[H_KIND] as Kind] ?? 'unknown queue';
    throw new TypeError(`buffer holds an ${other}, not an ${className}: attach it with ${other}.attach`);
  }
  const capacity = ints[H_CAPACITY] as number;
  const nodes = ints[H_NODES] as number;
  if (nodes !== capacity + 1 || buffer.byteLength !== bufferBytes(nodes)) {
    throw new TypeError(`buffer is not an ${className} buffer: its header does not match its size`);
  }
  const links = new Int32Array(buffer, linksOffset(nodes), nodes);
  return { buffer, words: new BigInt64Array(buffer), ints, links, capacity };
}
