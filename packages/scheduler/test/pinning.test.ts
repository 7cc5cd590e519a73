import { threadId } from 'node:worker_threads';
import { expect, it } from 'vitest';
// The built package: its worker threads load dist/worker.js.
import { startSchedulers } from '../dist/index.js';

const module = new URL('./workers/tasks.mjs', import.meta.url).href;

it('leaves tasks pinned by affinity where they are, however unbalanced the load', async () => {
  const group = startSchedulers({ count: 2, rebalanceMs: 5 });
  try {
    const runs = await Promise.all(
      Array.from({ length: 8 }, () =>
        group.spawnPortable<number[]>(
          { module, name: 'grind', args: [{ i: 0, n: 400_000, x: 1, threads: [] }], migratable: true },
          { affinity: 1 },
        ),
      ),
    );
    // Every task ran on scheduler 1's thread only, and nothing moved.
    for (const threads of runs) {
      expect(threads).toHaveLength(1);
      expect(threads[0]).not.toBe(threadId);
    }
    expect(group.stats().map((core) => core.migrationsOut)).toEqual([0, 0]);
  } finally {
    await group.stop();
  }
}, 30_000);
