import { hooks } from './hooks.js';
import { attachBuffer, createBuffer, HEAD, Kind, nextSlot, TAIL, valueSlot } from './layout.js';
import { advance, INDEX_MASK, indexOf, NULL_INDEX, storeWord } from './pointer.js';
import { type HandleOptions, type QueueOptions, SharedQueue } from './shared-queue.js';

const NULL = BigInt(NULL_INDEX);

/**
 * The lock-free FIFO queue of Michael and Scott (PODC 1996), with tagged pointers, in the same
 * shared layout and with the same interface as {@link LMSQueue}: the baseline the Ladan-Mozes and
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
    const words = this.words;
    const tally = this.tally;
    const nodeIndex = BigInt(node);
    const own = nextSlot(node);
    // next = <null, old tag + 1>: a delayed linker holding this node's previous next fails its CAS.
    storeWord(words, own, advance(Atomics.load(words, own), NULL));
    let tail: bigint;
    for (;;) {
      tail = Atomics.load(words, TAIL);
      const lastSlot = nextSlot(indexOf(tail));
      const next = Atomics.load(words, lastSlot);
      if (tail !== Atomics.load(words, TAIL)) continue;
      if (indexOf(next) === NULL_INDEX) {
        if (Atomics.compareExchange(words, lastSlot, next, advance(next, nodeIndex)) === next) break;
      } else {
        // The tail lags behind a linked node: help it along.
        Atomics.compareExchange(words, TAIL, tail, advance(tail, next & INDEX_MASK));
      }
      tally.casFailures++;
    }
    Atomics.compareExchange(words, TAIL, tail, advance(tail, nodeIndex));
    tally.operations++;
    this.doorbell.ring();
    return true;
  }

  tryDequeue(): number | undefined {
    const words = this.words;
    const ints = this.ints;
    const tally = this.tally;
    for (;;) {
      const head = Atomics.load(words, HEAD);
      const tail = Atomics.load(words, TAIL);
      const dummy = indexOf(head);
      const next = Atomics.load(words, nextSlot(dummy));
      if (head !== Atomics.load(words, HEAD)) continue;
      const first = indexOf(next);
      if (dummy === indexOf(tail)) {
        if (first === NULL_INDEX) {
          this.releaseSpares(); // an empty queue: let producers have this handle's spare nodes
          return undefined;
        }
        Atomics.compareExchange(words, TAIL, tail, advance(tail, next & INDEX_MASK));
        continue;
      }
      // Read before the CAS: once the head has moved past `first`, another dequeue may free it.
      const value = ints[valueSlot(first)] as number;
      hooks?.beforeHeadCas?.();
      if (Atomics.compareExchange(words, HEAD, head, advance(head, next & INDEX_MASK)) === head) {
        this.retireNode(dummy);
        tally.operations++;
        return value;
      }
      tally.casFailures++;
    }
  }
}
