import { fixList, type ListFields } from './fix-list.js';
import { hooks } from './hooks.js';
import { attachBuffer, createBuffer, HEAD, Kind, NEXT, PREV, slot, TAIL, VALUE } from './layout.js';
import { isLinkOf, linkTo, wordOf } from './pointer.js';
import { type HandleOptions, type QueueOptions, SharedQueue } from './shared-queue.js';

const LIST: ListFields = { head: HEAD, next: NEXT, prev: PREV };
/** A guess of the head or tail that is no guess: the null index is never a node. */
const NO_GUESS = -1;

/**
 * The optimistic lock-free FIFO queue of Ladan-Mozes and Shavit (DISC 2004; Distributed Computing
 * 20(5), 2008), multi-producer and multi-consumer, over a `SharedArrayBuffer` that any number of
 * threads attach to.
 *
 * The list is doubly linked. An enqueue sets its node's `next` (towards the head), swings the tail
 * with one CAS, and only then stores the old tail's `prev` with a plain store: no second CAS, which
 * is what makes it cheaper than Michael and Scott's queue. A dequeue reads the value through
 * `head.prev`; when that link is missing or stale — its generation does not match the head's — it walks
 * from the tail along the reliable `next` links and repairs the `prev` links (`fixList`).
 * Its free nodes wait in a FIFO pool that is such a list too (`NodePool`).
 *
 * ```text
 *   tail                                         head (dummy)
 *    │     next          next          next       │
 *    ▼  ────────►     ────────►     ────────►     ▼
 *  [ n3 ]        [ n2 ]        [ n1 ]        [ d  ]
 *        ◄────────     ◄────────     ◄────────
 *          prev          prev          prev      value = head.prev.value
 * ```
 *
 * Values are integers from 0 to 2^31 − 1: handles the caller maps to payloads.
 *
 * @example
 * ```ts
 * import { LMSQueue } from '@beamish/lfqueue';
 *
 * const queue = LMSQueue.create({ capacity: 1024 });
 * queue.tryEnqueue(42);
 * queue.tryDequeue(); // 42
 * // in a worker thread, given queue.buffer:
 * const same = LMSQueue.attach(buffer);
 * ```
 */
export class LMSQueue extends SharedQueue {
  /**
   * An empty queue in a new buffer.
   *
   * @throws TypeError or RangeError when `options.capacity` is not an integer from 1 to 2^26, or
   *   `options.spareNodes` not one from 0 to the capacity.
   */
  static create(options: QueueOptions = {}): LMSQueue {
    return new LMSQueue(createBuffer(Kind.LMS, options), options);
  }

  /**
   * A handle on the queue in `buffer`, created by `LMSQueue.create` in this or another thread.
   *
   * @throws TypeError when `buffer` is not an `LMSQueue`'s buffer (wrong magic, version or kind).
   */
  static attach(buffer: SharedArrayBuffer, options: HandleOptions = {}): LMSQueue {
    return new LMSQueue(attachBuffer(Kind.LMS, buffer, options), options);
  }

  /**
   * The tail this handle's last enqueue installed: where the next enqueue starts, without loading
   * the tail. With one producer the guess is always right. When another producer has moved the tail
   * meanwhile, the CAS fails and returns the tail to try next, and the handle stops guessing until
   * an enqueue succeeds at its first try again. `NO_GUESS`: load it.
   *
   * A guess may be old by any number of operations of other handles, but only a CAS trusts it
   * whole, and a CAS compares the whole current word.
   */
  #tail = NO_GUESS;
  /**
   * The same for dequeues: the head this handle last installed at its first try, or found current
   * in a queue it found empty.
   */
  #head = NO_GUESS;

  tryEnqueue(value: number): boolean {
    const node = this.nodeFor(value);
    if (node < 0) return false;
    const ints = this.ints;
    const mask = this.indexMask;
    const tally = this.tally;
    const word = wordOf(ints, node, this.indexBits);
    let tail = this.#tail === NO_GUESS ? Atomics.load(ints, TAIL) : this.#tail;
    for (let firstTry = true; ; firstTry = false) {
      const last = tail & mask;
      // next = the tail's word: the node before this one, with its generation. It and the
      // position are plain stores, published by the CAS.
      ints[slot(node, NEXT)] = tail;
      this.placeAfter(node, last);
      // The old tail's prev to be, worked out before the CAS: the shorter the gap between the CAS
      // and the prev store, the rarer a dequeue finds the link missing.
      const link = linkTo(tail, node, mask);
      const prev = slot(last, PREV);
      const seen = Atomics.compareExchange(ints, TAIL, tail, word);
      if (seen === tail) {
        // The optimistic step: a store of prev, with no CAS. If it comes late, or lands on a node
        // that has since been dequeued and reused, its generation no longer matches and it is
        // ignored. It is an Atomics.store, not a plain one as in the paper: a dequeue that reads the
        // link reads the value through it, and in JavaScript's memory model only an atomic write
        // makes this thread's earlier writes (the value, the payload it names) visible with it.
        if (hooks?.deferPrevStore === undefined) Atomics.store(ints, prev, link);
        else hooks.deferPrevStore(() => Atomics.store(ints, prev, link));
        this.#tail = firstTry ? word : NO_GUESS;
        tally.operations++;
        this.doorbell.ring();
        return true;
      }
      tally.casFailures++;
      tail = seen;
    }
  }

  tryDequeue(): number | undefined {
    const ints = this.ints;
    const mask = this.indexMask;
    const tally = this.tally;
    let head = this.#head === NO_GUESS ? Atomics.load(ints, HEAD) : this.#head;
    for (let firstTry = true; ; firstTry = false) {
      const dummy = head & mask;
      const link = Atomics.load(ints, slot(dummy, PREV));
      let first = link & mask;
      let newHead: number;
      // The paper's check: the link carries the head's generation, so it was written for this life
      // of the dummy. (If the head has moved since it was read, the check may mean nothing; then
      // the CAS fails.)
      if (isLinkOf(link, head, mask)) {
        newHead = wordOf(ints, first, this.indexBits);
      } else {
        // No valid prev: the queue is empty, or a prev store is late, or the head has moved. Only
        // now is the tail needed (the paper reads it on every dequeue; a consumer that skips it
        // leaves the producers' cache line alone).
        const tail = Atomics.load(ints, TAIL);
        const now = Atomics.load(ints, HEAD);
        if (head !== now) {
          head = now;
          continue;
        }
        if (head === tail) {
          this.#head = head; // current: the next look starts here
          this.foundEmpty();
          return undefined;
        }
        if (ints[slot(tail & mask, NEXT)] !== head) {
          tally.fixLists++;
          fixList(ints, LIST, mask, tail, head);
          continue;
        }
        // One value, whose enqueuer has swung the tail but not stored the dummy's prev yet: the
        // common race of a consumer that keeps up. The tail's next is the head, so the tail is the
        // node after the dummy and the tail word is the new head. No walk needed: the enqueuer's
        // prev store, when it comes, lands on a node whose generation has moved on.
        first = tail & mask;
        newHead = tail;
      }
      // Read the value before the CAS: once the head has moved past `first`, another dequeue may
      // free it. If the head has moved already, the value may be anything, and the CAS fails.
      const value = ints[slot(first, VALUE)] as number;
      hooks?.beforeHeadCas?.();
      const seen = Atomics.compareExchange(ints, HEAD, head, newHead);
      if (seen === head) {
        this.#head = firstTry ? newHead : NO_GUESS;
        this.retireNode(dummy);
        tally.operations++;
        return value;
      }
      tally.casFailures++;
      head = seen;
    }
  }
}
