import { Arena, BlockPool, SharedHeap } from '@beamish/arena';
import type { BenchCase, Suite } from '../suite.js';

/** Results go here so that neither side's work can be optimised away. */
// biome-ignore lint/correctness/noUnusedVariables: written only, which is the point: the engine must keep the work
let sink: unknown;
const BATCH = 1000;

function allocCase(pool: BlockPool, length: number, minRatio?: number): BenchCase {
  const arena = new Arena(pool);
  // A process's heap fills and is freed again: reset each time a block's worth is allocated, so
  // ours pays its share of freeing just as the baseline pays its share of garbage collection.
  const perBlock = Math.floor(pool.blockSize / (8 * length));
  let count = 0;
  return {
    name: `alloc ${length} f64`,
    unit: 'ns/op',
    baselineName: `new Float64Array(${length})`,
    opsPerCall: BATCH,
    ours: () => {
      for (let i = 0; i < BATCH; i++) {
        if (++count === perBlock) {
          count = 0;
          arena.reset();
        }
        sink = arena.f64(length);
      }
    },
    baseline: () => {
      for (let i = 0; i < BATCH; i++) sink = new Float64Array(length);
    },
    ...(minRatio ? { target: { minRatio } } : {}),
  };
}

const LIFECYCLE_SIZES = [4, 16, 64, 8, 32];

function lifecycleCase(pool: BlockPool): BenchCase {
  return {
    name: 'process lifecycle: 200 buffers, then exit',
    unit: 'µs/op',
    baselineName: 'the same 200 Float64Arrays left to GC',
    opsPerCall: 10,
    ours: () => {
      for (let p = 0; p < 10; p++) {
        const arena = new Arena(pool);
        for (let i = 0; i < 200; i++) sink = arena.f64(LIFECYCLE_SIZES[i % 5] as number);
        arena.release();
      }
    },
    baseline: () => {
      for (let p = 0; p < 10; p++) {
        for (let i = 0; i < 200; i++) sink = new Float64Array(LIFECYCLE_SIZES[i % 5] as number);
      }
    },
  };
}

function releaseCase(pool: BlockPool): BenchCase {
  let arena = new Arena(pool);
  let blocks: number[] = [];
  return {
    name: 'release an arena of 1,000 blocks',
    unit: 'µs/op',
    baselineName: 'pool.release() of each of 1,000 blocks',
    beforeEachOurs: () => {
      arena = new Arena(pool);
      for (let i = 0; i < 1000; i++) arena.alloc(pool.blockSize);
    },
    ours: () => arena.release(),
    beforeEachBaseline: () => {
      blocks = Array.from({ length: 1000 }, () => pool.acquire());
    },
    baseline: () => {
      for (const block of blocks) pool.release(block);
    },
    target: { maxOurs: 20 },
  };
}

const HEAP_SIZES = [24, 64, 200, 1000, 48, 8];
const LIVE = 64;

function heapCase(heap: SharedHeap): BenchCase {
  // Keep 64 allocations of mixed sizes live, freeing the oldest as each new one is made, so the
  // free list holds ranges of many sizes and frees coalesce, as in real use.
  const live = new Int32Array(LIVE);
  for (let i = 0; i < LIVE; i++) live[i] = heap.malloc(HEAP_SIZES[i % HEAP_SIZES.length] as number);
  let next = 0;
  return {
    name: 'SharedHeap malloc + free',
    unit: 'ns/op',
    baselineName: 'new SharedArrayBuffer(size), left to GC',
    opsPerCall: BATCH,
    ours: () => {
      for (let i = 0; i < BATCH; i++) {
        heap.free(live[next] as number);
        live[next] = heap.malloc(HEAP_SIZES[i % HEAP_SIZES.length] as number);
        next = (next + 1) % LIVE;
      }
    },
    baseline: () => {
      for (let i = 0; i < BATCH; i++)
        sink = new SharedArrayBuffer(HEAP_SIZES[i % HEAP_SIZES.length] as number);
    },
  };
}

const suite: Suite = {
  name: 'arena',
  description: 'arena allocation, process lifecycle and release, shared heap malloc/free',
  cases: () => {
    const pool = BlockPool.create();
    const heap = SharedHeap.create({ bytes: 1 << 20 });
    return [
      allocCase(pool, 4),
      allocCase(pool, 128),
      allocCase(pool, 1024, 20),
      lifecycleCase(pool),
      releaseCase(pool),
      heapCase(heap),
    ];
  },
};

export default suite;
