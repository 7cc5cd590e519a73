// A consumer for the doorbell tests: waits for values the test thread enqueues later.
import { parentPort, workerData } from 'node:worker_threads';
import { LMSQueue, MSQueue } from '../../dist/index.js';

const { kind, buffer, mode, count } = workerData;
const queue = (kind === 'LMSQueue' ? LMSQueue : MSQueue).attach(buffer);
parentPort.postMessage('ready');
if (mode === 'blocking') {
  for (let i = 0; i < count; i++) parentPort.postMessage(queue.dequeue(10_000));
  parentPort.postMessage(`timeout:${queue.dequeue(20)}`);
} else if (mode === 'async') {
  // Nothing but the pending wait keeps this thread's event loop alive.
  for (let i = 0; i < count; i++) parentPort.postMessage(await queue.dequeueAsync(10_000));
  parentPort.postMessage(`timeout:${await queue.dequeueAsync(20)}`);
} else {
  // A lost wake-up shows as a wait that lasts its whole timeout: report the longest.
  let sum = 0;
  let longestMs = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    sum += queue.dequeue(10_000) ?? Number.NaN;
    longestMs = Math.max(longestMs, performance.now() - started);
  }
  parentPort.postMessage({ sum, longestMs });
}
parentPort.close();
