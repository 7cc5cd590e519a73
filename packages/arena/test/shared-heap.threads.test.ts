import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SharedHeap } from '../src/index.js';
import { runWorker, terminateWorkers } from './support/workers.js';

/*
 * Several threads malloc and free on one heap at once (see workers/heap-worker.mjs). The workers
 * run the built package, so this tests packages/arena/dist: the root `npm test` builds it first.
 *
 * BEAMISH_STRESS=n multiplies the operations per worker (and the time limit); BEAMISH_HEAP_WORKERS
 * sets the number of workers.
 */
const STRESS = Math.max(1, Number(process.env.BEAMISH_STRESS) || 1);
const WORKERS = Math.max(2, Math.floor(Number(process.env.BEAMISH_HEAP_WORKERS)) || 4);
const OPS = 50_000 * STRESS;
const MAX_LIVE = 32;
const MAX_BYTES = 512;
// 32 KiB for the default 4 workers: less than they want at their peak, so some mallocs run out.
const HEAP_BYTES = 8 * 1024 * WORKERS;
const INHERITED = 8; // allocations made on the main thread and freed by each worker

interface WorkerReport {
  id: number;
  ops: number;
  mallocs: number;
  frees: number;
  outOfMemory: number;
  snapshots: number;
  failures: number;
  details: string[];
}

const workerUrl = new URL('./workers/heap-worker.mjs', import.meta.url);
const dist = new URL('../dist/index.js', import.meta.url);
afterEach(terminateWorkers);

const start = (workerData: Record<string, unknown>) => runWorker<WorkerReport>(workerUrl, workerData);

/** The pattern word of heap-worker.mjs: owner id, allocation serial and word index. */
function word(id: number, serial: number, k: number): number {
  return ((id << 24) | ((serial & 0xffff) << 8) | (k & 0xff)) >>> 0;
}

describe('SharedHeap across threads', () => {
  it(
    `keeps ${WORKERS} workers' allocations apart through ${OPS} mallocs and frees each`,
    async () => {
      if (!existsSync(dist)) {
        throw new Error(`${fileURLToPath(dist)} is missing: build the package (npx tsup in packages/arena)`);
      }
      const heap = SharedHeap.create({ bytes: HEAP_BYTES });
      const initial = heap.stats();
      const ownersBuffer = new SharedArrayBuffer((HEAP_BYTES / 8) * 4);
      const owners = new Int32Array(ownersBuffer);
      const controlBuffer = new SharedArrayBuffer(8);

      // Each worker starts with allocations made here, to free them from its own thread.
      const inherited = new Map<number, { pointer: number; size: number; serial: number }[]>();
      for (let id = 1; id <= WORKERS; id++) {
        const list = [];
        for (let i = 0; i < INHERITED; i++) {
          const pointer = heap.malloc(8 + 40 * i);
          const size = heap.sizeOf(pointer);
          const serial = 0x8000 + i;
          for (let g = (pointer - 8) >> 3; g < (pointer + size + 8) >> 3; g++) owners[g] = id;
          const words = new Uint32Array(heap.buffer, pointer, size >> 2);
          for (let k = 0; k < words.length; k++) words[k] = word(id, serial, k);
          list.push({ pointer, size, serial });
        }
        inherited.set(id, list);
      }

      const reports = Array.from({ length: WORKERS }, (_, i) =>
        start({
          heapBuffer: heap.buffer,
          ownersBuffer,
          controlBuffer,
          id: i + 1,
          workers: WORKERS,
          ops: OPS,
          maxLive: MAX_LIVE,
          maxBytes: MAX_BYTES,
          seed: (Math.random() * 2 ** 32) >>> 0,
          inherited: inherited.get(i + 1),
          maxAllocations: WORKERS * (MAX_LIVE + INHERITED),
        }),
      );

      // This thread only waits: a blocking heap call here (stats() takes the lock) would hang the
      // whole run instead of letting the test time out if the lock were broken. The workers take
      // the snapshots.
      const results = await Promise.all(reports);
      const details = results.flatMap((r) => r.details);
      expect(details).toEqual([]);
      for (const report of results) {
        expect(report.failures).toBe(0);
        expect(report.ops).toBe(OPS);
        // Every malloc is freed: its own, at the latest when the worker ends, and the inherited ones.
        expect(report.frees).toBe(report.mallocs + INHERITED);
        expect(report.mallocs).toBeGreaterThan(OPS / 4);
        expect(report.snapshots).toBeGreaterThan(0);
      }
      // The heap filled up under contention: the out-of-memory path ran too.
      expect(results.reduce((sum, r) => sum + r.outOfMemory, 0)).toBeGreaterThan(0);
      expect(heap.stats()).toEqual(initial);
      expect(owners.every((owner) => owner === 0)).toBe(true);
    },
    60_000 * STRESS,
  );
});
