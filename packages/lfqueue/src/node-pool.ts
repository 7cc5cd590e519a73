import { fixList, type ListFields } from './fix-list.js';
import { hooks } from './hooks.js';
import { GENERATION, POOL_HEAD, POOL_NEXT, POOL_PREV, POOL_TAIL, slot } from './layout.js';
import { generationMask, isLinkOf, linkTo, nextGeneration, nullIndex, wordOf } from './pointer.js';

const POOL: ListFields = { head: POOL_HEAD, next: POOL_NEXT, prev: POOL_PREV };

/**
 * The free nodes of a queue, kept first in, first out: an optimistic list of Ladan-Mozes and
 * Shavit's kind in its own right, with its own head, tail and links (the `pool` fields of each
 * node), so it is lock-free too. A dequeue gives a node back at the pool's tail; an enqueue takes
 * one from the pool's head, which gives the node a new generation.
 *
 * Why first in, first out: a pointer word has only 32 − log2(nodes) bits of generation, and what
 * protects a delayed CAS is that its node cannot come round to the same generation while it
 * waits. Taken in order, a freed node waits behind every other free node, so a generation repeats
 * only after about as many operations as a 32-bit tag would (see `pointer.ts`). A stack of free
 * nodes would hand the same two or three nodes out again and again, and wrap their generations
 * within milliseconds.
 *
 * Like the queue, the pool always keeps one node, its dummy, at its head: a take moves the head on
 * and hands out the nodes it passes, the old dummy first, so the pool never gives its last node.
 */
export class NodePool {
  readonly #ints: Int32Array;
  readonly #indexBits: number;
  readonly #indexMask: number;
  readonly #generationMask: number;

  constructor(ints: Int32Array, indexBits: number) {
    this.#ints = ints;
    this.#indexBits = indexBits;
    this.#indexMask = nullIndex(indexBits);
    this.#generationMask = generationMask(indexBits);
  }

  /**
   * Takes up to `max` nodes from the pool's head with one CAS, writing them to `into` from index 0
   * in pool order, and returns how many it took: 0 when the pool holds nothing but its dummy. Each
   * node taken begins a new generation.
   *
   * The walk reads `prev` links and generations with plain loads (see the README's node pool for
   * why that is enough). A link that carries the generation of the node it belongs to was written
   * for this stay of that node in the pool and is right; anything else ends the walk. If the head
   * moved meanwhile, the CAS fails.
   *
   * Every node taken starts a new generation, used or not: a handle that gives unused nodes back
   * after every enqueue spends generations up to `max` times as fast.
   */
  take(into: Int32Array, max: number): number {
    const ints = this.#ints;
    const bits = this.#indexBits;
    const mask = this.#indexMask;
    for (;;) {
      const head = Atomics.load(ints, POOL_HEAD);
      let node = head & mask;
      let word = head;
      let taken = 0;
      while (taken < max) {
        const link = ints[slot(node, POOL_PREV)] as number;
        if (!isLinkOf(link, word, mask)) break;
        into[taken++] = node;
        node = link & mask;
        word = wordOf(ints, node, bits);
      }
      if (taken === 0) {
        // No link: the pool holds only its dummy, or a giver has not stored the link yet.
        const tail = Atomics.load(ints, POOL_TAIL);
        if (Atomics.load(ints, POOL_HEAD) !== head) continue;
        if (tail === head) return 0;
        if (ints[slot(tail & mask, POOL_NEXT)] !== head) {
          fixList(ints, POOL, mask, tail, head);
          continue;
        }
        // One node after the dummy, whose giver has swung the tail: it becomes the dummy.
        into[taken++] = node;
        word = tail;
      }
      if (Atomics.compareExchange(ints, POOL_HEAD, head, word) === head) {
        if (hooks?.untagged !== true) {
          const generations = this.#generationMask;
          for (let i = 0; i < taken; i++) {
            const generation = slot(into[i] as number, GENERATION);
            ints[generation] = nextGeneration(ints[generation] as number, generations);
          }
        }
        return taken;
      }
    }
  }

  /**
   * Links `node` behind `before` in a chain the caller owns and will give back with `give`: `before`
   * goes back to the pool first.
   */
  link(before: number, node: number): void {
    const ints = this.#ints;
    const beforeWord = wordOf(ints, before, this.#indexBits);
    ints[slot(node, POOL_NEXT)] = beforeWord;
    ints[slot(before, POOL_PREV)] = linkTo(beforeWord, node, this.#indexMask);
  }

  /** Gives the chain `first … last` (linked with `link`, or one node) back at the pool's tail with one CAS. */
  give(first: number, last: number): void {
    const ints = this.#ints;
    const mask = this.#indexMask;
    const lastWord = wordOf(ints, last, this.#indexBits);
    for (;;) {
      const tail = Atomics.load(ints, POOL_TAIL);
      ints[slot(first, POOL_NEXT)] = tail; // published by the CAS
      if (Atomics.compareExchange(ints, POOL_TAIL, tail, lastWord) === tail) {
        // The optimistic step, as in the queue: the old tail's prev, after the CAS, without one.
        const prev = slot(tail & mask, POOL_PREV);
        const link = linkTo(tail, first, mask);
        if (hooks?.deferPrevStore === undefined) Atomics.store(ints, prev, link);
        else hooks.deferPrevStore(() => Atomics.store(ints, prev, link));
        return;
      }
    }
  }
}
