import { hooks } from './hooks.js';
import { attachBuffer, createBuffer, HEAD, Kind, NEXT, slot, TAIL, VALUE } from './layout.js';
import { linkTo, wordOf } from './pointer.js';
import { type HandleOptions, type QueueOptions, SharedQueue } from './shared-queue.js';

/**
 * The lock-free FIFO queue of Michael and Scott (PODC 1996), in the same shared layout, with the
 * same pointer words, node pool and interface as {@link LMSQueue}: the baseline the Ladan-Mozes and
 * Shavit paper measures itself against.
 *
 * A singly linked list from head (a dummy) to tail. An enqueue links its node with a CAS on the
 * last node's `next` and then swings the tail with a second CAS (helped along by anyone who finds
 * the tail lagging); a dequeue swings the head with one CAS.
 *
 * @example
 * ```ts
 * import { MSQueue } from '@beamish/lfqueue';
 *
 * const queue = MSQueue.create({ capacity: 1024 });
 * queue.tryEnqueue(1);
 * queue.tryDequeue(); // 1
 * ```
 */
export class MSQueue extends SharedQueue {
  /**
   * An empty queue in a new buffer.
   *
   * @throws TypeError or RangeError when `options.capacity` is not an integer from 1 to 2^26, or
   *   `options.spareNodes` not one from 0 to the capacity.
   */
  static create(options: QueueOptions = {}): MSQueue {
    return new MSQueue(createBuffer(Kind.MS, options), options);
  }

  /**
   * A handle on the queue in `buffer`, created by `MSQueue.create` in this or another thread.
   *
   * @throws TypeError when `buffer` is not an `MSQueue`'s buffer (wrong magic, version or kind).
   */
  static attach(buffer: SharedArrayBuffer, options: HandleOptions = {}): MSQueue {
    return new MSQueue(attachBuffer(Kind.MS, buffer, options), options);
  }

  tryEnqueue(value: number): boolean {
    const node = this.nodeFor(value);
    if (node < 0) return false;
    const ints = this.ints;
    const mask = this.indexMask;
    const bits = this.indexBits;
    const tally = this.tally;
    const word = wordOf(ints, node, bits);
    // next = <null, this node's generation>: a delayed linker holding an earlier life's null next
    // fails its CAS.
    ints[slot(node, NEXT)] = linkTo(word, mask, mask);
    let tail: number;
    for (;;) {
      tail = Atomics.load(ints, TAIL);
      const last = tail & mask;
      const lastNext = slot(last, NEXT);
      const next = Atomics.load(ints, lastNext);
      if (tail !== Atomics.load(ints, TAIL)) continue;
      if ((next & mask) === mask) {
        this.placeAfter(node, last);
        hooks?.beforeLinkCas?.();
        if (Atomics.compareExchange(ints, lastNext, next, linkTo(next, node, mask)) === next) break;
      } else {
        // The tail lags behind a linked node: help it along.
        Atomics.compareExchange(ints, TAIL, tail, wordOf(ints, next & mask, bits));
      }
      tally.casFailures++;
    }
    Atomics.compareExchange(ints, TAIL, tail, word);
    tally.operations++;
    this.doorbell.ring();
    return true;
  }

  tryDequeue(): number | undefined {
    const ints = this.ints;
    const mask = this.indexMask;
    const tally = this.tally;
    for (;;) {
      const head = Atomics.load(ints, HEAD);
      const tail = Atomics.load(ints, TAIL);
      const dummy = head & mask;
      const next = Atomics.load(ints, slot(dummy, NEXT));
      if (head !== Atomics.load(ints, HEAD)) continue;
      const first = next & mask;
      if (dummy === (tail & mask)) {
        if (first === mask) {
          this.foundEmpty();
          return undefined;
        }
        Atomics.compareExchange(ints, TAIL, tail, wordOf(ints, first, this.indexBits));
        continue;
      }
      // Read before the CAS: once the head has moved past `first`, another dequeue may free it.
      const value = ints[slot(first, VALUE)] as number;
      hooks?.beforeHeadCas?.();
      if (Atomics.compareExchange(ints, HEAD, head, wordOf(ints, first, this.indexBits)) === head) {
        this.retireNode(dummy);
        tally.operations++;
        return value;
      }
      tally.casFailures++;
    }
  }
}
