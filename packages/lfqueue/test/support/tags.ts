import { HEAD, TAIL } from '../../src/layout.js';

/**
 * Sets the head's and tail's tags of the empty queue in `buffer` (made just now) to `tag`, as if
 * that many values had passed through it: the dummy, node 0, stays where it is.
 */
export function startTagsAt(buffer: SharedArrayBuffer, tag: number): void {
  const words = new BigInt64Array(buffer);
  words[TAIL] = BigInt.asIntN(64, BigInt(tag) << 32n);
  words[HEAD] = words[TAIL] as bigint;
}
