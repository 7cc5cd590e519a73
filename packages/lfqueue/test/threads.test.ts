import { describe, expect, it } from 'vitest';
import type { QueueCounters, SharedQueue } from '../src/index.js';
import { lastGeneration, startAt } from './support/generations.js';
import { kinds, useWorkers } from './support/workers.js';

/*
 * Producers and consumers on separate threads (workers/stress-worker.mjs), and threads that recycle
 * the nodes of a tiny queue (workers/recycle-worker.mjs). The workers run the built package, since
 * Node 20 cannot load TypeScript in a worker: this tests packages/lfqueue/dist, which the root
 * `npm test` builds first (by hand: `npx tsup` in packages/lfqueue).
 *
 * LFQUEUE_STRESS_ITEMS=n moves n items through each producer/consumer scenario (200,000 by default)
 * and scales the recycling test to match.
 */
const DEFAULT_ITEMS = 200_000;
const ITEMS = stressItems();
const SCALE = ITEMS / DEFAULT_ITEMS;
/**
 * Generous: a scenario takes well under a second at the default size on 2 idle cores, but 10 s and
 * more on 2 loaded ones (a sleeping consumer waits for the OS to wake it).
 */
const TIMEOUT_MS = 120_000 * Math.max(1, SCALE);

function stressItems(): number {
  const setting = process.env.LFQUEUE_STRESS_ITEMS;
  if (setting === undefined || setting === '') return DEFAULT_ITEMS;
  const items = Number(setting);
  if (!Number.isInteger(items) || items < 1000) {
    throw new RangeError(`LFQUEUE_STRESS_ITEMS must be an integer of at least 1000, got ${setting}`);
  }
  return items;
}

const stressWorker = new URL('./workers/stress-worker.mjs', import.meta.url);
const recycleWorker = new URL('./workers/recycle-worker.mjs', import.meta.url);
const start = useWorkers();

interface ProducerReport {
  role: 'producer';
  id: number;
  fulls: number;
  counters: QueueCounters;
}

interface ConsumerReport {
  role: 'consumer';
  id: number;
  count: number;
  values: Int32Array;
  empties: number;
  counters: QueueCounters;
}

interface RecyclerReport {
  id: number;
  values: Int32Array;
  fulls: number;
  empties: number;
  counters: QueueCounters;
}

/**
 * What went wrong in a delivery of `producers × perProducer` items, where producer p sent the values
 * p, p + producers, p + 2 · producers, … in that order and `received` lists what each consumer got,
 * in the order it got them. All zeros and no samples when every item arrived exactly once and each
 * consumer saw each producer's items in order.
 */
function checkDelivery(producers: number, perProducer: number, received: readonly Int32Array[]) {
  const total = producers * perProducer;
  const seen = new Uint8Array(total);
  const samples: string[] = [];
  const sample = (message: string) => {
    if (samples.length < 10) samples.push(message);
  };
  let unknown = 0;
  let outOfOrder = 0;
  for (const [consumer, values] of received.entries()) {
    const last = new Array<number>(producers).fill(-1);
    for (const [i, value] of values.entries()) {
      if (value < 0 || value >= total) {
        unknown++;
        sample(`consumer ${consumer} got ${value}, which nobody sent (item ${i})`);
        continue;
      }
      if (seen[value] !== 2) seen[value] = (seen[value] as number) + 1;
      const producer = value % producers;
      const sequence = (value - producer) / producers;
      const previous = last[producer] as number;
      if (sequence <= previous) {
        outOfOrder++;
        sample(
          `consumer ${consumer} got item ${sequence} of producer ${producer} after its item ${previous} (item ${i})`,
        );
      }
      last[producer] = sequence;
    }
  }
  let missing = 0;
  let duplicated = 0;
  for (let value = 0; value < total; value++) {
    if (seen[value] === 0) {
      missing++;
      sample(`value ${value} (item ${Math.floor(value / producers)} of producer ${value % producers}) lost`);
    } else if (seen[value] === 2) {
      duplicated++;
      sample(`value ${value} delivered more than once`);
    }
  }
  return { missing, duplicated, unknown, outOfOrder, samples };
}

const perfect = { missing: 0, duplicated: 0, unknown: 0, outOfOrder: 0, samples: [] };

/**
 * Checks, with no other thread left, that `queue` is empty and that its node pool is whole: exactly
 * `capacity` enqueues succeed (a leaked node would make one fail, a node in the pool twice
 * would let one more through or hand one node out twice) and come back out in order.
 */
function expectEmptyAndWhole(queue: SharedQueue): void {
  expect(queue.size()).toBe(0);
  expect(queue.tryDequeue()).toBeUndefined();
  const capacity = queue.capacity;
  const accepted = Array.from({ length: capacity }, (_, i) => queue.tryEnqueue(i));
  expect(accepted.every((ok) => ok)).toBe(true);
  expect(queue.tryEnqueue(capacity)).toBe(false);
  expect(queue.size()).toBe(capacity);
  const drained = Array.from({ length: capacity + 1 }, () => queue.tryDequeue());
  expect(drained).toEqual([...Array.from({ length: capacity }, (_, i) => i), undefined]);
}

type ConsumerMode = 'spin' | 'blocking';

const scenarios: {
  name: string;
  producers: number;
  consumers: ConsumerMode[];
  capacity: number;
  /** Start with every generation 1,000 short of its wrap, and positions just below 2^31. */
  nearWraps?: boolean;
}[] = [
  {
    name: '2 producers and 2 consumers (one spinning, one sleeping on the doorbell)',
    producers: 2,
    consumers: ['spin', 'blocking'],
    capacity: 64,
  },
  { name: '1 producer and 1 spinning consumer', producers: 1, consumers: ['spin'], capacity: 1024 },
  { name: '1 producer and 1 sleeping consumer', producers: 1, consumers: ['blocking'], capacity: 64 },
  {
    // Every node's generation wraps to 0 about a third of the way through, and positions pass 2^31.
    name: '2 producers and 2 spinning consumers, generations wrapping',
    producers: 2,
    consumers: ['spin', 'spin'],
    capacity: 64,
    nearWraps: true,
  },
];

describe.each(kinds)('%s across threads', (kind, Queue) => {
  for (const { name, producers, consumers, capacity, nearWraps = false } of scenarios) {
    it(
      `delivers ${ITEMS} items exactly once and in each producer's order: ${name}`,
      async () => {
        const perProducer = Math.ceil(ITEMS / producers);
        const total = perProducer * producers;
        expect(perProducer).toBeGreaterThan(2 * capacity); // the queue fills, and every node is reused
        const queue = Queue.create({ capacity });
        if (nearWraps) startAt(queue.buffer, lastGeneration(queue.buffer) - 1000, 0x7fff_c000);
        // [0] items consumed, [1] set when a producer first finds the queue full, [2] producers done.
        const control = new SharedArrayBuffer(16);
        const common = { kind, buffer: queue.buffer, control, producers, perProducer, total };
        const producing = Array.from({ length: producers }, (_, id) =>
          start<ProducerReport>(stressWorker, { ...common, role: 'producer', id }),
        );
        const consuming = consumers.map((mode, id) =>
          start<ConsumerReport>(stressWorker, { ...common, role: 'consumer', id, mode }),
        );
        const producerReports = await Promise.all(producing);
        const consumerReports = await Promise.all(consuming);

        expect(
          checkDelivery(
            producers,
            perProducer,
            consumerReports.map((r) => r.values),
          ),
        ).toEqual(perfect);
        expect(consumerReports.reduce((sum, r) => sum + r.count, 0)).toBe(total);
        expect(Atomics.load(new Int32Array(control), 0)).toBe(total);
        // Consumers start only after a full queue turned a producer away: the retry path ran.
        expect(producerReports.reduce((sum, r) => sum + r.fulls, 0)).toBeGreaterThan(0);
        // Each handle counts exactly its own successful operations.
        for (const r of producerReports) expect(r.counters.operations).toBe(perProducer);
        for (const r of consumerReports) expect(r.counters.operations).toBe(r.count);
        expectEmptyAndWhole(queue);
      },
      TIMEOUT_MS,
    );
  }

  it(
    'recycles the nodes of a 4-value queue ~100,000 times each among 4 threads, losing, duplicating and leaking none',
    async () => {
      const threads = 4;
      const capacity = 4;
      // Every enqueue takes a node from the pool and every dequeue gives one back: 500,000
      // enqueues by default over the 6 nodes (the capacity, plus the queue's and the pool's dummies).
      const rounds = Math.round(125_000 * SCALE);
      const queue = Queue.create({ capacity });
      const control = new SharedArrayBuffer(4);
      const reports = await Promise.all(
        Array.from({ length: threads }, (_, id) =>
          start<RecyclerReport>(recycleWorker, {
            kind,
            buffer: queue.buffer,
            control,
            id,
            threads,
            rounds,
          }),
        ),
      );

      expect(
        checkDelivery(
          threads,
          rounds,
          reports.map((r) => r.values),
        ),
      ).toEqual(perfect);
      for (const r of reports) {
        expect(r.counters.operations).toBe(2 * rounds);
        // Between its enqueue and its dequeue a thread's own value, or the value of a thread that took
        // it, is in the queue: a linearizable queue never looks empty to it.
        expect(r.empties).toBe(0);
      }
      expectEmptyAndWhole(queue);
    },
    TIMEOUT_MS,
  );
});

describe('checkDelivery', () => {
  it('finds lost, duplicated, unknown and reordered items', () => {
    // Producer 0 sends 0, 2, 4; producer 1 sends 1, 3, 5.
    expect(checkDelivery(2, 3, [Int32Array.of(0, 1, 2), Int32Array.of(3, 4, 5)])).toEqual(perfect);
    const report = checkDelivery(2, 3, [Int32Array.of(0, 4, 2, 1), Int32Array.of(3, 3, 9)]);
    expect(report).toMatchObject({ missing: 1, duplicated: 1, unknown: 1, outOfOrder: 2 });
    expect(report.samples).toContain('value 5 (item 2 of producer 1) lost');
    expect(report.samples).toContain('consumer 0 got item 1 of producer 0 after its item 2 (item 2)');
  });
});
