import { formatEmpty, H_INDEX_BITS, H_NODES, POSITION, slot } from '../../src/layout.js';
import { generationMask } from '../../src/pointer.js';

/** The largest generation of the queue in `buffer`: the next one after it is 0. */
export function lastGeneration(buffer: SharedArrayBuffer): number {
  return generationMask(new Int32Array(buffer)[H_INDEX_BITS] as number);
}

/**
 * Rewrites the empty queue in `buffer` (made just now) as if its nodes had all reached generation
 * `generation` and `position` values had passed through it: every pointer word changes with it,
 * and the nodes stay where they are.
 */
export function startAt(buffer: SharedArrayBuffer, generation: number, position: number): void {
  const ints = new Int32Array(buffer);
  formatEmpty(ints, ints[H_NODES] as number, ints[H_INDEX_BITS] as number, generation);
  ints[slot(0, POSITION)] = position;
}
