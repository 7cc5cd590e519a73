import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { QueueHooks } from '../src/hooks.js';
import type { LMSQueue as LMSQueueClass, SharedQueue } from '../src/index.js';
import { HEAD, NEXT, POOL_HEAD, POOL_NEXT, POOL_TAIL, slot, TAIL, VALUE } from '../src/layout.js';
import type { NodePool } from '../src/node-pool.js';

/** Every enqueue hands its optimistic `prev` store to the test, which runs it now, later or never. */
const pending: Array<() => void> = [];
let policy: 'now' | 'defer' = 'defer';
/** Runs once, inside the first step of a repair of the list whose head word is at `list`. */
let pauseRepair: { list: number; run: () => void } | undefined;
const hooks: QueueHooks = {
  deferPrevStore: (store) => {
    if (policy === 'now') store();
    else pending.push(store);
  },
  fixListStep: (list) => {
    if (pauseRepair?.list !== list) return;
    const { run } = pauseRepair;
    pauseRepair = undefined;
    run();
  },
};

/** The node pool of a handle, to take nodes from and give them back as a producer would. */
const poolOf = (queue: SharedQueue) => (queue as unknown as { pool: NodePool }).pool;
let LMSQueue: typeof LMSQueueClass;

beforeAll(async () => {
  (globalThis as Record<symbol, unknown>)[Symbol.for('beamish.lfqueue.hooks')] = hooks;
  ({ LMSQueue } = await import('../src/index.js'));
});

/**
 * A new queue of capacity 3 with two handles that give every freed node back at once: `fixer`, whose
 * repair a test pauses, and `other`, for everything else. `mask` takes a word's node index.
 */
function twoHandles() {
  policy = 'now';
  pending.length = 0;
  const fixer = LMSQueue.create({ capacity: 3, spareNodes: 0 });
  const other = LMSQueue.attach(fixer.buffer, { spareNodes: 0 });
  return { fixer, other, ints: new Int32Array(fixer.buffer), mask: 7 }; // 5 nodes: 3 index bits
}

/**
 * Checks that the empty queue of capacity 3 holds its whole capacity again: no node was lost, and
 * none is in the pool twice.
 */
function expectWhole(queue: LMSQueueClass): void {
  for (const value of [7, 8, 9]) expect(queue.tryEnqueue(value)).toBe(true);
  expect(queue.tryEnqueue(10)).toBe(false);
  expect([queue.tryDequeue(), queue.tryDequeue(), queue.tryDequeue(), queue.tryDequeue()]).toEqual([
    7,
    8,
    9,
    undefined,
  ]);
}

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

  // A repair that pauses after checking the head, while the node it stands on is freed and taken by
  // a producer that writes the node's next and then loses its CAS to another producer. The repair
  // must not trust that next: it names the live tail as the node's predecessor, and a prev written
  // from it would send the next dequeue to a node that is not in the list.

  it('does not follow the next of a node freed and taken again while it paused', () => {
    const { fixer, other, ints, mask } = twoHandles();
    policy = 'defer';
    other.tryEnqueue(1); // the dummy's prev is never stored: the next dequeue repairs the list
    policy = 'now';
    other.tryEnqueue(2);
    const t = (ints[TAIL] as number) & mask;
    const delivered: Array<number | undefined> = [];
    pauseRepair = {
      list: HEAD,
      run: () => {
        delivered.push(other.tryDequeue(), other.tryDequeue()); // 1, 2: t is the dummy
        let value = 10;
        while (((ints[POOL_HEAD] as number) & mask) !== t) {
          // t is freed, and waits its turn in the pool
          other.tryEnqueue(value++);
          delivered.push(other.tryDequeue());
        }
        // A producer takes t, writes its value and its next (the tail), and is about to CAS...
        const taken = new Int32Array(1);
        expect(poolOf(other).take(taken, 1)).toBe(1);
        expect(taken[0]).toBe(t);
        ints[slot(t, VALUE)] = 300;
        ints[slot(t, NEXT)] = ints[TAIL] as number;
        // ...but another producer enqueues first.
        other.tryEnqueue(200);
      },
    };
    delivered.push(fixer.tryDequeue()); // repairs, pauses at t, and resumes
    expect(pauseRepair).toBeUndefined();
    poolOf(other).give(t, t); // the first producer's CAS failed: it gives t back
    expect(delivered).toEqual([1, 2, ...delivered.slice(2, -1), 200]);
    expect(fixer.tryDequeue()).toBeUndefined();
    expectWhole(fixer);
  });

  it('does not follow the pool next of a node taken and given again while it paused', () => {
    const { fixer, other, ints, mask } = twoHandles();
    for (const value of [1, 2, 3]) other.tryEnqueue(value); // the pool holds only its dummy
    policy = 'defer';
    expect(other.tryDequeue()).toBe(1); // gives a node back; the dummy's pool prev is never stored
    policy = 'now';
    expect(other.tryDequeue()).toBe(2); // gives another: the pool is dummy, a, b
    const b = (ints[POOL_TAIL] as number) & mask;
    const values: number[] = [3];
    pauseRepair = {
      list: POOL_HEAD,
      run: () => {
        // b is taken (it is the dummy after two more takes)...
        const taken = new Int32Array(3);
        expect(poolOf(other).take(taken, 3)).toBe(2);
        poolOf(other).give(taken[0] as number, taken[0] as number);
        poolOf(other).give(taken[1] as number, taken[1] as number);
        expect(poolOf(other).take(taken, 1)).toBe(1);
        expect(taken[0]).toBe(b);
        // ...and a dequeue is giving it back: it wrote b's pool next (the pool's tail) and is about
        // to CAS, when another give comes first.
        ints[slot(b, POOL_NEXT)] = ints[POOL_TAIL] as number;
        other.tryEnqueue(20);
        values.push(20);
        expect(other.tryDequeue()).toBe(3);
        values.shift();
      },
    };
    expect(fixer.tryEnqueue(30)).toBe(true); // its take repairs the pool, pauses at b, and resumes
    values.push(30);
    expect(pauseRepair).toBeUndefined();
    poolOf(other).give(b, b); // the first give retries, and succeeds
    for (const value of values) expect(fixer.tryDequeue()).toBe(value);
    expect(fixer.tryDequeue()).toBeUndefined();
    expectWhole(fixer);
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
