import { afterEach, describe, expect, it } from 'vitest';
import { BlockPool } from '../src/index.js';
import { runWorker, terminateWorkers } from './support/workers.js';

// BEAMISH_STRESS=10 makes the run ten times longer.
const stress = Number(process.env.BEAMISH_STRESS ?? 1);
afterEach(terminateWorkers);

const run = (file: string, workerData: unknown) =>
  runWorker<{ failures: number; acquired: number }>(new URL(file, import.meta.url), workerData);

describe('BlockPool across threads', () => {
  it('never lets two threads hold one block at once', async () => {
    // Few blocks for many threads, so they fight over the free list and exhaust it often.
    const pool = BlockPool.create({ blockSize: 4096, segmentSize: 16 * 4096, maxBytes: 32 * 4096 });
    const owners = new SharedArrayBuffer(4 * pool.maxBlocks);
    const rounds = 20_000 * stress;
    const results = await Promise.all(
      [1, 2, 3, 4].map((id) =>
        run('./workers/pool-worker.mjs', { handle: pool.handle, owners, id, rounds, seed: id * 7919 }),
      ),
    );
    expect(results.map((r) => r.failures)).toEqual([0, 0, 0, 0]);
    for (const r of results) expect(r.acquired).toBeGreaterThan(rounds);
    expect(pool.stats().blocksInUse).toBe(0);
    expect(new Int32Array(owners).every((o) => o === 0)).toBe(true);
    // Every block is back on the free list exactly once: all of them can be taken again, and no more.
    const again = Array.from({ length: pool.maxBlocks }, () => pool.acquire());
    expect(new Set(again).size).toBe(pool.maxBlocks);
    expect(pool.tryAcquire()).toBe(-1);
  }, 30_000);
});
