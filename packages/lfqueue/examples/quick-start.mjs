// Two worker threads feed one queue; the main thread sleeps on the queue's doorbell until values
// arrive. Run with `node packages/lfqueue/examples/quick-start.mjs` after `npm run build`.
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { LMSQueue } from '@beamish/lfqueue';

const PER_PRODUCER = 100_000;

if (isMainThread) {
  const queue = LMSQueue.create({ capacity: 1024 });
  for (const id of [0, 1]) new Worker(new URL(import.meta.url), { workerData: { buffer: queue.buffer, id } });

  let received = 0;
  let sum = 0;
  const next = [0, PER_PRODUCER]; // each producer's values arrive in the order it sent them
  while (received < 2 * PER_PRODUCER) {
    const value = await queue.dequeueAsync(5_000); // sleeps on the doorbell while the queue is empty
    if (value === undefined) throw new Error('the producers went quiet');
    const producer = value < PER_PRODUCER ? 0 : 1;
    if (value !== next[producer]++) throw new Error(`out of order: ${value}`);
    sum += value;
    received++;
  }
  console.log(`received ${received} values in order from 2 threads, sum ${sum}`);
  console.log(`queue empty again: ${queue.size() === 0 && queue.tryDequeue() === undefined}`);
} else {
  const queue = LMSQueue.attach(workerData.buffer);
  const first = workerData.id * PER_PRODUCER;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let value = first; value < first + PER_PRODUCER; value++) {
    // A full queue refuses instead of dropping: wait a moment and offer the value again.
    while (!queue.tryEnqueue(value)) Atomics.wait(nap, 0, 0, 1);
  }
}
