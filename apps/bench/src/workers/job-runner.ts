/**
 * The baseline of the scheduler suite's portable-spawn case: a worker that runs the same tiny task
 * for each job posted to it and posts the result back, as worker pools do.
 *
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads';
import { tiny } from './scheduler-tasks.js';

const port = parentPort as NonNullable<typeof parentPort>;

port.on('message', ({ id, n }: { id: number; n: number }) => {
  const steps = tiny(n);
  let step = steps.next();
  while (!step.done) step = steps.next();
  port.postMessage({ id, value: step.value });
});
