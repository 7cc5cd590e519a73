// A worker for shared-heap.threads.test.ts. Plain ESM JavaScript, since workers cannot load
// TypeScript: it imports the built package (packages/arena/dist, through the workspace link).
//
// It attaches to the heap and does `ops` random mallocs and frees. Every allocation is claimed in
// a shared ownership table (one Int32 slot per 8-byte granule of the heap) by compare-and-swap
// from 0 to this worker's id, and filled with a pattern unique to the worker and the allocation;
// before each free the pattern is checked and the granules are handed back. Two owners of the
// same memory at once show up as a failed CAS or a broken pattern.
import { parentPort, workerData } from 'node:worker_threads';
import { OutOfMemoryError, SharedHeap } from '@beamish/arena';

const {
  heapBuffer,
  ownersBuffer,
  controlBuffer,
  id,
  workers,
  ops,
  maxLive,
  maxBytes,
  maxAllocations,
  seed,
  inherited = [],
} = workerData;

const BOOKKEEPING = 192; // the heap's own state at the start of the buffer
const heap = SharedHeap.attach(heapBuffer);
const owners = new Int32Array(ownersBuffer);
const control = new Int32Array(controlBuffer); // [0] workers ready, [1] go
const capacity = heapBuffer.byteLength;

let failures = 0;
let outOfMemory = 0;
let mallocs = 0;
let frees = 0;
let snapshots = 0;
const details = [];
function fail(message) {
  failures++;
  if (details.length < 10) details.push(`worker ${id} (seed ${seed}): ${message}`);
}

// xorshift32: cheap, and reproducible from `seed`.
let state = seed >>> 0 || 1;
function random(n) {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state % n;
}

/** The 32-bit word at index `k` of this worker's allocation number `serial`. */
function word(serial, k) {
  return ((id << 24) | ((serial & 0xffff) << 8) | (k & 0xff)) >>> 0;
}

/**
 * The granules an allocation covers: its usable bytes plus the 8 bytes of tags either side, so an
 * allocation that overlaps another's tags is caught too.
 */
function granules(pointer, size) {
  return [(pointer - 8) >> 3, (pointer + size + 8) >> 3];
}

function claim(pointer, size) {
  const [from, to] = granules(pointer, size);
  for (let g = from; g < to; g++) {
    const previous = Atomics.compareExchange(owners, g, 0, id);
    if (previous !== 0)
      fail(`granule ${g} of allocation ${pointer} (${size} bytes) is owned by worker ${previous}`);
  }
}

function release(pointer, size) {
  const [from, to] = granules(pointer, size);
  for (let g = from; g < to; g++) {
    const previous = Atomics.compareExchange(owners, g, id, 0);
    if (previous !== id) fail(`granule ${g} of allocation ${pointer} was owned by ${previous} at free`);
  }
}

// Allocations the main thread made, claimed and filled for this worker: they are freed here.
const live = inherited.map(({ pointer, size, serial }) => ({
  pointer,
  size,
  serial,
  words: new Uint32Array(heapBuffer, pointer, size >> 2),
}));
let serial = 0;

function allocate() {
  const bytes = 1 + random(maxBytes);
  let pointer;
  try {
    pointer = heap.malloc(bytes);
  } catch (error) {
    if (!OutOfMemoryError.isInstance(error)) throw error;
    outOfMemory++;
    return false;
  }
  mallocs++;
  const size = heap.sizeOf(pointer);
  if (pointer % 8 !== 0 || pointer < BOOKKEEPING + 8 || pointer + size > capacity || size < bytes) {
    fail(`malloc(${bytes}) returned ${pointer} with ${size} usable bytes`);
    return true;
  }
  claim(pointer, size);
  const words = new Uint32Array(heapBuffer, pointer, size >> 2);
  const n = serial++;
  for (let k = 0; k < words.length; k++) words[k] = word(n, k);
  live.push({ pointer, size, serial: n, words });
  return true;
}

function deallocate(index) {
  const allocation = live[index];
  live[index] = live[live.length - 1];
  live.pop();
  const { pointer, size, words } = allocation;
  for (let k = 0; k < words.length; k++) {
    if (words[k] !== word(allocation.serial, k)) {
      const found = words[k];
      fail(
        `allocation ${pointer} (${size} bytes) overwritten at byte ${4 * k}: 0x${found.toString(16)}, owner ${found >>> 24}`,
      );
      break;
    }
  }
  release(pointer, size);
  heap.free(pointer);
  frees++;
}

/** A snapshot is taken under the lock, so it must add up even while the other workers are busy. */
function snapshot() {
  const stats = heap.stats();
  snapshots++;
  const ok =
    stats.capacity === capacity &&
    stats.capacity - stats.bytesUsed - stats.bytesFree === BOOKKEEPING &&
    stats.allocations >= live.length &&
    stats.allocations <= maxAllocations &&
    stats.freeRanges <= stats.allocations + 1 &&
    stats.largestFree <= stats.bytesFree;
  if (!ok) fail(`inconsistent stats ${JSON.stringify(stats)}`);
}

// Start all workers at once, so that they really contend for the heap's lock.
if (Atomics.add(control, 0, 1) + 1 === workers) {
  Atomics.store(control, 1, 1);
  Atomics.notify(control, 1);
} else {
  while (Atomics.load(control, 1) === 0) Atomics.wait(control, 1, 0, 1000);
}

let done = 0;
try {
  for (; done < ops; done++) {
    // 3 mallocs to 2 frees, so each worker hovers near maxLive and the heap near full.
    const wantFree = live.length >= maxLive || (live.length > 0 && random(5) < 2);
    if (wantFree || !allocate()) {
      if (live.length > 0) deallocate(random(live.length));
    }
    if (done % 64 === 0) snapshot();
  }
  while (live.length > 0) deallocate(live.length - 1);
} catch (error) {
  fail(`threw ${error?.stack ?? error}`);
}

parentPort.postMessage({ id, ops: done, mallocs, frees, outOfMemory, snapshots, failures, details });
