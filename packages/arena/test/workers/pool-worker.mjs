// Runs in a worker thread (plain JS: workers load the built package, not TypeScript).
// Acquires and releases blocks of a shared pool, claiming each block in a shared ownership table
// while it holds it: a failed claim means two owners held one block at once.
import { parentPort, workerData } from 'node:worker_threads';
import { Arena, BlockPool } from '@beamish/arena';

const { handle, owners, id, rounds, seed } = workerData;
const pool = BlockPool.attach(handle);
const owner = new Int32Array(owners);
let state = seed >>> 0 || 1;
const random = (n) => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) % n;
};

let failures = 0;
let acquired = 0;
const claim = (block) => {
  if (Atomics.compareExchange(owner, block, 0, id) !== 0) failures++;
  const words = new Int32Array(pool.buffer, pool.byteOffset(block), pool.blockSize / 4);
  words.fill(id);
  acquired++;
};
const unclaim = (block) => {
  const words = new Int32Array(pool.buffer, pool.byteOffset(block), pool.blockSize / 4);
  if (words[0] !== id || words[words.length - 1] !== id) failures++;
  if (Atomics.compareExchange(owner, block, id, 0) !== id) failures++;
};

for (let round = 0; round < rounds; round++) {
  const held = [];
  const count = 1 + random(8);
  for (let i = 0; i < count; i++) {
    const block = pool.tryAcquire();
    if (block >= 0) {
      claim(block);
      held.push(block);
    }
  }
  for (const block of held) unclaim(block);
  if (random(2) === 0) pool.releaseAll(held);
  else for (const block of held) pool.release(block);

  // An arena's blocks come from the same pool and go back in one step.
  const arena = new Arena(pool);
  const before = arena.stats().blocksHeld;
  for (let i = 0; i < 1 + random(4); i++) arena.u8(pool.blockSize);
  const blocks = arena.stats().blocksHeld - before;
  acquired += blocks;
  arena.release();
}
parentPort.postMessage({ failures, acquired });
