import { hooks } from './hooks.js';
import { attachBuffer, createBuffer, HEAD, Kind, nextSlot, prevSlot, TAIL, valueSlot } from './layout.js';
import { INDEX_MASK, indexHalf, indexOf, pointer, sameTag, storeWord, TAG_ONE } from './pointer.js';
import { type HandleOptions, type QueueOptions, SharedQueue } from './shared-queue.js';

/**
 * One position on: the tail's tag is the head's plus this when the queue holds one value. A
 * constant, not `TAG_ONE`, so that a test that takes the tags away never takes this path.
 */
const NEXT_POSITION = 1n << 32n;

/**
 * The optimistic lock-free FIFO queue of Ladan-Mozes and Shavit (DISC 2004; Distributed Computing
 * 20(5), 2008), multi-producer and multi-consumer, over a `SharedArrayBuffer` that any number of
 * threads attach to.
 *
 * The list is doubly linked. An enqueue sets its node's `next` (towards the head), swings the tail
 * with one CAS, and only then stores the old tail's `prev` with a plain store: no second CAS, which
 * is what makes it cheaper than Michael and Scott's queue. A dequeue reads the value through
 * `head.prev`; when that link is missing or stale — its tag does not match the head's — it walks
 * from the tail along the reliable `next` links and repairs the `prev` links (`fixList`).
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
   * The tail this handle's last enqueue installed, and its node: where the next enqueue starts,
   * without loading the tail. With one producer the guess is always right. When another producer
   * has moved the tail meanwhile, the CAS fails and returns the tail to try next, and the handle
   * stops guessing until an enqueue succeeds at its first try again. `undefined`: load it.
   *
   * A guess may be old by any number of operations of other handles, but only a CAS trusts it
   * whole, and a CAS compares the whole current word.
   */
  #tail: bigint | undefined;
  #tailNode = 0;
  /**
   * The same for dequeues: the head this handle last installed at its first try, or found current
   * in a queue it found empty, and its node.
   */
  #head: bigint | undefined;
  #headNode = 0;

  tryEnqueue(value: number): boolean {
    const node = this.nodeFor(value);
    if (node < 0) return false;
    const words = this.words;
    const ints = this.ints;
    const tally = this.tally;
    let tail = this.#tail ?? Atomics.load(words, TAIL);
    // The tail's node; read after a loaded tail, it may be a newer tail's: then the CAS fails.
    let last = this.#tail === undefined ? (ints[indexHalf(TAIL)] as number) : this.#tailNode;
    for (let firstTry = true; ; firstTry = false) {
      // next = <tail.ptr, tail.tag + 1>: the tag a dequeuer walking from the new tail expects.
      storeWord(words, nextSlot(node), tail + TAG_ONE);
      // link = <node, tail.tag>, the old tail's prev to be, worked out before the CAS: the shorter
      // the gap between the CAS and the prev store, the rarer a dequeue finds the link missing.
      const link = tail + BigInt(node - last);
      const slot = prevSlot(last);
      // Reduced to the signed 64-bit word a read returns: the guess kept below is compared with
      // such reads, and past tag 2^31 - 1 the plain sum would not be one.
      const newTail = BigInt.asIntN(64, link + TAG_ONE);
      const seen = Atomics.compareExchange(words, TAIL, tail, newTail);
      if (seen === tail) {
        // The optimistic step: a store of prev, with no CAS. If it comes late, or lands on a node
        // that has since been dequeued and reused, its tag no longer matches and it is ignored.
        // It is an Atomics.store, not a plain one as in the paper: a dequeue that reads the link
        // reads the value through it, and in JavaScript's memory model only an atomic write makes
        // this thread's earlier writes (the value, the payload it names) visible with it.
        if (hooks?.deferPrevStore === undefined) Atomics.store(words, slot, link);
        else hooks.deferPrevStore(() => Atomics.store(words, slot, link));
        this.#tail = firstTry ? newTail : undefined;
        this.#tailNode = node;
        tally.operations++;
        this.doorbell.ring();
        return true;
      }
      tally.casFailures++;
      tail = seen;
      last = ints[indexHalf(TAIL)] as number;
    }
  }

  tryDequeue(): number | undefined {
    const words = this.words;
    const ints = this.ints;
    const tally = this.tally;
    let head = this.#head ?? Atomics.load(words, HEAD);
    // The head's node; read after a loaded head, it may be a newer head's: then the CAS fails.
    let dummy = this.#head === undefined ? (ints[indexHalf(HEAD)] as number) : this.#headNode;
    for (let firstTry = true; ; firstTry = false) {
      const link = Atomics.load(words, prevSlot(dummy));
      let first = ints[indexHalf(prevSlot(dummy))] as number;
      // The new head: <first, head.tag + 1>, reduced to the signed word a read returns.
      let newHead: bigint;
      // The link is valid when it carries the head's tag. `first` comes from a second read, so the
      // test also checks that it is the node in `link`: <first, head.tag> = head + (first - dummy).
      // (If the head has moved since it was read, `dummy` may be newer and the test meaningless;
      // then the CAS fails.)
      if (first >= 0 && link === head + BigInt(first - dummy)) {
        // A prev with the head's tag was written for this very position: the queue is not empty.
        newHead = BigInt.asIntN(64, link + TAG_ONE);
      } else {
        // No valid prev: the queue is empty, or a prev store is late, or the link changed between
        // the two reads, or the head has moved. Only now is the tail needed (the paper reads it on
        // every dequeue; a consumer that skips it leaves the producers' cache line alone).
        const tail = Atomics.load(words, TAIL);
        const now = Atomics.load(words, HEAD);
        if (head !== now) {
          head = now;
          dummy = ints[indexHalf(HEAD)] as number;
          continue;
        }
        if (head === tail) {
          this.#head = head; // current: the next look starts here
          this.#headNode = dummy;
          this.releaseSpares(); // an empty queue: let producers have this handle's spare nodes
          return undefined;
        }
        if (!sameTag(tail, pointer(0n, head, NEXT_POSITION))) {
          tally.fixLists++;
          this.#fixList(tail, head);
          continue;
        }
        // One value, whose enqueuer has swung the tail but not stored the dummy's prev yet: the
        // common race of a consumer that keeps up. The tail is the node after the dummy, and the
        // tail word is the new head, <tail.ptr, head.tag + 1>; the value is in the tail's node,
        // published by the CAS that installed that tail. No walk needed: the enqueuer's prev
        // store, when it comes, lands on a node whose tag has moved on.
        first = indexOf(tail);
        newHead = tail;
      }
      // Read the value before the CAS: once the head has moved past `first`, another dequeue may
      // free it. If the head has moved already, the value may be anything, and the CAS fails.
      const value = ints[valueSlot(first)] as number;
      hooks?.beforeHeadCas?.();
      const seen = Atomics.compareExchange(words, HEAD, head, newHead);
      if (seen === head) {
        this.#head = firstTry ? newHead : undefined;
        this.#headNode = first;
        this.retireNode(dummy);
        tally.operations++;
        return value;
      }
      tally.casFailures++;
      head = seen;
      dummy = ints[indexHalf(HEAD)] as number;
    }
  }

  /**
   * Walks from `tail` to `head` along the `next` links, which are written before a node is
   * published and so are always right, and rewrites every `prev` link that does not match.
   */
  #fixList(tail: bigint, head: bigint): void {
    const words = this.words;
    let current = tail;
    while (head === Atomics.load(words, HEAD) && current !== head) {
      const node = indexOf(current);
      const next = Atomics.load(words, nextSlot(node));
      // A next link with another tag: `current` has been dequeued and reused; the head has moved.
      if (!sameTag(next, current)) return;
      const slot = prevSlot(indexOf(next));
      const link = pointer(BigInt(node), current, -TAG_ONE);
      if (Atomics.load(words, slot) !== link) Atomics.store(words, slot, link);
      current = pointer(next & INDEX_MASK, current, -TAG_ONE);
    }
  }
}
