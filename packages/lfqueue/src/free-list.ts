// The same tagged Treiber stack as @beamish/arena's src/tagged-stack.ts, over the queue's node
// slots: the packages depend on nothing of ours, so a fix to its ABA protection belongs in both.
import { FREE, freeSlot } from './layout.js';
import { indexOf } from './pointer.js';

/** Added to the head by every update (the pool keeps its tag even when a test takes the queue's away). */
const TAG = 1n << 32n;

/**
 * The node pool's free list: Treiber's stack over the nodes' `free` links, with a tagged 64-bit head
 * so that a pop delayed across a pop and push of the same node (ABA) fails its CAS instead of
 * installing a stale link.
 */
export class FreeList {
  readonly #words: BigInt64Array;
  readonly #ints: Int32Array;

  constructor(words: BigInt64Array, ints: Int32Array) {
    this.#words = words;
    this.#ints = ints;
  }

  /** Takes a free node, or returns -1 when every node is in use. */
  pop(): number {
    const words = this.#words;
    for (;;) {
      const head = Atomics.load(words, FREE);
      const top = indexOf(head);
      if (top === 0) return -1;
      const below = Atomics.load(this.#ints, freeSlot(top - 1));
      // The tag always moves (a pop and a push never leave the head word as it was).
      if (Atomics.compareExchange(words, FREE, head, head + TAG + BigInt(below - top)) === head) {
        return top - 1;
      }
    }
  }

  /** Returns `node`, which the caller owns, to the pool. */
  push(node: number): void {
    this.pushChain(node, node);
  }

  /**
   * Returns the chain `first → … → last`, which the caller owns and has linked with `link`, to the
   * pool with a single CAS.
   */
  pushChain(first: number, last: number): void {
    const words = this.#words;
    for (;;) {
      const head = Atomics.load(words, FREE);
      const top = indexOf(head);
      Atomics.store(this.#ints, freeSlot(last), top);
      if (Atomics.compareExchange(words, FREE, head, head + TAG + BigInt(first + 1 - top)) === head) {
        return;
      }
    }
  }

  /** Links `node` above `below` in a chain the caller owns, before `pushChain`. */
  link(node: number, below: number): void {
    this.#ints[freeSlot(node)] = below + 1;
  }
}
