// The same tagged Treiber stack as @beamish/arena's src/tagged-stack.ts, over the queue's node
// slots: the packages depend on nothing of ours, so a fix to its ABA protection belongs in both.
import { FREE } from './layout.js';
import { indexHalf } from './pointer.js';

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
  /** Each node's link to the node below it + 1 (0 at the bottom). */
  readonly #links: Int32Array;
  /** Where `pop` has `popMany` put its one node. */
  readonly #one = new Int32Array(1);

  constructor(words: BigInt64Array, ints: Int32Array, links: Int32Array) {
    this.#words = words;
    this.#ints = ints;
    this.#links = links;
  }

  /** Takes a free node, or returns -1 when every node is in use. */
  pop(): number {
    return this.popMany(this.#one, 1) === 1 ? (this.#one[0] as number) : -1;
  }

  /**
   * Takes up to `max` free nodes with one CAS, writing them to `into` from index 0, and returns how
   * many it took: 0 when every node is in use.
   *
   * The walk down the stack reads links that other threads may be changing; that is harmless, for
   * if anything was pushed or popped meanwhile the head's tag has moved and the CAS fails.
   */
  popMany(into: Int32Array, max: number): number {
    const words = this.#words;
    const ints = this.#ints;
    const links = this.#links;
    for (;;) {
      const head = Atomics.load(words, FREE);
      const top = ints[indexHalf(FREE)] as number; // the head's, or a newer head's: then the CAS fails
      if (top === 0) return 0;
      let taken = 0;
      let below = top;
      do {
        into[taken++] = below - 1;
        below = links[below - 1] as number;
      } while (below !== 0 && taken < max);
      if (Atomics.compareExchange(words, FREE, head, head + TAG + BigInt(below - top)) === head) {
        return taken;
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
      const top = this.#ints[indexHalf(FREE)] as number;
      Atomics.store(this.#links, last, top);
      if (Atomics.compareExchange(words, FREE, head, head + TAG + BigInt(first + 1 - top)) === head) {
        return;
      }
    }
  }

  /** Links `node` above `below` in a chain the caller owns, before `pushChain`. */
  link(node: number, below: number): void {
    this.#links[node] = below + 1;
  }
}
