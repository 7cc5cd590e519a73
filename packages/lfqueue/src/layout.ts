import { checkInteger, checkOptions, describe } from './validate.js';

/**
 * The layout of a queue's `SharedArrayBuffer`: every word is an int32, so no `Atomics` call boxes a
 * `bigint`. Every hot word has a 64-byte cache line of its own: threads that hammer the tail must not
 * slow down threads that hammer the head (false sharing costs ~8× here).
 *
 * ```text
 * byte   0  header: magic "LFQ1", version, kind (1 = LMS, 2 = MS), capacity, node count, index bits
 * byte  64  tail             pointer word: <node, generation>
 * byte 128  head             pointer word
 * byte 192  pool tail        pointer word (the node pool is a FIFO list of its own, see node-pool.ts)
 * byte 256  pool head        pointer word
 * byte 320  doorbell         int32 sequence, int32 sleepers
 * byte 384  nodes, 28 bytes each:
 *             +0  next       pointer word (LMS: towards the head; MS: towards the tail)
 *             +4  prev       pointer word (LMS only: towards the tail, set optimistically)
 *             +8  value      int32
 *             +12 generation int32: lives the node has begun, modulo 2^(32 − index bits)
 *             +16 position   int32: enqueues before this one, modulo 2^32 (for size())
 *             +20 pool next  pointer word (towards the pool's head)
 *             +24 pool prev  pointer word (towards the pool's tail, set optimistically)
 * ```
 */
export const MAGIC = 0x3151_464c; // "LFQ1" read as a little-endian int32
export const VERSION = 3;
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
export const H_INDEX_BITS = 5;

/** Int32 indices of the hot words. */
export const TAIL = 64 / 4;
export const HEAD = 128 / 4;
export const POOL_TAIL = 192 / 4;
export const POOL_HEAD = 256 / 4;

/** Byte offset of the doorbell's two int32 words. */
export const DOORBELL_OFFSET = 320;

const NODES_OFFSET = 384;
const NODE_INTS = 7;
/** Int32 offsets of a node's fields. */
export const NEXT = 0;
export const PREV = 1;
export const VALUE = 2;
export const GENERATION = 3;
export const POSITION = 4;
export const POOL_NEXT = 5;
export const POOL_PREV = 6;

/** The int32 index of `field` of `node`. */
export const slot = (node: number, field: number): number => NODES_OFFSET / 4 + NODE_INTS * node + field;

/** The size of the buffer of a queue of `nodes` nodes. */
const bufferBytes = (nodes: number): number => NODES_OFFSET + nodes * NODE_INTS * 4;

/** The largest capacity: 2^26 items, a buffer of 1.75 GiB. */
export const MAX_CAPACITY = 2 ** 26;
/** The largest value a queue carries: values are non-negative int32 handles. */
export const MAX_VALUE = 0x7fff_ffff;
/** The capacity of a queue made without one. */
export const DEFAULT_CAPACITY = 65_536;

/**
 * How many low bits of a pointer word hold the node index: enough for every node and for the null
 * index, all ones, which is never a node. The other bits hold the node's generation.
 */
const indexBitsFor = (nodes: number): number => 32 - Math.clz32(nodes);

/** Typed views over one queue buffer. */
export interface Views {
  readonly buffer: SharedArrayBuffer;
  readonly ints: Int32Array;
  readonly capacity: number;
  readonly indexBits: number;
}

/**
 * Allocates and formats the buffer of an empty queue of `kind` holding up to `capacity` values.
 * Node 0 is the queue's dummy and node 1 the pool's; nodes 2 … capacity + 1 wait in the pool, in
 * order.
 */
export function createBuffer(kind: Kind, options: { capacity?: number }): Views {
  checkOptions('options', options);
  const capacity =
    options.capacity === undefined
      ? DEFAULT_CAPACITY
      : checkInteger('options.capacity', options.capacity, 1, MAX_CAPACITY);
  // Two nodes more than the capacity: the queue and the pool each keep a dummy.
  const nodes = capacity + 2;
  const indexBits = indexBitsFor(nodes);
  const buffer = new SharedArrayBuffer(bufferBytes(nodes));
  const ints = new Int32Array(buffer);
  ints[H_MAGIC] = MAGIC;
  ints[H_VERSION] = VERSION;
  ints[H_KIND] = kind;
  ints[H_CAPACITY] = capacity;
  ints[H_NODES] = nodes;
  ints[H_INDEX_BITS] = indexBits;
  formatEmpty(ints, nodes, indexBits, 0);
  return { buffer, ints, capacity, indexBits };
}

/**
 * Lays out an empty queue of `nodes` nodes, every one of them in `generation`: node 0 the queue's
 * dummy, node 1 the pool's, the others waiting in the pool in order. (A new queue is in generation
 * 0, where a node's pointer word is its index; tests start queues near the wrap.)
 */
export function formatEmpty(ints: Int32Array, nodes: number, indexBits: number, generation: number): void {
  const word = (node: number) => (generation << indexBits) | node;
  // A missing link holds the null index, all ones: -1 for a prev, which no check accepts, and
  // <null, generation> for a next (MSQueue's list ends in a null next carrying its node's
  // generation).
  const nullIndex = 2 ** indexBits - 1;
  for (let node = 0; node < nodes; node++) {
    ints[slot(node, GENERATION)] = generation;
    ints[slot(node, PREV)] = -1;
    ints[slot(node, NEXT)] = word(nullIndex);
    ints[slot(node, POOL_NEXT)] = node > 1 ? word(node - 1) : -1;
    ints[slot(node, POOL_PREV)] = node > 0 && node + 1 < nodes ? word(node + 1) : -1;
  }
  ints[TAIL] = word(0);
  ints[HEAD] = word(0);
  ints[POOL_HEAD] = word(1);
  ints[POOL_TAIL] = word(nodes - 1);
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
  if (buffer.byteLength < bufferBytes(3)) {
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
  const indexBits = ints[H_INDEX_BITS] as number;
  if (
    nodes !== capacity + 2 ||
    indexBits !== indexBitsFor(nodes) ||
    buffer.byteLength !== bufferBytes(nodes)
  ) {
    throw new TypeError(`buffer is not an ${className} buffer: its header does not match its size`);
  }
  return { buffer, ints, capacity, indexBits };
}
