// One core of the demo in ./processes.mjs: runs processes one after another, each in its own arena.
import { workerData } from 'node:worker_threads';
import { Arena, ArenaLimitError, BlockPool, SharedHeap } from '@beamish/arena';

const { thread, threads, processesPerThread } = workerData;
const pool = BlockPool.attach(workerData.pool);
const heap = SharedHeap.attach(workerData.heap);
const table = new Float64Array(heap.buffer, workerData.table, 4 * threads);
const row = 4 * thread;

/** A process: builds some numeric state in its heap, computes, and exits. */
function processBody(arena, n) {
  const xs = arena.f64(n);
  const ys = arena.f64(n);
  for (let i = 0; i < n; i++) {
    xs[i] = i / n;
    ys[i] = xs[i] * xs[i];
  }
  let area = 0;
  for (let i = 1; i < n; i++) area += ((ys[i] + ys[i - 1]) / 2) * (xs[i] - xs[i - 1]);
  return area; // ≈ 1/3
}

for (let p = 0; p < processesPerThread; p++) {
  const arena = new Arena(pool, { limit: 64 * 1024 });
  try {
    // Every 1000th process asks for more than its max heap size and is stopped.
    const n = p % 1000 === 999 ? 8192 : 16 + (p % 256);
    table[row + 2] += processBody(arena, n);
  } catch (error) {
    if (!ArenaLimitError.isInstance(error)) throw error;
    table[row + 1] += 1;
  } finally {
    arena.release(); // however the process ended, its memory goes back at once
  }
  table[row] += 1;
}
