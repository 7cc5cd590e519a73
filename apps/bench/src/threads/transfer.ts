import type { QueueCounters } from '@beamish/lfqueue';
import { patience } from './patience.js';

/**
 * What a transfer moves items through: a queue in shared memory, or a `postMessage` port made to
 * look like one. Every competitor runs the same `produce` and `consume` below, with the same
 * polling: a full or empty channel is retried at once, and after a while with pauses (see
 * {@link patience}).
 */
export interface Channel {
  /** False when full; the producer tries again. */
  tryEnqueue(value: number): boolean;
  /** `undefined` when empty; the consumer tries again. */
  tryDequeue(): number | undefined;
  /** Retry counts, for the queues that keep them. */
  counters?(): QueueCounters;
}

/** Ends a consumer's part of a run; larger than any item. */
export const END = 0x7fff_ffff;

/** What one consumer received in a run, for the team to check that nothing was lost or reordered. */
export interface Received {
  count: number;
  sum: number;
  /** Items that came before an earlier item of the same producer: a FIFO violation. */
  outOfOrder: number;
}

/**
 * Sends producer `pair`'s items, `pair`, `pair + pairs`, `pair + 2 × pairs`, …, so that together the
 * producers send each of 0 … pairs × itemsPerProducer − 1 once. The run ends with {@link endRun}.
 */
export function produce(channel: Channel, pair: number, pairs: number, itemsPerProducer: number): void {
  for (let i = 0; i < itemsPerProducer; i++) {
    const value = i * pairs + pair;
    let polls = 0;
    while (!channel.tryEnqueue(value)) patience(++polls);
  }
}

/**
 * Ends the run for `consumers` consumers: sends one {@link END} each. Called by the last producer to
 * finish on a shared queue, so every END is behind every item; on a channel of its own, by its
 * producer, for its one consumer.
 */
export function endRun(channel: Channel, consumers: number): void {
  for (let i = 0; i < consumers; i++) {
    let polls = 0;
    while (!channel.tryEnqueue(END)) patience(++polls);
  }
}

/** Takes items until an {@link END}, counting them and checking each producer's order. */
export function consume(channel: Channel, pairs: number): Received {
  // The last item of each producer seen so far: a FIFO queue hands each producer's items out in the
  // order they were sent, whichever consumers take them.
  const last = new Array<number>(pairs).fill(-1);
  let count = 0;
  let sum = 0;
  let outOfOrder = 0;
  let polls = 0;
  for (;;) {
    const value = channel.tryDequeue();
    if (value === undefined) {
      patience(++polls);
      continue;
    }
    polls = 0;
    if (value === END) return { count, sum, outOfOrder };
    const producer = value % pairs;
    if (value <= (last[producer] as number)) outOfOrder++;
    last[producer] = value;
    count++;
    sum += value;
  }
}
