// A producer or a consumer for threads.test.ts. Plain ESM JavaScript, since Node 20 cannot load
// TypeScript in a worker: it imports the built package (packages/lfqueue/dist).
//
// Producer `id` of `producers` enqueues the values id, id + producers, id + 2 * producers, … (so a
// value names its producer, value % producers, and its place in that producer's sequence,
// floor(value / producers)), retrying while the queue is full. Consumers start only once a
// producer has found the queue full, so that the full path is always taken; they dequeue until the
// shared count of consumed items reaches the total and send back everything they got, in order.
// Should items go missing, a consumer also stops when it finds the queue empty after every producer
// had finished: the test then reports the loss instead of hanging.
import { parentPort, workerData } from 'node:worker_threads';
import { LMSQueue, MSQueue } from '../../dist/index.js';

/** Int32 indices of the control buffer shared by the test and its workers. */
const CONSUMED = 0;
const FULL_SEEN = 1;
const PRODUCERS_DONE = 2;

const { kind, buffer, control: controlBuffer, role, id, producers, perProducer, total, mode } = workerData;
const idle = new Int32Array(new SharedArrayBuffer(4));
/**
 * Called after the `failures`th failed try in a row: spins a while, then gives the core away for
 * 50 µs. Without it, threads spinning on a full or empty queue starve the very threads they wait
 * for whenever there are more threads than cores (a run then takes seconds instead of milliseconds).
 */
function backOff(failures) {
  if (failures % 64 === 0) Atomics.wait(idle, 0, 0, 0.05);
}
// Producers stream values: they take nodes from the pool in batches.
const queue = (kind === 'LMSQueue' ? LMSQueue : MSQueue).attach(buffer, {
  batchEnqueues: role === 'producer',
});
const control = new Int32Array(controlBuffer);

if (role === 'producer') {
  let fulls = 0;
  for (let i = 0; i < perProducer; i++) {
    const value = i * producers + id;
    for (let failures = 1; !queue.tryEnqueue(value); failures++) {
      if (fulls++ === 0) {
        Atomics.store(control, FULL_SEEN, 1);
        Atomics.notify(control, FULL_SEEN);
      }
      backOff(failures);
    }
  }
  queue.releaseSpares(); // a handle that is done gives back the nodes it took in a batch
  Atomics.add(control, PRODUCERS_DONE, 1);
  parentPort.postMessage({ role, id, fulls, counters: queue.counters() });
} else {
  while (Atomics.load(control, FULL_SEEN) === 0) Atomics.wait(control, FULL_SEEN, 0, 100);
  const values = new Int32Array(total);
  let count = 0;
  let empties = 0;
  let failures = 0;
  while (Atomics.load(control, CONSUMED) < total) {
    const finished = Atomics.load(control, PRODUCERS_DONE) === producers;
    // 'blocking' sleeps on the doorbell when the queue is empty; the timeout only bounds the wait
    // of a consumer that is still asleep when the other one takes the last item.
    const value = mode === 'blocking' ? queue.dequeue(20) : queue.tryDequeue();
    if (value === undefined) {
      if (finished) break; // empty with nothing more to come: whatever is missing is lost
      empties++;
      backOff(++failures);
      continue;
    }
    failures = 0;
    if (count < total) values[count] = value;
    count++;
    Atomics.add(control, CONSUMED, 1);
  }
  // A consumer that stops before it sees the queue empty still holds spare nodes: give them back,
  // so that the test's final check can find every node.
  queue.releaseSpares();
  const got = values.subarray(0, Math.min(count, total));
  parentPort.postMessage({ role, id, count, values: got, empties, counters: queue.counters() }, [
    values.buffer,
  ]);
}
parentPort.close();
