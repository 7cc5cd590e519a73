// One thread of linearizability.test.ts. Plain ESM JavaScript, since Node 20 cannot load TypeScript
// in a worker: it imports the built package (packages/lfqueue/dist).
//
// For each history in turn the worker attaches to that history's queue, waits at a barrier until
// every thread has arrived, and then runs its planned operations, stamping each with a shared
// clock read just before the call and just after it (Atomics.add: one total order, consistent with
// real time, whose intervals contain the real ones). Short random pauses between operations vary
// the interleavings.
import { parentPort, workerData } from 'node:worker_threads';
import { LMSQueue, MSQueue } from '../../dist/index.js';

// Shared with linearizability.test.ts.
const NONE = -2; // no operation in this slot
const DEQUEUE = -1; // a dequeue; any other plan entry is the value to enqueue
const EMPTY = -1; // the result of a dequeue that found the queue empty
const FIELDS = 3; // per operation: result, invoke time, response time
const SYNC_STRIDE = 3; // per history: barrier count, threads running, clock

const { kind, buffers, plan: planBuffer, results: resultsBuffer, sync: syncBuffer } = workerData;
const { thread, threads, slots, seed } = workerData;
const Queue = kind === 'LMSQueue' ? LMSQueue : MSQueue;
const plan = new Int32Array(planBuffer);
const results = new Int32Array(resultsBuffer);
const sync = new Int32Array(syncBuffer);

// xorshift32, for the pauses.
let state = seed >>> 0 || 1;
function random(n) {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) % n;
}

/** Spins between short sleeps at the barrier, and at most at the start line (about a millisecond). */
const SPIN_LIMIT = 200_000;
const START_SPINS = 200_000;
let sink = 0;
function pause(iterations) {
  for (let i = 0; i < iterations; i++) sink = (sink + i) | 0;
}

/**
 * Waits until every thread has arrived at history `h`, spinning, and sleeping briefly between rounds
 * of spinning to let a descheduled thread (there may be more threads than cores) get there. Then a
 * start line, spinning only: the thread that arrived last would otherwise be done with its few
 * operations before the others had woken up.
 */
function barrier(h) {
  const arrivals = h * SYNC_STRIDE;
  if (Atomics.add(sync, arrivals, 1) + 1 === threads) {
    Atomics.notify(sync, arrivals);
  } else {
    for (let spins = 1; ; spins++) {
      const arrived = Atomics.load(sync, arrivals);
      if (arrived === threads) break;
      if (spins % SPIN_LIMIT === 0) Atomics.wait(sync, arrivals, arrived, 1);
    }
  }
  const running = arrivals + 1;
  Atomics.add(sync, running, 1);
  // Bounded: a thread descheduled here must not hold the others up for long.
  for (let spins = 0; spins < START_SPINS && Atomics.load(sync, running) < threads; spins++);
}

for (let h = 0; h < buffers.length; h++) {
  const queue = Queue.attach(buffers[h]);
  const clock = h * SYNC_STRIDE + 2;
  const base = (h * threads + thread) * slots;
  barrier(h);
  for (let k = 0; k < slots; k++) {
    const step = plan[base + k];
    if (step === NONE) break;
    pause(random(4) === 0 ? random(2000) : random(50));
    const invoke = Atomics.add(sync, clock, 1);
    let result;
    if (step === DEQUEUE) result = queue.tryDequeue() ?? EMPTY;
    else result = queue.tryEnqueue(step) ? 1 : 0;
    const respond = Atomics.add(sync, clock, 1);
    const at = (base + k) * FIELDS;
    results[at] = result;
    results[at + 1] = invoke;
    results[at + 2] = respond;
  }
}
parentPort.postMessage({ thread, sink });
parentPort.close();
