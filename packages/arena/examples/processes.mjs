// The arena demo: short-lived "processes" on every core, each with a private arena that goes back
// to a shared block pool in one step when it exits, and a shared heap where they post results.
// Run it with `npm run demo` from the repository root.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BlockPool, SharedHeap } from '@beamish/arena';

const threads = availableParallelism();
const processesPerThread = Number(process.env.PROCESSES ?? 50_000);

const pool = BlockPool.create();
const heap = SharedHeap.create({ bytes: 1 << 20 });
// One row per thread: processes run, max_heap_size exits, sum of results, blocks used at peak.
const table = heap.view(Float64Array, 4 * threads);

const started = performance.now();
await Promise.all(
  Array.from({ length: threads }, (_, thread) => {
    const worker = new Worker(new URL('./process-worker.mjs', import.meta.url), {
      workerData: {
        pool: pool.handle,
        heap: heap.buffer,
        table: table.byteOffset,
        thread,
        threads,
        processesPerThread,
      },
    });
    return new Promise((resolve, reject) => {
      worker.once('exit', resolve);
      worker.once('error', reject);
    });
  }),
);
const seconds = (performance.now() - started) / 1000;

console.log(
  `${threads} threads × ${processesPerThread.toLocaleString()} processes in ${seconds.toFixed(2)} s`,
);
for (let t = 0; t < threads; t++) {
  const [ran, killed, sum] = table.subarray(4 * t, 4 * t + 3);
  console.log(
    `  thread ${t}: ${ran.toLocaleString()} processes, ${killed} exited with max_heap_size, checksum ${sum.toFixed(3)}`,
  );
}
const stats = pool.stats();
console.log(
  `pool: ${stats.blocksCarved} blocks of ${stats.blockSize / 1024} KiB ever carved, ${stats.blocksInUse} still in use`,
);
heap.free(table);
console.log(
  `shared heap: ${heap.stats().allocations} allocations left, ${heap.stats().freeRanges} free range`,
);
