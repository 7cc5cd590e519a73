// The example from the README. Run it with `node packages/arena/examples/quick-start.mjs`
// after `npm run build`.
import { Arena, ArenaLimitError, BlockPool, SharedHeap } from '@beamish/arena';

const pool = BlockPool.create(); // 64 KiB blocks, committed 4 MiB at a time, up to 1 GiB

// One process's private heap, limited like Erlang's max_heap_size.
const arena = new Arena(pool, { limit: 256 * 1024 });
const samples = arena.f64(1024);
for (let i = 0; i < samples.length; i++) samples[i] = Math.sin(i);
const scratch = arena.mark();
arena.u8(10_000); // temporary work...
arena.rewind(scratch); // ...gone again
console.log('in use:', arena.stats().bytesUsed, 'bytes in', arena.stats().blocksHeld, 'block');

try {
  arena.f64(1_000_000);
} catch (error) {
  if (ArenaLimitError.isInstance(error)) console.log('limit hit:', error.message);
}

arena.release(); // the process exits: every block back to the pool at once
console.log('blocks in use after release:', pool.stats().blocksInUse);

// The global heap, for what processes share on purpose (post heap.buffer to workers).
const heap = SharedHeap.create({ bytes: 1 << 20 });
const shared = heap.view(Int32Array, 4);
Atomics.add(shared, 0, 1);
heap.free(shared);
console.log('shared heap allocations:', heap.stats().allocations);
