// A thread of the node-pool test in threads.test.ts. Plain ESM JavaScript, since Node 20 cannot
// load TypeScript in a worker: it imports the built package (packages/lfqueue/dist).
//
// Thread `id` of `threads` does `rounds` enqueue/dequeue pairs on a queue of a few nodes, so that
// every node goes through the pool over and over while the other threads do the same. It
// enqueues the values id, id + threads, id + 2 * threads, … (retrying while the queue is full) and
// records every value it dequeues (retrying while the queue is empty: with its own value in the
// queue, or taken by another thread that left one of its own, something is always there for it).
import { parentPort, workerData } from 'node:worker_threads';
import { LMSQueue, MSQueue } from '../../dist/index.js';

const { kind, buffer, control: controlBuffer, id, threads, rounds } = workerData;
// Half the threads keep up to two spare nodes and take nodes from the pool in batches, so that nodes
// also pass through handles' hands; the others take every node from the pool and give it back.
const options = id % 2 === 1 ? { spareNodes: 2, batchEnqueues: true } : { spareNodes: 0 };
const queue = (kind === 'LMSQueue' ? LMSQueue : MSQueue).attach(buffer, options);
const control = new Int32Array(controlBuffer); // [0]: threads that have arrived
const idle = new Int32Array(new SharedArrayBuffer(4));

/** After a run of failed tries, gives the core away (there may be more threads than cores). */
function backOff(failures) {
  if (failures % 64 === 0) Atomics.wait(idle, 0, 0, 0.05);
}

// Start together, so that the threads really contend from the first round.
if (Atomics.add(control, 0, 1) + 1 === threads) Atomics.notify(control, 0);
for (let arrived = Atomics.load(control, 0); arrived < threads; arrived = Atomics.load(control, 0)) {
  Atomics.wait(control, 0, arrived, 100);
}

const values = new Int32Array(rounds);
let fulls = 0;
let empties = 0;
for (let i = 0; i < rounds; i++) {
  const value = i * threads + id;
  for (let failures = 1; !queue.tryEnqueue(value); failures++) {
    fulls++;
    backOff(failures);
  }
  let got = queue.tryDequeue();
  for (let failures = 1; got === undefined; failures++) {
    empties++;
    backOff(failures);
    got = queue.tryDequeue();
  }
  values[i] = got;
}
queue.releaseSpares(); // a handle that is done gives back the nodes it keeps
parentPort.postMessage({ id, values, fulls, empties, counters: queue.counters() }, [values.buffer]);
parentPort.close();
