/**
 * A lock-free LIFO of small integers (Treiber's stack) whose links live in shared memory, so any
 * thread can push and pop.
 *
 * The head is one 64-bit word: the low 32 bits hold the top entry + 1 (0 = empty) and the high 32
 * bits a tag that every successful update increments. A thread that read the head, was delayed,
 * and meanwhile saw the same entry popped and pushed back (ABA) finds the tag changed and its CAS
 * fails, instead of installing a stale `next`. With a 32-bit tag the CAS could only be fooled after
 * exactly 2^32 updates inside one delay, which is not a practical risk.
 */

const ENTRY_MASK = 0xffff_ffffn;
const TAG_ONE = 1n << 32n;

export class TaggedStack {
  constructor(
    /** Holds the head word at `headIndex`. */
    private readonly head: BigInt64Array,
    private readonly headIndex: number,
    /** `next[i]` is the entry below `i`, + 1 (0 = bottom). */
    private readonly next: Int32Array,
  ) {}

  /** Removes and returns the top entry, or -1 when the stack is empty. */
  pop(): number {
    const { head, headIndex, next } = this;
    for (;;) {
      const word = Atomics.load(head, headIndex);
      const top = Number(word & ENTRY_MASK);
      if (top === 0) return -1;
      // A racing pop may have handed `top` out and its new owner rewritten next[top - 1]: then the
      // head's tag has moved on as well and the CAS below fails.
      const below = Atomics.load(next, top - 1);
      const replacement = word + TAG_ONE + BigInt(below - top);
      if (Atomics.compareExchange(head, headIndex, word, replacement) === word) return top - 1;
    }
  }

  /**
   * Pushes the chain `first → … → last`, already linked through `next` by the caller (who owns
   * those entries), with a single CAS: O(1) whatever the chain's length.
   */
  pushChain(first: number, last: number): void {
    const { head, headIndex, next } = this;
    for (;;) {
      const word = Atomics.load(head, headIndex);
      const top = Number(word & ENTRY_MASK);
      next[last] = top;
      // The CAS is sequentially consistent: the links written above are visible to any thread
      // that later reads this head.
      const replacement = word + TAG_ONE + BigInt(first + 1 - top);
      if (Atomics.compareExchange(head, headIndex, word, replacement) === word) return;
    }
  }

  /** Links `entry` above `below` in the caller's private chain, before `pushChain`. */
  link(entry: number, below: number): void {
    this.next[entry] = below + 1;
  }
}
