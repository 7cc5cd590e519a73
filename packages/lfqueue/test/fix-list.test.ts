import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { QueueHooks } from '../src/hooks.js';
import type { LMSQueue as LMSQueueClass } from '../src/index.js';

/** Every enqueue hands its optimistic `prev` store to the test, which runs it now, later or never. */
const pending: Array<() => void> = [];
let policy: 'now' | 'defer' = 'defer';
const hooks: QueueHooks = {
  deferPrevStore: (store) => {
    if (policy === 'now') store();
    else pending.push(store);
  },
};
let LMSQueue: typeof LMSQueueClass;

beforeAll(async () => {
  (globalThis as Record<symbol, unknown>)[Symbol.for('beamish.lfqueue.hooks')] = hooks;
  ({ LMSQueue } = await import('../src/index.js'));
});

describe('LMSQueue fixList, in the queue and in its node pool', () => {
  it('repairs prev links that were never stored', () => {
    policy = 'defer';
    pending.length = 0;
    const queue = LMSQueue.create({ capacity: 8 });
    for (const value of [1, 2, 3]) queue.tryEnqueue(value);
    expect(pending).toHaveLength(3);
    expect([queue.tryDequeue(), queue.tryDequeue(), queue.tryDequeue(), queue.tryDequeue()]).toEqual([
      1,
      2,
      3,
      undefined,
    ]);
    expect(queue.counters().fixLists).toBeGreaterThan(0);
  });

  it('takes a lone value from the tail without a repair while its prev store is late', () => {
    policy = 'defer';
    pending.length = 0;
    const queue = LMSQueue.create({ capacity: 8 });
    for (const value of [1, 2]) {
      queue.tryEnqueue(value); // the tail has moved; the dummy's prev is not stored yet
      expect(queue.tryDequeue()).toBe(value);
    }
    expect(queue.tryDequeue()).toBeUndefined();
    expect(queue.counters()).toEqual({ operations: 4, casFailures: 0, fixLists: 0 });
    // The late stores land on nodes the head has passed, with generations that no longer match.
    for (const store of pending.splice(0)) store();
    policy = 'now';
    queue.tryEnqueue(3);
    queue.tryEnqueue(4);
    expect([queue.tryDequeue(), queue.tryDequeue(), queue.tryDequeue()]).toEqual([3, 4, undefined]);
  });

  it('ignores prev stores that arrive after their node was dequeued and reused', () => {
    policy = 'defer';
    pending.length = 0;
    const queue = LMSQueue.create({ capacity: 2 });
    queue.tryEnqueue(1);
    queue.tryEnqueue(2);
    expect([queue.tryDequeue(), queue.tryDequeue()]).toEqual([1, 2]);
    const stale = pending.splice(0);
    expect(stale).toHaveLength(4); // two of the queue's, and two of the pool's as the dequeues gave nodes back
    policy = 'now';
    queue.tryEnqueue(3);
    queue.tryEnqueue(4);
    // The late stores now land on reused nodes, with the generations of their former lives.
    for (const store of stale) store();
    expect([queue.tryDequeue(), queue.tryDequeue(), queue.tryDequeue()]).toEqual([3, 4, undefined]);
  });

  it('stays a FIFO whatever happens to the optimistic stores', () => {
    type Step =
      | { kind: 'enqueue'; value: number; store: 'now' | 'defer' }
      | { kind: 'dequeue' }
      | { kind: 'flush'; pick: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant('enqueue' as const),
        value: fc.nat(1000),
        store: fc.constantFrom('now' as const, 'defer' as const),
      }),
      fc.constant({ kind: 'dequeue' as const }),
      fc.record({ kind: fc.constant('flush' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(step, { maxLength: 200 }), (capacity, steps) => {
        pending.length = 0;
        const queue = LMSQueue.create({ capacity });
        const model: number[] = [];
        for (const s of steps) {
          if (s.kind === 'enqueue') {
            policy = s.store;
            const accepted = queue.tryEnqueue(s.value);
            expect(accepted).toBe(model.length < capacity);
            if (accepted) model.push(s.value);
          } else if (s.kind === 'dequeue') {
            expect(queue.tryDequeue()).toBe(model.shift());
          } else if (pending.length > 0) {
            // A delayed store finally runs, possibly long after its node moved on.
            pending.splice(s.pick % pending.length, 1)[0]?.();
          }
        }
        while (model.length > 0) expect(queue.tryDequeue()).toBe(model.shift());
        expect(queue.tryDequeue()).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
