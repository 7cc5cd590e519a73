import {
  GENERATION,
  H_INDEX_BITS,
  H_NODES,
  HEAD,
  NEXT,
  POOL_HEAD,
  POOL_NEXT,
  POOL_PREV,
  POOL_TAIL,
  POSITION,
  slot,
  TAIL,
} from '../../src/layout.js';
import { nullIndex, pointer } from '../../src/pointer.js';

/** The largest generation of the queue in `buffer`: the next one after it is 0. */
export function lastGeneration(buffer: SharedArrayBuffer): number {
  return 2 ** (32 - (new Int32Array(buffer)[H_INDEX_BITS] as number)) - 1;
}

/**
 * Rewrites the empty queue in `buffer` (made just now) as if its nodes had all reached generation
 * `generation` and `position` values had passed through it: every pointer word changes with it,
 * and the nodes stay where they are.
 */
export function startAt(buffer: SharedArrayBuffer, generation: number, position: number): void {
  const ints = new Int32Array(buffer);
  const nodes = ints[H_NODES] as number;
  const bits = ints[H_INDEX_BITS] as number;
  const word = (node: number) => pointer(node, generation, bits);
  for (let node = 0; node < nodes; node++) {
    ints[slot(node, GENERATION)] = generation;
    ints[slot(node, NEXT)] = word(nullIndex(bits));
    if (node > 1) ints[slot(node, POOL_NEXT)] = word(node - 1);
    if (node > 0 && node + 1 < nodes) ints[slot(node, POOL_PREV)] = word(node + 1);
  }
  ints[slot(0, POSITION)] = position;
  ints[TAIL] = word(0);
  ints[HEAD] = word(0);
  ints[POOL_HEAD] = word(1);
  ints[POOL_TAIL] = word(nodes - 1);
}
