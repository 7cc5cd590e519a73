import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueHooks } from '../src/hooks.js';

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
 * A dequeuer reads the head (the dummy node d) and the value of the first node, and is delayed
 * just before its CAS. Meanwhile the queue is emptied, d is freed, reused for a new value that is
 * dequeued in turn, and d is the dummy at the head once more. The delayed CAS then compares the
 * head with what it read: with tags the word has changed and the CAS fails; without them the head
 * looks untouched, the CAS succeeds, the stale value is returned a second time and the head is
 * moved onto a freed node.
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
  const returned: Array<number | undefined> = [];
  queue.tryEnqueue(10);
  interleave = () => {
    returned.push(queue.tryDequeue());
    queue.tryEnqueue(20);
    returned.push(queue.tryDequeue());
  };
  returned.push(queue.tryDequeue()); // the delayed one finishes last
  // A corrupt queue may now loop for ever: only the tagged one is used further.
  if (untagged) return returned;
  queue.tryEnqueue(30);
  queue.tryEnqueue(40);
  returned.push(queue.tryDequeue(), queue.tryDequeue(), queue.tryDequeue());
  return returned;
}

describe.each(['LMSQueue', 'MSQueue'] as const)('%s tags against ABA', (kind) => {
  it('make a CAS delayed across the reuse of its node fail and retry', async () => {
    expect(await delayedDequeue(kind, false)).toEqual([10, 20, undefined, 30, 40, undefined]);
  });

  it('are what stands between that CAS and a corrupt queue', async () => {
    // Without tags, the delayed dequeue returns 10 a second time, from a node that was freed.
    expect(await delayedDequeue(kind, true)).toEqual([10, 20, 10]);
  });
});
