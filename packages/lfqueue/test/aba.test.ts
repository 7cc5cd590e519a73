import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueHooks } from '../src/hooks.js';
import { GENERATION, HEAD, NEXT, POOL_HEAD, slot, TAIL } from '../src/layout.js';
import type { NodePool } from '../src/node-pool.js';

const HOOKS = Symbol.for('beamish.lfqueue.hooks');

/** Loads a fresh copy of the package with `hooks` installed (they are read when the module loads). */
async function load(hooks: QueueHooks) {
  vi.resetModules();
  (globalThis as Record<symbol, unknown>)[HOOKS] = hooks;
  return import('../src/index.js');
}

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[HOOKS];
});

/**
 * A dequeuer reads the head (the dummy node d) and the value of the first node, 10, and is delayed
 * just before its CAS. Meanwhile values are dequeued and enqueued one at a time until d, freed and
 * reused, is the dummy at the head once more (the pool is first in, first out, so that takes a few
 * rounds) with one value, the last enqueued, behind it. The delayed CAS then compares the head with
 * what it read: with generations the word has changed and the CAS fails; without them the head
 * looks untouched, the CAS succeeds, and the stale 10 is returned a second time.
 *
 * Returns what the interleaved dequeues returned, and what the delayed one returned.
 */
async function delayedDequeue(kind: 'LMSQueue' | 'MSQueue', untagged: boolean) {
  let interleave: (() => void) | undefined;
  const { LMSQueue, MSQueue } = await load({
    untagged,
    beforeHeadCas: () => {
      const run = interleave;
      interleave = undefined; // only the first, delayed dequeue is interrupted
      run?.();
    },
  });
  const queue = (kind === 'LMSQueue' ? LMSQueue : MSQueue).create({ capacity: 2 });
  const words = new Int32Array(queue.buffer);
  const mask = 2 ** 3 - 1; // 4 nodes: 3 index bits
  const meanwhile: Array<number | undefined> = [];
  queue.tryEnqueue(10);
  const d = (words[HEAD] as number) & mask;
  let value = 20;
  interleave = () => {
    do {
      meanwhile.push(queue.tryDequeue());
      queue.tryEnqueue(value++);
    } while (((words[HEAD] as number) & mask) !== d);
  };
  const delayed = queue.tryDequeue();
  return { meanwhile, delayed, last: value - 1, queue };
}

describe.each(['LMSQueue', 'MSQueue'] as const)('%s generations against ABA', (kind) => {
  it('make a CAS delayed across the reuse of its node fail and retry', async () => {
    const { meanwhile, delayed, last, queue } = await delayedDequeue(kind, false);
    expect(meanwhile).toEqual([10, ...Array.from({ length: last - 20 }, (_, i) => 20 + i)]);
    expect(meanwhile.length).toBeGreaterThan(1); // d came back only after other nodes were used
    expect(delayed).toBe(last);
    queue.tryEnqueue(30);
    queue.tryEnqueue(40);
    expect([queue.tryDequeue(), queue.tryDequeue(), queue.tryDequeue()]).toEqual([30, 40, undefined]);
  });

  it('are what stands between that CAS and a corrupt queue', async () => {
    // Without generations, the delayed dequeue returns 10 a second time, from a node that was freed.
    const { meanwhile, delayed } = await delayedDequeue(kind, true);
    expect(meanwhile[0]).toBe(10);
    expect(delayed).toBe(10);
  });
});

/**
 * Michael and Scott's other CAS: an enqueuer reads the last node l and its null next, and is
 * delayed just before it CASes that next to link its own node. Meanwhile l is dequeued, freed and
 * taken by a producer that has written l's null next for its new life and not linked l yet. The
 * delayed CAS then compares l's next with what it read: with generations the null carries l's
 * generation, which has moved on, and the CAS fails; without them it succeeds, and the value is
 * linked behind a node that is not in the queue.
 *
 * Returns what the queue delivers afterwards.
 */
async function delayedLink(untagged: boolean) {
  const { queue, words, mask, pool, pauseNextLink, bringToFront } = await msQueueWithLinkPause(untagged);
  const l = (words[TAIL] as number) & mask; // the dummy of the empty queue
  pauseNextLink(() => {
    // l goes: 1 is enqueued behind it and dequeued, which frees l to the pool, where it waits its
    // turn...
    queue.tryEnqueue(1);
    queue.tryDequeue();
    bringToFront(l);
    // ...and a producer takes l and writes its null next, <null, l's generation>, as its enqueue does.
    pool.take(new Int32Array(1), 1);
    const generation = untagged ? 0 : (words[slot(l, GENERATION)] as number);
    words[slot(l, NEXT)] = (generation << 3) | mask;
  });
  const accepted = queue.tryEnqueue(2); // the delayed one
  pool.give(l, l); // the producer gives l back unlinked
  return { accepted, delivered: [queue.tryDequeue(), queue.tryDequeue()] };
}

/**
 * A new `MSQueue` of capacity 2 (4 nodes, 3 index bits) and its pool, loaded with a hook that pauses
 * the next enqueue to reach its link CAS and runs what `pauseNextLink` was given.
 */
async function msQueueWithLinkPause(untagged = false) {
  let atLink: (() => void) | undefined;
  const { MSQueue } = await load({
    untagged,
    beforeLinkCas: () => {
      const run = atLink;
      atLink = undefined;
      run?.();
    },
  });
  const queue = MSQueue.create({ capacity: 2, spareNodes: 0 });
  const words = new Int32Array(queue.buffer);
  const mask = 2 ** 3 - 1;
  const pool = (queue as unknown as { pool: NodePool }).pool;
  return {
    queue,
    words,
    mask,
    pool,
    pauseNextLink: (run: () => void) => {
      atLink = run;
    },
    /** Takes nodes from the pool and gives them back until `node` is the next a take hands out. */
    bringToFront: (node: number) => {
      const taken = new Int32Array(1);
      while (((words[POOL_HEAD] as number) & mask) !== node) {
        pool.take(taken, 1);
        pool.give(taken[0] as number, taken[0] as number);
      }
    },
  };
}

describe('MSQueue generations on next links', () => {
  it('make a link CAS delayed across the reuse of its node fail and retry', async () => {
    expect(await delayedLink(false)).toEqual({ accepted: true, delivered: [2, undefined] });
  });

  it('are what stands between that CAS and a lost value', async () => {
    expect(await delayedLink(true)).toEqual({ accepted: true, delivered: [undefined, undefined] });
  });
});

describe("MSQueue's enqueue", () => {
  it("writes its node's null next with the node's generation, so that a linker delayed since the node's last life fails", async () => {
    // Here the delayed linker is played by hand, and the producer that has taken the node again is
    // the real enqueue, paused just before it links that node.
    const { queue, words, mask, pauseNextLink, bringToFront } = await msQueueWithLinkPause();
    queue.tryEnqueue(1);
    const l = (words[TAIL] as number) & mask;
    const seen = words[slot(l, NEXT)] as number; // what a linker that read l as the last node saw
    queue.tryEnqueue(2);
    expect([queue.tryDequeue(), queue.tryDequeue()]).toEqual([1, 2]); // l is freed
    bringToFront(l);
    let linked: boolean | undefined;
    pauseNextLink(() => {
      // The enqueue below has taken l and written its null next; the delayed linker's CAS, which
      // would link its own node (say node 0) behind l, runs now.
      linked = Atomics.compareExchange(words, slot(l, NEXT), seen, seen & ~mask) === seen;
    });
    expect(queue.tryEnqueue(3)).toBe(true);
    expect(linked).toBe(false);
    expect([queue.tryDequeue(), queue.tryDequeue()]).toEqual([3, undefined]);
  });
});
